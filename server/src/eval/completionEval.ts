/**
 * `hearth eval completion <dir>`: hides spans of real files (rest of a line, a next line, a block body),
 * asks the completion pipeline to write them back, and scores the answers: exact match (whitespace
 * normalised), edit similarity, whether the file still parses, and latency. The same spans run with
 * cross-file context from an index of `<dir>` (other files only, so the answer cannot leak) and without.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { editSimilarity } from "../base/editSimilarity";
import type { Logger } from "../base/logger";
import { percentile, round, seededRandom } from "../base/numbers";
import { completionCapability } from "../completion/capability";
import type { ChunkEmbedder, IndexProgress } from "../index/indexRunner";
import { IndexSession } from "../index/indexSession";
import { defaultIndexConfig } from "../index/indexSettings";
import { createParserBackend, isLanguageId, languageForPath } from "../syntax";
import type { EvalCore, EvalCoreFactory } from "./evalCore";
import { type MaskedSpan, normalizeWhitespace, pickMaskedSpans } from "./maskedSpans";

export interface CompletionEvalOptions {
  root: string;
  databasePath: string;
  /** The `hearth` settings to evaluate (for example another completion model). */
  settings: { models?: Record<string, unknown> };
  /** `createCore`, passed in (see `evalCore.ts`). */
  createCore: EvalCoreFactory;
  embedder: ChunkEmbedder | undefined;
  maxFiles: number;
  seed: number;
  logger: Logger;
  onProgress?: (done: number, total: number, label: string) => void;
  onIndexProgress?: (progress: IndexProgress) => void;
}

interface SpanOutcome {
  kind: MaskedSpan["kind"];
  exact: boolean;
  similarity: number;
  parses: boolean | null;
  ms: number;
}

const sourceExtensions = new Set([
  ".py",
  ".ts",
  ".tsx",
  ".js",
  ".mjs",
  ".go",
  ".rs",
  ".java",
  ".c",
  ".cpp",
  ".rb",
  ".php",
]);

export async function runCompletionEval(options: CompletionEvalOptions) {
  const session = new IndexSession({
    root: options.root,
    databasePath: options.databasePath,
    config: defaultIndexConfig,
    embedder: options.embedder,
    logger: options.logger,
  });
  try {
    await session.runFullPass(options.onIndexProgress);
  } finally {
    session.close();
  }
  const random = seededRandom(options.seed);
  const files = sampleFiles(options.root, options.maxFiles, random).map((file) => ({
    path: path.relative(options.root, file).split(path.sep).join("/"),
    text: readFileSync(file, "utf8"),
  }));
  const spans = pickMaskedSpans(files, random);
  const backend = createParserBackend({ logger: options.logger });
  const coreFor = (crossFileContext: boolean) =>
    options.createCore({
      roots: [options.root],
      settings: { ...options.settings, completion: { crossFileContext, cache: false, debounce: false } },
      logger: options.logger,
      indexDatabases: { [options.root]: options.databasePath },
      embedQueries: options.embedder !== undefined,
      feedbackDatabase: null,
      excludeOwnFileFromRetrieval: true,
    });
  {
    const withContext = await scoreSpans(spans, options, backend, await coreFor(true), true);
    const withoutContext = await scoreSpans(spans, options, backend, await coreFor(false), false);
    const summary = (outcomes: SpanOutcome[]) => {
      const parsed = outcomes.filter((outcome) => outcome.parses !== null);
      return {
        exactMatch: mean(outcomes.map((outcome) => (outcome.exact ? 1 : 0))),
        editSimilarity: mean(outcomes.map((outcome) => outcome.similarity)),
        parseValidRate: mean(parsed.map((outcome) => (outcome.parses ? 1 : 0))),
        p50Ms: percentile(
          outcomes.map((outcome) => outcome.ms),
          0.5,
        ),
      };
    };
    const byKind = (outcomes: SpanOutcome[]) =>
      Object.fromEntries(
        (["restOfLine", "nextLine", "block"] as const).map((kind) => [
          kind,
          summary(outcomes.filter((outcome) => outcome.kind === kind)),
        ]),
      );
    const context = summary(withContext);
    const noContext = summary(withoutContext);
    return {
      root: options.root,
      files: files.length,
      spans: spans.length,
      ...context,
      exactMatchNoContext: noContext.exactMatch,
      editSimilarityNoContext: noContext.editSimilarity,
      parseValidRateNoContext: noContext.parseValidRate,
      p50MsNoContext: noContext.p50Ms,
      exactMatchGainFromContext: round(context.exactMatch - noContext.exactMatch),
      byKind: byKind(withContext),
      byKindNoContext: byKind(withoutContext),
    };
  }
}

async function scoreSpans(
  spans: MaskedSpan[],
  options: CompletionEvalOptions,
  backend: ReturnType<typeof createParserBackend>,
  core: EvalCore,
  crossFileContext: boolean,
): Promise<SpanOutcome[]> {
  const completer = core.capability(completionCapability)!;
  const outcomes: SpanOutcome[] = [];
  try {
    for (const [index, span] of spans.entries()) {
      const uri = pathToFileURL(path.join(options.root, span.path)).href;
      const language = languageForPath(span.path) ?? "plaintext";
      const started = performance.now();
      const answer = await completer.completeOnce({
        uri,
        path: span.path,
        repoName: path.basename(options.root),
        language,
        text: span.maskedText,
        offset: span.offset,
        trigger: "invoked",
      });
      const ms = performance.now() - started;
      const completion = answer?.text ?? "";
      const expected = span.kind === "block" ? span.expected : span.expected.split("\n")[0]!;
      const got = span.kind === "block" ? completion : completion.split("\n")[0]!;
      outcomes.push({
        kind: span.kind,
        exact: normalizeWhitespace(got) === normalizeWhitespace(expected),
        similarity: editSimilarity(normalizeWhitespace(got), normalizeWhitespace(expected)),
        parses: await parsesCleanly(backend, language, span, completion),
        ms,
      });
      options.onProgress?.(
        index + 1,
        spans.length,
        crossFileContext ? "completing with context" : "completing without context",
      );
    }
  } finally {
    await core.dispose();
  }
  return outcomes;
}

/** Whether the file with the completion in place parses without errors; `null` when that can't be judged. */
export async function parsesCleanly(
  backend: ReturnType<typeof createParserBackend>,
  language: string,
  span: Pick<MaskedSpan, "originalText" | "maskedText" | "offset">,
  completion: string,
): Promise<boolean | null> {
  if (!isLanguageId(language)) return null;
  const original = await backend.parse(language, span.originalText);
  const originalClean = !original.rootNode.hasError;
  original.dispose();
  if (!originalClean) return null;
  const completed = await backend.parse(
    language,
    span.maskedText.slice(0, span.offset) + completion + span.maskedText.slice(span.offset),
  );
  const clean = !completed.rootNode.hasError;
  completed.dispose();
  return clean;
}

/** Up to `limit` source files of 1 to 60 kB under `root` (no tests, dependencies or hidden folders), shuffled. */
export function sampleFiles(root: string, limit: number, random: () => number): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (entry.split(path.sep).some((part) => part === "node_modules" || part.startsWith("."))) continue;
    if (!sourceExtensions.has(path.extname(entry)) || entry.includes(".test.")) continue;
    const file = path.join(root, entry);
    const size = statSync(file).size;
    if (size > 1_000 && size < 60_000) found.push(file);
  }
  found.sort();
  for (let index = found.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [found[index], found[other]] = [found[other]!, found[index]!];
  }
  return found.slice(0, limit);
}

function mean(values: number[]): number {
  return values.length ? round(values.reduce((sum, value) => sum + value, 0) / values.length) : 0;
}
