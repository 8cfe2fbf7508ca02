/**
 * `hearth bench chat`: what prompt caching saves in chat, measured in one run on the production capability over
 * an index of real code. For each round: a new conversation's first turn on a fresh engine with no saved state
 * (cold), the next turn of that conversation (its prompt starts with the previous turn's: KV reuse), and a new
 * conversation's first turn on another fresh engine once the fixed prefix was saved as a state file (saved
 * prefix). Time to first token counts from the question to the first token: retrieval and the prefix included;
 * loading the model and ranking the repository map (done once per index state, not per question) are not.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Logger } from "../base/logger";
import { median, round } from "../base/numbers";
import { chatCapability } from "../chat/capability";
import { createCore } from "../core/createCore";
import { IndexSession } from "../index/indexSession";
import { defaultIndexConfig } from "../index/indexSettings";
import type { ModelsSettings } from "../models";
import type { ChatResult } from "../protocol";

export interface ChatBenchOptions {
  root: string;
  rounds: number;
  models: ModelsSettings;
  logger: Logger;
  onProgress?: (done: number, total: number, label: string) => void;
}

const questions = [
  ["Where is loads defined?", 'Which function does this: "Serialize obj to a JSON formatted str."'],
  ["Where is JSONDecoder defined?", "Where is scanstring defined?"],
  ["Where is JSONEncoder defined?", "Where is make_iterencode defined?"],
] as const;

export async function runChatBench(options: ChatBenchOptions) {
  const scratch = mkdtempSync(path.join(tmpdir(), "hearth-bench-chat-"));
  try {
    const databasePath = path.join(scratch, "index.sqlite");
    const session = new IndexSession({
      root: options.root,
      databasePath,
      config: defaultIndexConfig,
      embedder: undefined,
      logger: options.logger,
    });
    try {
      await session.runFullPass();
    } finally {
      session.close();
    }
    const cold: ChatResult[] = [];
    const next: ChatResult[] = [];
    const saved: ChatResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // A state folder per round: the cold turn has no saved prefix, the saved-prefix turn has the cold one's.
      const stateDirectory = path.join(scratch, `kv-${round}`);
      const [first, second] = questions[round % questions.length]!;
      const ask = async (label: string, run: (chat: ReturnType<typeof capabilityOf>) => Promise<void>) => {
        const core = await createCore({
          roots: [options.root],
          settings: {},
          models: { ...options.models, stateDirectory },
          logger: options.logger,
          indexDatabases: { [options.root]: databasePath },
          feedbackDatabase: null,
        });
        try {
          // Loading the model and ranking the repository map (once per index state) are not what this measures.
          await core.services.engine.load("chat");
          const chat = capabilityOf(core);
          await chat.prepare();
          await run(chat);
        } finally {
          await core.dispose();
        }
        options.onProgress?.(round + 1, options.rounds, label);
      };
      await ask("cold and next turn", async (chat) => {
        const turn = await chat.ask({ question: first });
        cold.push(turn);
        next.push(await chat.ask({ question: second, conversationId: turn.conversationId }));
      });
      await ask("saved prefix", async (chat) => {
        saved.push(await chat.ask({ question: first }));
      });
    }
    const ttft = (results: ChatResult[]) =>
      median(
        results.flatMap((result) =>
          result.timings.timeToFirstTokenMs === null ? [] : [result.timings.timeToFirstTokenMs],
        ),
      );
    const coldMs = ttft(cold);
    const decode = [...cold, ...next, ...saved].flatMap((result) => {
      const { generatedTokens, totalMs, timeToFirstTokenMs } = result.timings;
      const decodeMs = totalMs - (timeToFirstTokenMs ?? totalMs);
      return generatedTokens > 1 && decodeMs > 0 ? [((generatedTokens - 1) * 1000) / decodeMs] : [];
    });
    return {
      root: options.root,
      model: cold[0]?.model ?? null,
      rounds: options.rounds,
      ttftColdMs: round(coldMs),
      ttftNextTurnMs: round(ttft(next)),
      ttftSavedPrefixMs: round(ttft(saved)),
      nextTurnTtftRatio: round(ttft(next) / coldMs, 4),
      savedPrefixTtftRatio: round(ttft(saved) / coldMs, 4),
      promptReuseRatioNextTurn: round(
        median(
          next.map((result) => result.timings.reusedPromptTokens / Math.max(1, result.timings.promptTokens)),
        ),
        4,
      ),
      promptTokensNextTurn: median(next.map((result) => result.timings.promptTokens)),
      tokensPerSecond: round(median(decode)),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function capabilityOf(core: Awaited<ReturnType<typeof createCore>>) {
  return core.capability(chatCapability)!;
}
