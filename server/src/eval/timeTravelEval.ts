/**
 * `hearth eval completion --time-travel`: the completion eval on the workspace's own recent history, which no
 * model was trained on. For each recent commit that adds code, the folder is rebuilt as it was at the
 * commit's parent (a temporary copy, never the working tree), indexed into a temporary index, and the lines
 * the commit added are hidden one span at a time and replayed through the production pipeline: `createCore`
 * with that index, the completion capability's `completeOnce` (context, retrieval, template, post-processing,
 * guards), at background priority. Commits go oldest first and the index moves forward with them, so a case
 * can only ever retrieve what existed before its commit.
 *
 * Without history (not a git repository, a shallow clone whose commits have no parent here, no commit that
 * adds code) it falls back to masked spans of the working tree and says why.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "../base/logger";
import { percentile, round, seededRandom } from "../base/numbers";
import { type CompletionCapability, completionCapability } from "../completion/capability";
import { gateInputOf, RecentAcceptRate } from "../completion/learnedShowGate";
import { gateFeatures } from "../completion/pipeline";
import type { ChunkEmbedder } from "../index/indexRunner";
import { IndexSession } from "../index/indexSession";
import { defaultIndexConfig } from "../index/indexSettings";
import { createParserBackend, languageForPath, type ParserBackend } from "../syntax";
import { parsesCleanly, sampleFiles } from "./completionEval";
import { type CompletionScore, scoreCompletion } from "./completionScores";
import { completionEvalSettings, type EvalCore, type EvalCoreFactory } from "./evalCore";
import { type CommitInfo, type GitRepository, openGitHistory } from "./gitHistory";
import { pickMaskedSpans } from "./maskedSpans";
import {
  type CompletionCase,
  defaultTimeTravelCaseOptions,
  type TimeTravelCaseOptions,
  timeTravelCases,
} from "./timeTravelCases";
import { TreeSnapshot } from "./treeSnapshot";

export interface TimeTravelOptions {
  root: string;
  /** The raw `hearth` settings to evaluate (the user's, or a candidate model's). */
  settings: unknown;
  createCore: EvalCoreFactory;
  logger: Logger;
  /** A date git understands or a commit: only commits after it. */
  since?: string | undefined;
  /** Commits that add code to replay (the most recent ones). */
  commits: number;
  /** Masked-span fallback: files sampled from the working tree, and the seed. */
  fallbackFiles?: number;
  seed?: number;
  caseOptions?: TimeTravelCaseOptions;
  signal?: AbortSignal | undefined;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** One case's outcome: enough to recompute every figure and to pair it with the same case in another run. */
export interface CompletionOutcome extends CompletionScore {
  key: string;
  commit: string | null;
  path: string;
  kind: CompletionCase["kind"];
  language: string;
  parses: boolean | null;
  ms: number;
  /** Characters of the suggestion (0: the pipeline answered nothing) and of what the author wrote. */
  chars: number;
  expectedChars: number;
  /** Files the prompt's retrieved snippets came from (a check that nothing from the future leaked in). */
  retrievedPaths: string[];
  /** The learned gate's features for this suggestion (see `completion/pipeline/showGate.ts`). */
  gateFeatures: number[];
}

export interface CompletionEvalSummary {
  mode: "timeTravel" | "maskedSpans";
  /** Why the eval fell back to masked spans. */
  fallbackReason?: string;
  commits: { sha: string; subject: string; time: number; cases: number }[];
  cases: number;
  figures: Record<string, number | null>;
  outcomes: CompletionOutcome[];
}

export async function runTimeTravelEval(options: TimeTravelOptions): Promise<CompletionEvalSummary> {
  const history = openGitHistory(options.root);
  if (!history.usable) return runMaskedSpanFallback(options, history.reason);
  const { repository } = history;
  const chosen = chooseCommits(repository, options);
  if (chosen.length === 0) {
    const reason = repository.shallow
      ? "a shallow clone: no recent commit has its parent here"
      : options.since
        ? `no commit since ${options.since} adds code`
        : "no commit adds code";
    return runMaskedSpanFallback(options, reason);
  }
  const scratch = mkdtempSync(path.join(tmpdir(), "hearth-time-travel-"));
  const snapshot = new TreeSnapshot(repository, path.join(scratch, "tree"));
  const databasePath = path.join(scratch, "index.sqlite");
  const total = chosen.reduce((sum, item) => sum + item.cases.length, 0);
  let core: EvalCore | undefined;
  let session: IndexSession | undefined;
  try {
    core = await options.createCore({
      roots: [snapshot.folder],
      settings: completionEvalSettings(options.settings),
      logger: options.logger,
      indexDatabases: { [snapshot.folder]: databasePath },
      embedQueries: true,
      feedbackDatabase: null,
      excludeOwnFileFromRetrieval: true,
    });
    session = new IndexSession({
      root: snapshot.folder,
      databasePath,
      config: defaultIndexConfig,
      embedder: await embedderOf(core, options.logger),
      logger: options.logger,
    });
    const runner = new CaseRunner(core, snapshot.folder, path.basename(options.root), options.logger);
    let done = 0;
    for (const { commit, cases } of chosen) {
      options.signal?.throwIfAborted();
      options.onProgress?.(done, total, `indexing the parent of ${commit.sha.slice(0, 8)}`);
      await snapshot.moveTo(commit.parent);
      await session.runFullPass();
      for (const completionCase of cases) {
        options.signal?.throwIfAborted();
        await runner.run(completionCase, options.signal);
        options.onProgress?.(++done, total, `completing ${commit.sha.slice(0, 8)} ${completionCase.path}`);
      }
    }
    return {
      mode: "timeTravel",
      commits: chosen.map(({ commit, cases }) => ({
        sha: commit.sha,
        subject: commit.subject,
        time: commit.time,
        cases: cases.length,
      })),
      cases: runner.outcomes.length,
      figures: completionFigures(runner.outcomes),
      outcomes: runner.outcomes,
    };
  } finally {
    session?.close();
    await core?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The most recent commits with cases, oldest first (the order the index moves in). */
function chooseCommits(
  repository: GitRepository,
  options: TimeTravelOptions,
): { commit: CommitInfo; cases: CompletionCase[] }[] {
  const caseOptions = options.caseOptions ?? defaultTimeTravelCaseOptions;
  const chosen: { commit: CommitInfo; cases: CompletionCase[] }[] = [];
  // Many commits add no code (docs, configuration): look further back than the number wanted.
  for (const commit of repository.recentCommits({ since: options.since, limit: options.commits * 5 })) {
    if (chosen.length >= options.commits) break;
    const files = repository
      .additions(commit)
      .filter((file) => isCompletableFile(file.path))
      .slice(0, 24)
      .flatMap((file) => {
        const text = repository.fileAt(commit.sha, file.path);
        return text === undefined || text.length > 200_000 ? [] : [{ ...file, text }];
      });
    const cases = timeTravelCases(commit.sha, files, caseOptions);
    if (cases.length > 0) chosen.push({ commit, cases });
  }
  return chosen.reverse();
}

/** Source files in a language Hearth parses, outside dependency and build folders. */
function isCompletableFile(file: string): boolean {
  if (!languageForPath(file)) return false;
  if (/(^|\/)(node_modules|vendor|third_party|dist|build|out)\//.test(file)) return false;
  return !/\.min\.[a-z]+$|\.d\.ts$/.test(file);
}

/** No history to travel through: masked spans of the working tree, with an index of it (own file excluded). */
async function runMaskedSpanFallback(
  options: TimeTravelOptions,
  reason: string,
): Promise<CompletionEvalSummary> {
  options.logger.warn(
    `time travel is not possible here (${reason}); masking spans of the working tree instead`,
  );
  const random = seededRandom(options.seed ?? 1);
  const files = sampleFiles(options.root, options.fallbackFiles ?? 30, random).map((file) => ({
    path: path.relative(options.root, file).split(path.sep).join("/"),
    text: readFileSync(file, "utf8"),
  }));
  const cases: CompletionCase[] = pickMaskedSpans(files, random).map((span) => ({
    key: `${span.path}:${span.offset}:${span.kind}`,
    path: span.path,
    kind: `${span.kind}Masked` as CompletionCase["kind"],
    maskedText: span.maskedText,
    offset: span.offset,
    expected: span.expected,
    originalText: span.originalText,
    commit: null,
  }));
  const scratch = mkdtempSync(path.join(tmpdir(), "hearth-masked-"));
  const databasePath = path.join(scratch, "index.sqlite");
  let core: EvalCore | undefined;
  try {
    core = await options.createCore({
      roots: [options.root],
      settings: completionEvalSettings(options.settings),
      logger: options.logger,
      indexDatabases: { [options.root]: databasePath },
      embedQueries: true,
      feedbackDatabase: null,
      excludeOwnFileFromRetrieval: true,
    });
    options.onProgress?.(0, cases.length, "indexing the working tree");
    const session = new IndexSession({
      root: options.root,
      databasePath,
      config: defaultIndexConfig,
      embedder: await embedderOf(core, options.logger),
      logger: options.logger,
    });
    try {
      await session.runFullPass();
    } finally {
      session.close();
    }
    const runner = new CaseRunner(core, options.root, path.basename(options.root), options.logger);
    for (const [index, completionCase] of cases.entries()) {
      options.signal?.throwIfAborted();
      await runner.run(completionCase, options.signal);
      options.onProgress?.(index + 1, cases.length, `completing ${completionCase.path}`);
    }
    return {
      mode: "maskedSpans",
      fallbackReason: reason,
      commits: [],
      cases: runner.outcomes.length,
      figures: completionFigures(runner.outcomes),
      outcomes: runner.outcomes,
    };
  } finally {
    await core?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The eval core's embedding model for indexing, or none (lexical and symbol retrieval only). */
async function embedderOf(core: EvalCore, logger: Logger): Promise<ChunkEmbedder | undefined> {
  try {
    return await core.services.engine.embedder();
  } catch (error) {
    logger.info(`no embedding model for the eval's index (${error}); retrieval is lexical`);
    return undefined;
  }
}

/** Completes cases one at a time through the core's completion capability and scores them. */
class CaseRunner {
  readonly outcomes: CompletionOutcome[] = [];
  private readonly completion: CompletionCapability;
  private readonly backend: ParserBackend;
  private readonly acceptRate = new RecentAcceptRate();

  constructor(
    core: EvalCore,
    private readonly folder: string,
    private readonly repoName: string,
    logger: Logger,
  ) {
    const completion = core.capability(completionCapability);
    if (!completion) throw new Error("the completion capability did not start; see the log above");
    this.completion = completion;
    this.backend = createParserBackend({ logger });
  }

  async run(completionCase: CompletionCase, signal?: AbortSignal): Promise<CompletionOutcome> {
    const language = languageForPath(completionCase.path) ?? "plaintext";
    // Each case is its own document state: its own URI keeps retrieval and kept snippets from another case.
    const uri = `${pathToFileURL(path.join(this.folder, completionCase.path)).href}#case-${this.outcomes.length}`;
    const request = {
      uri,
      path: completionCase.path,
      repoName: this.repoName,
      language,
      text: completionCase.maskedText,
      offset: completionCase.offset,
      trigger: "invoked" as const,
      priority: "background" as const,
    };
    const started = performance.now();
    const answer = await this.completion.completeOnce(request, signal);
    const ms = performance.now() - started;
    const plan = await this.completion.plan(request);
    const completion = answer?.text ?? "";
    const score = scoreCompletion(
      completion,
      completionCase.expected,
      completionCase.kind.startsWith("hunk") || completionCase.kind === "blockMasked",
    );
    const features = gateFeatures(
      gateInputOf(
        {
          request,
          answer: {
            text: completion,
            tokenProbabilities: answer?.tokenProbabilities ?? null,
            contextSources: answer?.contextSources ?? [],
          },
        },
        this.acceptRate.value,
      ),
    );
    if (completion) this.acceptRate.record(score.acceptedChars > 0);
    const outcome: CompletionOutcome = {
      key: completionCase.key,
      commit: completionCase.commit,
      path: completionCase.path,
      kind: completionCase.kind,
      language,
      ...score,
      parses: completion ? await parsesCleanly(this.backend, language, completionCase, completion) : null,
      ms: round(ms, 1),
      chars: completion.length,
      expectedChars: completionCase.expected.length,
      retrievedPaths: [
        ...new Set(
          plan.context.snippets
            .filter((snippet) => snippet.source === "retrieval")
            .map((snippet) => snippet.path),
        ),
      ],
      gateFeatures: features.map((value) => round(value, 4)),
    };
    this.outcomes.push(outcome);
    return outcome;
  }
}

/** Every figure of a completion eval, from its outcomes (so a stored run's figures can be recomputed). */
export function completionFigures(outcomes: readonly CompletionOutcome[]): Record<string, number | null> {
  const share = (select: (outcome: CompletionOutcome) => boolean, of = outcomes) =>
    of.length ? round(of.filter(select).length / of.length, 4) : null;
  const average = (value: (outcome: CompletionOutcome) => number, of = outcomes) =>
    of.length ? round(of.reduce((sum, outcome) => sum + value(outcome), 0) / of.length, 4) : null;
  const judged = outcomes.filter((outcome) => outcome.parses !== null);
  const suggested = outcomes.filter((outcome) => outcome.chars > 0);
  const acceptedChars = suggested.reduce((sum, outcome) => sum + outcome.acceptedChars, 0);
  return {
    cases: outcomes.length,
    exactMatch: share((outcome) => outcome.exact),
    editSimilarity: average((outcome) => outcome.similarity),
    identifierMatch: average((outcome) => outcome.identifierF1),
    parseValidRate: share((outcome) => outcome.parses === true, judged),
    suggestionRate: share((outcome) => outcome.chars > 0),
    wholeSuggestionMatches: suggested.filter((outcome) => outcome.wholeMatch).length,
    acceptedChars,
    acceptedCharsPerSuggestion: suggested.length ? round(acceptedChars / suggested.length, 2) : null,
    acceptedCharsPerCase: average((outcome) => outcome.acceptedChars),
    meanMs: average((outcome) => outcome.ms),
    p50Ms: percentile(
      outcomes.map((outcome) => outcome.ms),
      0.5,
      1,
    ),
    p90Ms: percentile(
      outcomes.map((outcome) => outcome.ms),
      0.9,
      1,
    ),
  };
}
