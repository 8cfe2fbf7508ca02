/**
 * `hearth eval review <dir>`: plants bugs of the learned detector's kinds into real functions of a codebase,
 * adds clean controls, reviews every case through the same `runReview` the CLI uses, and scores the result
 * (`reviewMetrics.ts`). Also times the review of 300 changed lines and, in a git repository, replays small
 * bug-fix commits by reviewing the lines each fix changed in its parent.
 */

import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { seededRandom } from "../base/numbers";
import type { BugDetector } from "../review/bugDetector";
import {
  type BugKind,
  bugKinds,
  detectorSupports,
  type ExtractedSites,
  extractSites,
} from "../review/candidateSites";
import type { ReviewFile } from "../review/finding";
import { git } from "../review/reviewSources";
import { runReview } from "../review/runReview";
import { changedLineCount, changedOldRegions, parseUnifiedDiff } from "../review/unifiedDiff";
import type { LanguageId } from "../syntax/languages";
import { languageForPath } from "../syntax/languages";
import type { ParserBackend } from "../syntax/parserBackend";
import {
  bugCase,
  caseFunctions,
  cleanControls,
  functionRegion,
  plantBug,
  type ReviewCase,
  reformatFunction,
  renameParameter,
  shuffled,
} from "./reviewCases";
import {
  type CaseOutcome,
  isNear,
  percentile,
  type ReviewEvalScores,
  round,
  scoreReviewEval,
} from "./reviewMetrics";

export interface ReviewEvalOptions {
  root: string;
  detector: BugDetector;
  parser: ParserBackend;
  seed: number;
  casesPerKind: number;
  casesPerControl: number;
  maxFiles: number;
  diffRuns: number;
  maxFixCommits: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface ReviewEvalResult extends ReviewEvalScores {
  codebase: string;
  files: number;
  languages: Record<string, number>;
  seed: number;
  thresholds: Record<BugKind, number>;
  diff300: {
    runs: number;
    changedLines: number;
    p50Ms: number;
    p90Ms: number;
    p50CpuMs: number;
    note: string;
  };
  realFixes: { commits: number; recall: number | null; findings: number; note: string } | null;
  realFixRecall: number | null;
  goals: Record<string, { goal: string; value: number | null; met: boolean | null }>;
}

export class ReviewEvalError extends Error {
  override name = "ReviewEvalError";
}

/** A parsed file of the codebase; its tree is not kept (hundreds of trees would not fit in memory). */
interface SourceFile {
  file: ReviewFile;
  extracted: ExtractedSites;
}

const maxEvalFileBytes = 200_000;

export async function runReviewEval(options: ReviewEvalOptions): Promise<ReviewEvalResult> {
  const random = seededRandom(options.seed);
  const sources = await loadSources(options, random);
  if (sources.length === 0) {
    throw new ReviewEvalError(
      `no Python, JavaScript or TypeScript files with functions under ${options.root}`,
    );
  }
  const cases = await planCases(sources, options, random);
  const dependencies = { parser: options.parser, detector: options.detector };
  const outcomes: CaseOutcome[] = [];
  for (const [index, reviewCase] of cases.entries()) {
    options.onProgress?.(index, cases.length, "reviewing cases");
    const started = performance.now();
    const cpu = process.cpuUsage();
    const report = await runReview([reviewCase.file], dependencies);
    outcomes.push({
      case: reviewCase,
      findings: report.findings,
      milliseconds: performance.now() - started,
      cpuMilliseconds: cpuMilliseconds(cpu),
    });
  }
  options.onProgress?.(cases.length, cases.length, "reviewing cases");
  const scores = scoreReviewEval(outcomes, ["learned"]);
  const diff300 = await timeDiffReviews(sources, options, random);
  const realFixes = await replayFixCommits(options);
  const languages: Record<string, number> = {};
  for (const source of sources) languages[source.file.language] = (languages[source.file.language] ?? 0) + 1;
  const goal = (text: string, value: number | null, met: (value: number) => boolean) => ({
    goal: text,
    value,
    met: value === null ? null : met(value),
  });
  return {
    codebase: options.root,
    files: sources.length,
    languages,
    seed: options.seed,
    thresholds: Object.fromEntries(
      bugKinds.map((kind) => [kind, options.detector.threshold(kind)]),
    ) as Record<BugKind, number>,
    ...scores,
    perSource: {
      ...scores.perSource,
      model: { cases: 0, recall: null, precision: null, findings: 0, falsePositivesPerCleanCase: null },
      checker: { cases: 0, recall: null, precision: null, findings: 0, falsePositivesPerCleanCase: null },
    },
    diff300,
    realFixes,
    realFixRecall: realFixes?.recall ?? null,
    goals: {
      recall: goal(">= 0.6", scores.recall, (value) => value >= 0.6),
      precision: goal(">= 0.7", scores.precision, (value) => value >= 0.7),
      falsePositivesPerCleanCase: goal("<= 0.1", scores.falsePositivesPerCleanCase, (value) => value <= 0.1),
      diff300P50Ms: goal("< 1000", diff300.p50Ms, (value) => value < 1000),
    },
  };
}

async function loadSources(options: ReviewEvalOptions, random: () => number): Promise<SourceFile[]> {
  const paths = shuffled(await codebaseFiles(options.root), random).slice(0, options.maxFiles);
  const sources: SourceFile[] = [];
  for (const [index, file] of paths.entries()) {
    options.onProgress?.(index, paths.length, "parsing files");
    await nextTurn();
    const language = languageForPath(file)!;
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(await readFile(file));
    } catch {
      continue;
    }
    if (text.includes("\0")) continue;
    const tree = await options.parser.parse(language, text);
    const extracted = extractSites(tree);
    tree.dispose();
    if (caseFunctions(extracted).length === 0) continue;
    const relative = path.relative(options.root, file).split(path.sep).join("/");
    sources.push({ file: { path: relative, language, text }, extracted });
  }
  return sources;
}

/** The codebase's files: git's tracked files in a repository (no build output), else a walk of the folder. */
async function codebaseFiles(root: string): Promise<string[]> {
  let tracked: string;
  try {
    tracked = await git(root, ["ls-files", "-z"]);
  } catch {
    return sourcePaths(root, root);
  }
  const found: string[] = [];
  for (const relative of tracked.split("\0").filter(Boolean)) {
    if (relative.split("/").some((part) => part === "node_modules" || part.startsWith("."))) continue;
    const full = path.join(root, relative);
    if (await isEvalSource(full)) found.push(full);
  }
  return found.sort();
}

async function isEvalSource(file: string): Promise<boolean> {
  const name = path.basename(file);
  if (/\.d\.[cm]?ts$|\.min\.js$/.test(name)) return false;
  const language = languageForPath(name);
  if (!language || !detectorSupports(language)) return false;
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  return size > 0 && size <= maxEvalFileBytes;
}

/** Python, JavaScript and TypeScript files under `folder`: no nested node_modules, dot folders, minified or .d.ts files. */
async function sourcePaths(root: string, folder: string): Promise<string[]> {
  const found: string[] = [];
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (folder === root) throw new ReviewEvalError(`cannot read ${root}: ${(error as Error).message}`);
    return found;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "__pycache__") continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await sourcePaths(root, full)));
      continue;
    }
    if (entry.isFile() && (await isEvalSource(full))) found.push(full);
  }
  return found;
}

async function planCases(
  sources: SourceFile[],
  options: ReviewEvalOptions,
  random: () => number,
): Promise<ReviewCase[]> {
  const cases: ReviewCase[] = [];
  const functions = sources.flatMap((source) =>
    caseFunctions(source.extracted).map((span) => ({ source, span })),
  );
  for (const kind of bugKinds) {
    let planted = 0;
    for (const { source, span } of shuffled(functions, random)) {
      if (planted >= options.casesPerKind) break;
      const edit = plantBug(kind, source.file.text, source.extracted, span, random);
      if (!edit) continue;
      cases.push(bugCase(`${kind}-${planted}`, kind, source.file, span, edit));
      planted++;
    }
  }
  for (const control of cleanControls) {
    let made = 0;
    for (const { source, span } of shuffled(functions, random)) {
      if (made >= options.casesPerControl) break;
      const text = await cleanText(control, source, span, options.parser, random);
      if (text === undefined) continue;
      const file = { ...source.file, text, regions: [functionRegion(span)] };
      if (control === "reformatted") file.regions = [regionAfterReformat(source, span, text)];
      cases.push({ id: `${control}-${made}`, kind: control, file });
      made++;
    }
  }
  return cases;
}

async function cleanText(
  control: (typeof cleanControls)[number],
  source: SourceFile,
  span: ReturnType<typeof caseFunctions>[number],
  parser: ParserBackend,
  random: () => number,
): Promise<string | undefined> {
  if (control === "unchanged") return source.file.text;
  const original = await parser.parse(source.file.language, source.file.text);
  let text: string | undefined;
  let brokenBefore: boolean;
  try {
    brokenBefore = original.rootNode.hasError;
    text =
      control === "renamed"
        ? renameParameter(original, span, random)
        : reformatFunction(source.file.text, source.extracted, span);
  } finally {
    original.dispose();
  }
  if (text === undefined) return undefined;
  const tree = await parser.parse(source.file.language, text);
  try {
    if (tree.rootNode.hasError && !brokenBefore) return undefined;
    if (
      control === "reformatted" &&
      featureSignature(extractSites(tree)) !== featureSignature(source.extracted)
    ) {
      return undefined;
    }
  } finally {
    tree.dispose();
  }
  return text;
}

/** Sites' features without positions: equal when only layout changed. */
function featureSignature(extracted: ExtractedSites): string {
  return extracted.sites
    .map((site) => JSON.stringify([site.kind, site.tokens, site.numbers]))
    .sort()
    .join("\n");
}

function regionAfterReformat(
  source: SourceFile,
  span: { line: number; endLine: number; end: number },
  text: string,
) {
  const addedLines = text.split("\n").length - source.file.text.split("\n").length;
  return { startLine: span.line + 1, endLine: span.endLine + 1 + addedLines };
}

/** Reviews about 300 changed lines (a window of one file, or several whole files) the way the CLI reviews a diff. */
async function timeDiffReviews(sources: SourceFile[], options: ReviewEvalOptions, random: () => number) {
  const changedLines = 300;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let run = 0; run < options.diffRuns; run++) {
    const files: ReviewFile[] = [];
    let lines = 0;
    for (const source of shuffled(sources, random)) {
      if (lines >= changedLines) break;
      const count = source.file.text.split("\n").length;
      const take = Math.min(count, changedLines - lines);
      const start = 1 + Math.floor(random() * (count - take + 1));
      files.push({ ...source.file, regions: [{ startLine: start, endLine: start + take - 1 }] });
      lines += take;
    }
    const started = performance.now();
    const cpu = process.cpuUsage();
    await runReview(files, { parser: options.parser, detector: options.detector });
    times.push(performance.now() - started);
    cpuTimes.push(cpuMilliseconds(cpu));
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  return {
    runs: times.length,
    changedLines,
    p50Ms: round(percentile(times, 0.5)),
    p90Ms: round(percentile(times, 0.9)),
    p50CpuMs: round(percentile(cpuTimes, 0.5)),
    note: "learned pass + verification over in-memory files (parse, site extraction, scoring, fix re-parse); git and disk reads excluded",
  };
}

/** Native trees are freed by finalizers, which run only between turns of the event loop. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function cpuMilliseconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Small commits whose message says "fix": review the lines each changed in its parent. */
async function replayFixCommits(options: ReviewEvalOptions): Promise<ReviewEvalResult["realFixes"]> {
  let log: string;
  try {
    await git(options.root, ["rev-parse", "--show-toplevel"]);
    log = await git(options.root, [
      "log",
      "--no-merges",
      "-i",
      "-E",
      "--grep=(^|[^a-z])fix",
      "--format=%H",
      `-n${options.maxFixCommits * 4}`,
      "--",
      ".",
    ]);
  } catch {
    return null;
  }
  let commits = 0;
  let hits = 0;
  let findings = 0;
  const topLevel = (await git(options.root, ["rev-parse", "--show-toplevel"])).trim();
  for (const commit of log.split("\n").filter(Boolean)) {
    if (commits >= options.maxFixCommits) break;
    let diffText: string;
    try {
      diffText = await git(options.root, [
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--unified=0",
        "--no-renames",
        `${commit}^`,
        commit,
        "--",
        ".",
      ]);
    } catch {
      continue; // a root commit has no parent
    }
    const diffs = parseUnifiedDiff(diffText).filter((diff) => {
      const language = diff.oldPath ? languageForPath(diff.oldPath) : null;
      return !diff.binary && language !== null && detectorSupports(language);
    });
    const changed = diffs.reduce((sum, diff) => sum + changedLineCount(diff), 0);
    if (diffs.length === 0 || diffs.length > 3 || changed > 30) continue;
    const files: ReviewFile[] = [];
    for (const diff of diffs) {
      let text: string;
      try {
        text = await git(topLevel, ["show", `${commit}^:${diff.oldPath}`]);
      } catch {
        continue;
      }
      files.push({
        path: diff.oldPath!,
        language: languageForPath(diff.oldPath!) as LanguageId,
        text,
        regions: changedOldRegions(diff),
      });
    }
    if (files.length === 0) continue;
    commits++;
    const report = await runReview(files, { parser: options.parser, detector: options.detector });
    findings += report.findings.length;
    const hit = report.findings.some((finding) => {
      const regions = files.find((file) => file.path === finding.file)?.regions ?? [];
      return regions.some((region) => {
        for (let line = region.startLine; line <= region.endLine; line++)
          if (isNear(finding, line)) return true;
        return false;
      });
    });
    if (hit) hits++;
  }
  return {
    commits,
    recall: commits === 0 ? null : round(hits / commits, 4),
    findings,
    note: "commits whose message matches /(^|[^a-z])fix/i with at most 3 Python/JS/TS files and 30 changed lines; a hit is a finding within 2 lines of a line the fix changed, in the parent",
  };
}
