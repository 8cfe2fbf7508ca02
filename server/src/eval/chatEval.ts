/**
 * `hearth eval chat <dir>`: questions generated from the given codebase, in the manner of RepoQA's "search
 * needle function" (a function's doc summary asks for the function) and "where is X defined", asked through
 * the production chat capability over an index of the folder. It reports whether retrieval found the target
 * (recall@5), whether the answer cited it (the right file and overlapping lines), how many citations pointed
 * into the given context, and latencies. The question forms are the ones Hearth's tiny chat model was trained
 * on; any model can answer them.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Logger } from "../base/logger";
import { percentile, ratio, seededRandom } from "../base/numbers";
import { chatCapability } from "../chat/capability";
import { docSummary } from "../chat/docSummary";
import type { IndexProgress } from "../index/indexRunner";
import { IndexSession } from "../index/indexSession";
import { defaultIndexConfig } from "../index/indexSettings";
import type { ModelsSettings } from "../models";
import { createParserBackend, definitions, isLanguageId, languageForPath } from "../syntax";
import type { EvalCoreFactory } from "./evalCore";

export interface ChatEvalOptions {
  root: string;
  databasePath: string;
  tasks: number;
  seed: number;
  /** The raw `hearth` settings the eval runs with (the suite's: the user's, or a candidate's). Default none. */
  settings?: unknown;
  /** Model settings laid over `settings` (`hearth eval chat --model`). */
  models?: ModelsSettings;
  /** `createCore`, passed in (see `evalCore.ts`). */
  createCore: EvalCoreFactory;
  logger: Logger;
  signal?: AbortSignal | undefined;
  onProgress?: (done: number, total: number, label: string) => void;
  onIndexProgress?: (progress: IndexProgress) => void;
}

interface Task {
  kind: "where" | "which";
  question: string;
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

/** One question's outcome, keyed by what was asked so two runs on the same commit pair up. */
export interface ChatOutcome {
  key: string;
  kind: Task["kind"];
  retrieved: boolean;
  cited: boolean;
  citations: number;
  removed: number;
  answerMs: number;
  ttftMs: number | null;
}

const identifier = /^[A-Za-z_][\w]*$/;

/**
 * Asks the generated questions through the chat capability. `model` is `null` (and nothing is indexed or
 * asked) when the settings turn chat off (`hearth.models.chat` set to `none`).
 */
export async function runChatEval(options: ChatEvalOptions) {
  const core = await options.createCore({
    roots: [options.root],
    settings: options.settings ?? {},
    ...(options.models ? { models: options.models } : {}),
    logger: options.logger,
    indexDatabases: { [options.root]: options.databasePath },
    embedQueries: false,
    feedbackDatabase: null,
    excludeOwnFileFromRetrieval: false,
  });
  const outcomes: ChatOutcome[] = [];
  let model: string | null = null;
  try {
    model = core.models.roles.chat?.model ?? null;
    const chat = core.capability(chatCapability);
    if (model !== null && chat) {
      const session = new IndexSession({
        root: options.root,
        databasePath: options.databasePath,
        config: defaultIndexConfig,
        embedder: undefined,
        logger: options.logger,
      });
      try {
        await session.runFullPass(options.onIndexProgress);
      } finally {
        session.close();
      }
      const tasks = await generateTasks(options.root, options.tasks, options.seed, options.logger);
      for (const [index, task] of tasks.entries()) {
        options.signal?.throwIfAborted();
        const hits = await core.services.search.search(task.question, 5, "hybrid", options.signal);
        const overlaps = (range: { path: string; startLine: number; endLine: number }) =>
          range.path === task.path && range.startLine <= task.endLine && task.startLine <= range.endLine;
        const retrieved = hits.some((hit) =>
          overlaps({ path: hit.path, startLine: hit.startLine + 1, endLine: hit.endLine + 1 }),
        );
        const result = await chat.ask({ question: task.question }, options.signal);
        outcomes.push({
          key: `${task.kind}:${task.path}:${task.startLine}`,
          kind: task.kind,
          retrieved,
          cited: result.citations.some(overlaps),
          citations: result.citations.length,
          removed: result.removedCitations,
          answerMs: result.timings.totalMs,
          ttftMs: result.timings.timeToFirstTokenMs,
        });
        options.onProgress?.(index + 1, tasks.length, "asking");
      }
    }
  } finally {
    await core.dispose();
  }
  const all = chatFigures(outcomes);
  return {
    root: options.root,
    model,
    ...all,
    citationToRetrievalRatio: all.retrievalRecallAt5
      ? ratio(all.citationRecall ?? 0, all.retrievalRecallAt5)
      : null,
    byKind: {
      where: chatFigures(outcomes.filter((row) => row.kind === "where")),
      which: chatFigures(outcomes.filter((row) => row.kind === "which")),
    },
    outcomes,
  };
}

function chatFigures(rows: readonly ChatOutcome[]) {
  const citations = rows.reduce((sum, row) => sum + row.citations, 0);
  const removed = rows.reduce((sum, row) => sum + row.removed, 0);
  return {
    tasks: rows.length,
    retrievalRecallAt5: ratio(rows.filter((row) => row.retrieved).length, rows.length),
    citationRecall: ratio(rows.filter((row) => row.cited).length, rows.length),
    citationPrecision: ratio(citations, citations + removed),
    removedCitations: removed,
    answerP50Ms: percentile(
      rows.map((row) => row.answerMs),
      0.5,
      0,
    ),
    ttftP50Ms: percentile(
      rows.flatMap((row) => (row.ttftMs === null ? [] : [row.ttftMs])),
      0.5,
      0,
    ),
  };
}

/** Definitions of the folder with an identifier name (and, for "which", a doc summary), sampled with a seed. */
async function generateTasks(root: string, count: number, seed: number, logger: Logger): Promise<Task[]> {
  const backend = createParserBackend({ logger });
  const random = seededRandom(seed);
  const candidates: Task[] = [];
  for (const file of sourceFiles(root)) {
    const relative = path.relative(root, file).split(path.sep).join("/");
    const language = languageForPath(relative);
    if (!language || !isLanguageId(language)) continue;
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
    const tree = await backend.parse(language, text);
    try {
      const all = definitions(tree);
      for (const definition of all) {
        if (!identifier.test(definition.name) || definition.name.startsWith("_")) continue;
        // A name defined twice in a file is ambiguous as a question.
        if (all.filter((other) => other.name === definition.name).length > 1) continue;
        const range = {
          path: relative,
          startLine: definition.startLine + 1,
          endLine: definition.endLine + 1,
        };
        candidates.push({ kind: "where", question: `Where is ${definition.name} defined?`, ...range });
        const summary = docSummary(lines, definition);
        if (summary) {
          candidates.push({
            kind: "which",
            question: `Which function does this: "${summary.replaceAll('"', "'")}"`,
            ...range,
          });
        }
      }
    } finally {
      tree.dispose();
    }
  }
  for (let index = candidates.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [candidates[index], candidates[other]] = [candidates[other]!, candidates[index]!];
  }
  return candidates.slice(0, count);
}

function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => !file.split(/[\\/]/).some((part) => part.startsWith(".") || part === "node_modules"))
    .map((file) => path.join(root, file))
    .filter(
      (file) => languageForPath(file) !== null && statSync(file).isFile() && statSync(file).size < 200_000,
    )
    .sort();
}
