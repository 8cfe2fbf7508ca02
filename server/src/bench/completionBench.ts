/**
 * `hearth bench completion`: replays a typing trace through the real language server over stdio, as an
 * editor would (the cursor put down and a moment's reading, then didChange per keystroke, an
 * inline-completion request per keystroke, cancellation of the stale one, accepts when the suggestion is
 * right), once with every cache, reuse and prefetch on, once with all of them off, once with the completion
 * path's guardrails (secret redaction, parse check) off and once without early start, and reports latency
 * percentiles per shown suggestion, what the caches saved, what the guards and early start change, and the CPU
 * the server's process tree spent per 100 keystrokes while typing (`--server` runs another build under the
 * same harness, to compare builds).
 */

import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { CancellationTokenSource, type ProtocolConnection } from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { percentile, ratio, round, seededRandom } from "../base/numbers";
import {
  type HearthStatus,
  type PrefetchCompletionParams,
  prefetchCompletionNotification,
  statusRequest,
} from "../protocol";
import { BenchServer, sleep } from "./benchServer";
import {
  buildTypingSessions,
  defaultTraceOptions,
  defaultTypingRhythm,
  pauseAfter,
  type TypingSession,
} from "./typingTrace";

export interface CompletionBenchOptions {
  /** The `hearth.mjs` that runs as the server: this build, or another one to compare builds with one harness. */
  cliPath: string;
  /** Real source files to type into; copied to a scratch workspace. */
  files: string[];
  seed: number;
  /** Extra `hearth` settings for both runs (for example another completion model). */
  settings: Record<string, unknown>;
  onProgress?: (done: number, total: number, label: string) => void;
}

interface RunFigures {
  keystrokes: number;
  shown: number;
  accepted: number;
  latenciesMs: number[];
  /** CPU seconds of the server's process tree while typing (warm-up and indexing left out); null off Linux. */
  typingCpuSeconds: number | null;
  status: HearthStatus;
}

const noReuse = { cache: false, inFlightReuse: false, kvReuse: false, prefetch: false };
const guardsOff = { guardrails: { secrets: { enabled: false }, completionParseCheck: { enabled: false } } };

export async function runCompletionBench(options: CompletionBenchOptions) {
  const workspace = mkdtempSync(path.join(tmpdir(), "hearth-bench-completion-"));
  try {
    const files = options.files.map((file) => {
      const relative = `${path.basename(path.dirname(file))}/${path.basename(file)}`;
      mkdirSync(path.join(workspace, path.dirname(relative)), { recursive: true });
      cpSync(file, path.join(workspace, relative));
      return { path: relative, text: readFileSync(file, "utf8") };
    });
    const sessions = buildTypingSessions(files, seededRandom(options.seed), defaultTraceOptions);
    const withReuse = await replay(options, workspace, sessions, {}, "with caches and reuse");
    const withoutReuse = await replay(options, workspace, sessions, noReuse, "without caches and reuse");
    // The same trace with every guard on the completion path off: what the guardrails add to a keystroke.
    const withoutGuards = await replay(options, workspace, sessions, {}, "without guardrails", guardsOff);
    // Generation only once typing pauses, as before early start: its latency and CPU beside the default's.
    const withoutEarlyStart = await replay(
      options,
      workspace,
      sessions,
      { earlyStart: false },
      "without early start",
    );
    const counters = withReuse.status.completion!;
    return {
      files: files.length,
      sessions: sessions.length,
      keystrokes: withReuse.keystrokes,
      shown: withReuse.shown,
      accepted: withReuse.accepted,
      p50Ms: percentile(withReuse.latenciesMs, 0.5),
      p90Ms: percentile(withReuse.latenciesMs, 0.9),
      p99Ms: percentile(withReuse.latenciesMs, 0.99),
      cpuSecondsPer100Keystrokes: per100Keystrokes(withReuse),
      cacheAnswerRate: ratio(counters.cacheAnswers + counters.inFlightAnswers, counters.requests),
      typedAheadCacheAnswers: counters.cacheAnswers,
      inFlightAnswers: counters.inFlightAnswers,
      modelCalls: counters.modelCalls,
      promptReuseRatio: ratio(counters.reusedPromptTokens, counters.promptTokens),
      requestPromptReuseRatio: ratio(counters.requestReusedPromptTokens, counters.requestPromptTokens),
      cancelledGenerations: counters.cancelledGenerations,
      prefetches: counters.prefetches,
      earlyStarts: counters.earlyStarts ?? null,
      promotions: counters.promotions ?? null,
      supersededRequests: counters.supersededRequests,
      p50MsNoReuse: percentile(withoutReuse.latenciesMs, 0.5),
      p90MsNoReuse: percentile(withoutReuse.latenciesMs, 0.9),
      p99MsNoReuse: percentile(withoutReuse.latenciesMs, 0.99),
      shownNoReuse: withoutReuse.shown,
      cpuSecondsPer100KeystrokesNoReuse: per100Keystrokes(withoutReuse),
      modelCallsNoReuse: withoutReuse.status.completion!.modelCalls,
      promptReuseRatioNoReuse: ratio(
        withoutReuse.status.completion!.reusedPromptTokens,
        withoutReuse.status.completion!.promptTokens,
      ),
      p50Ratio: ratio(
        percentile(withReuse.latenciesMs, 0.5) ?? 0,
        percentile(withoutReuse.latenciesMs, 0.5) ?? 0,
      ),
      p50MsGuardsOff: percentile(withoutGuards.latenciesMs, 0.5),
      p90MsGuardsOff: percentile(withoutGuards.latenciesMs, 0.9),
      shownGuardsOff: withoutGuards.shown,
      guardsAddedP50Ms: round(
        (percentile(withReuse.latenciesMs, 0.5) ?? 0) - (percentile(withoutGuards.latenciesMs, 0.5) ?? 0),
      ),
      p50MsNoEarlyStart: percentile(withoutEarlyStart.latenciesMs, 0.5),
      p90MsNoEarlyStart: percentile(withoutEarlyStart.latenciesMs, 0.9),
      shownNoEarlyStart: withoutEarlyStart.shown,
      cpuSecondsPer100KeystrokesNoEarlyStart: per100Keystrokes(withoutEarlyStart),
      completionModel: withReuse.status.models?.find((model) => model.role === "completion")?.id ?? null,
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function replay(
  options: CompletionBenchOptions,
  workspace: string,
  sessions: TypingSession[],
  completionSettings: Record<string, unknown>,
  label: string,
  otherSettings: Record<string, unknown> = {},
): Promise<RunFigures> {
  const settings = {
    ...options.settings,
    ...otherSettings,
    completion: { ...(options.settings.completion as object), ...completionSettings },
  };
  const server = BenchServer.start({
    cliPath: options.cliPath,
    workspace,
    storagePath: path.join(workspace, ".bench-storage"),
    settings,
  });
  const { connection } = server;
  try {
    await server.initialize();
    if (!(await server.waitForIndex(120_000)))
      throw new Error("the bench workspace was not indexed in 2 minutes");
    const random = seededRandom(options.seed + 1);
    const figures: RunFigures = {
      keystrokes: 0,
      shown: 0,
      accepted: 0,
      latenciesMs: [],
      typingCpuSeconds: null,
      status: undefined as never,
    };
    const total = sessions.reduce((sum, session) => sum + session.span.length, 0);
    let typedSoFar = 0;
    await warmUp(connection, workspace, sessions[0]!);
    const cpuBefore = server.tree()?.cpuSeconds;
    for (const session of sessions) {
      await typeSession(connection, workspace, session, random, figures);
      typedSoFar += session.span.length;
      options.onProgress?.(typedSoFar, total, label);
    }
    const cpuAfter = server.tree()?.cpuSeconds;
    if (cpuBefore !== undefined && cpuAfter !== undefined) figures.typingCpuSeconds = cpuAfter - cpuBefore;
    figures.status = await connection.sendRequest(statusRequest.type);
    return figures;
  } finally {
    await server.stop();
  }
}

function per100Keystrokes(figures: RunFigures): number | null {
  if (figures.typingCpuSeconds === null || figures.keystrokes === 0) return null;
  return round((figures.typingCpuSeconds * 100) / figures.keystrokes, 3);
}

/** One request before measuring: it loads the model, which a user pays once per session, not per keystroke. */
async function warmUp(
  connection: ProtocolConnection,
  workspace: string,
  session: TypingSession,
): Promise<void> {
  const uri = pathToFileURL(path.join(workspace, session.path)).href;
  const document = TextDocument.create(uri, "python", 1, session.openedText);
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: 1, text: session.openedText },
  });
  await connection.sendRequest("textDocument/inlineCompletion", {
    textDocument: { uri },
    position: document.positionAt(session.offset),
    context: { triggerKind: 1 },
  });
  await connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
}

async function typeSession(
  connection: ProtocolConnection,
  workspace: string,
  session: TypingSession,
  random: () => number,
  figures: RunFigures,
): Promise<void> {
  const uri = pathToFileURL(path.join(workspace, session.path)).href;
  let document = TextDocument.create(uri, "python", 1, session.openedText);
  await connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: document.languageId, version: 1, text: document.getText() },
  });
  let cursor = session.offset;
  let typed = 0;
  let pending: { source: CancellationTokenSource; done: Promise<void> } | undefined;
  let suggestion: string | undefined;
  // The cursor is put down, as a click would, and the user reads a moment before typing.
  await connection.sendNotification(prefetchCompletionNotification.type, {
    textDocument: { uri },
    position: document.positionAt(cursor),
  } satisfies PrefetchCompletionParams);
  const [settleLow, settleHigh] = defaultTypingRhythm.settleMs;
  await sleep(settleLow + (settleHigh - settleLow) * random());

  const edit = async (text: string, deleteBefore = 0) => {
    const start = document.positionAt(cursor - deleteBefore);
    const end = document.positionAt(cursor);
    document = TextDocument.update(document, [{ range: { start, end }, text }], document.version + 1);
    cursor += text.length - deleteBefore;
    await connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: document.version },
      contentChanges: [{ range: { start, end }, text }],
    });
  };
  const request = () => {
    pending?.source.cancel();
    suggestion = undefined;
    const source = new CancellationTokenSource();
    const started = performance.now();
    const position = document.positionAt(cursor);
    const version = document.version;
    figures.keystrokes++;
    const done = connection
      .sendRequest<{ insertText: string }[] | null>(
        "textDocument/inlineCompletion",
        { textDocument: { uri }, position, context: { triggerKind: 2 } },
        source.token,
      )
      .then((items) => {
        const text = items?.[0]?.insertText;
        if (!text || document.version !== version) return;
        figures.shown++;
        figures.latenciesMs.push(performance.now() - started);
        suggestion = text;
      })
      .catch(() => undefined);
    pending = { source, done };
    return done;
  };

  while (typed < session.span.length) {
    const remaining = session.span.slice(typed);
    if (suggestion && remaining.startsWith(suggestion) && suggestion.trim()) {
      // The user presses Tab on a suggestion that is what they meant to type.
      figures.accepted++;
      const accepted = suggestion;
      await edit(accepted);
      typed += accepted.length;
      void request();
      await sleep(pauseAfter(accepted.at(-1)!, defaultTypingRhythm, random));
      continue;
    }
    if (random() < defaultTypingRhythm.typoRate) {
      await edit("x");
      void request();
      await sleep(pauseAfter("x", defaultTypingRhythm, random));
      await edit("", 1);
      void request();
      await sleep(pauseAfter("x", defaultTypingRhythm, random));
    }
    const character = remaining[0]!;
    await edit(character);
    typed++;
    void request();
    await sleep(pauseAfter(character, defaultTypingRhythm, random));
  }
  await pending?.done;
  await connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
}
