/**
 * What a review reads from disk and git: named files (folders expanded), or the changed regions of the working
 * tree against HEAD, of the staged changes, or of this branch against a base. Binary and huge files are
 * skipped with a note; outside a git repository file review still works. The only I/O of `review/`.
 */

import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { languageForPath } from "../syntax/languages";
import type { LineRange, ReviewFile } from "./finding";
import { changedRegions, type FileDiff, parseUnifiedDiff } from "./unifiedDiff";

/** Bad input the user can fix (a missing file, not a repository, an unknown base): one line, exit code 2. */
export class ReviewInputError extends Error {
  override name = "ReviewInputError";
}

export interface ReviewSourceOptions {
  /** Files above this size are skipped. */
  maxFileBytes: number;
  /** A diff with more changed lines (new side) than this is cut to its first files up to the limit (with a note). */
  maxChangedLines: number;
}

export const defaultReviewSourceOptions: ReviewSourceOptions = {
  maxFileBytes: 1024 * 1024,
  maxChangedLines: 50_000,
};

export type ReviewScope =
  | { kind: "files"; paths: string[] }
  | { kind: "workingTree" }
  | { kind: "staged" }
  | { kind: "branch"; base: string };

export interface ReviewSources {
  /** Absolute folder that findings' paths are relative to (the repository's top level in git scopes). */
  root: string;
  files: ReviewFile[];
  skipped: { path: string; reason: string }[];
  notes: string[];
  isGitRepository: boolean;
  changedLines: number;
}

export async function gatherReviewSources(
  cwd: string,
  scope: ReviewScope,
  options: ReviewSourceOptions = defaultReviewSourceOptions,
): Promise<ReviewSources> {
  const topLevel = await gitTopLevel(cwd);
  if (scope.kind === "files") return gatherFiles(cwd, topLevel, scope.paths, options);
  if (!topLevel) {
    throw new ReviewInputError(
      `${cwd} is not in a git repository, so there are no changes to review; name files instead (hearth review <files...>)`,
    );
  }
  return gatherDiff(topLevel, scope, options);
}

async function gatherFiles(
  cwd: string,
  topLevel: string | undefined,
  paths: string[],
  options: ReviewSourceOptions,
): Promise<ReviewSources> {
  const root = topLevel ?? cwd;
  const sources: ReviewSources = {
    root,
    files: [],
    skipped: [],
    notes: [],
    isGitRepository: !!topLevel,
    changedLines: 0,
  };
  if (!topLevel) sources.notes.push("not a git repository: reviewing the named files as they are on disk");
  const wanted: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(absolute);
    } catch {
      throw new ReviewInputError(`no such file or folder: ${given}`);
    }
    if (info.isDirectory()) wanted.push(...(await sourceFilesUnder(absolute)));
    else wanted.push(absolute);
  }
  for (const file of wanted) {
    const relative = relativePath(root, file);
    const language = languageForPath(file);
    if (!language) {
      sources.skipped.push({ path: relative, reason: "not a language Hearth parses" });
      continue;
    }
    const text = await readSource(file, relative, options, sources);
    if (text !== undefined) sources.files.push({ path: relative, language, text });
  }
  return sources;
}

async function gatherDiff(
  topLevel: string,
  scope: Exclude<ReviewScope, { kind: "files" }>,
  options: ReviewSourceOptions,
): Promise<ReviewSources> {
  const sources: ReviewSources = {
    root: topLevel,
    files: [],
    skipped: [],
    notes: [],
    isGitRepository: true,
    changedLines: 0,
  };
  const diffArguments = ["diff", "--no-color", "--no-ext-diff", "--unified=0", "--no-renames"];
  if (scope.kind === "staged") diffArguments.push("--cached");
  else if (scope.kind === "branch") {
    if (scope.base.startsWith("-")) throw new ReviewInputError(`not a valid base: ${scope.base}`);
    const known = await git(topLevel, ["rev-parse", "--verify", "--quiet", `${scope.base}^{commit}`]).catch(
      () => undefined,
    );
    if (!known)
      throw new ReviewInputError(`unknown base ${scope.base}: not a branch, tag or commit of ${topLevel}`);
    diffArguments.push("--merge-base", scope.base);
  } else {
    const hasHead = await git(topLevel, ["rev-parse", "--verify", "--quiet", "HEAD"]).catch(() => undefined);
    diffArguments.push(hasHead ? "HEAD" : "--cached");
  }
  const diffs = parseUnifiedDiff(await git(topLevel, diffArguments));
  if (scope.kind === "workingTree") {
    const untracked = await git(topLevel, ["ls-files", "--others", "--exclude-standard", "-z"]);
    for (const file of untracked.split("\0").filter(Boolean)) diffs.push(wholeFileAdded(file));
  }
  for (const diff of diffs) {
    if (!diff.newPath) continue;
    const relative = diff.newPath;
    if (diff.binary) {
      sources.skipped.push({ path: relative, reason: "binary" });
      continue;
    }
    const language = languageForPath(relative);
    if (!language) {
      sources.skipped.push({ path: relative, reason: "not a language Hearth parses" });
      continue;
    }
    const regions = diff.hunks.length === 0 ? undefined : changedRegions(diff);
    if (regions?.length === 0) continue;
    const overLimit = (lines: number) => {
      if (sources.changedLines + lines <= options.maxChangedLines || sources.files.length === 0) return false;
      sources.skipped.push({
        path: relative,
        reason: `over the limit of ${options.maxChangedLines} changed lines`,
      });
      return true;
    };
    if (regions && overLimit(regionLines(regions))) continue;
    const text =
      scope.kind === "staged"
        ? await stagedText(topLevel, relative, options, sources)
        : await readSource(path.join(topLevel, relative), relative, options, sources);
    if (text === undefined) continue;
    const lines = regions ? regionLines(regions) : text.split("\n").length;
    if (!regions && overLimit(lines)) continue;
    sources.changedLines += lines;
    sources.files.push({ path: relative, language, text, ...(regions ? { regions } : {}) });
  }
  if (sources.skipped.some((skip) => skip.reason.startsWith("over the limit"))) {
    sources.notes.push(
      `the diff is larger than ${options.maxChangedLines} changed lines: some files were left out`,
    );
  }
  return sources;
}

function regionLines(regions: readonly LineRange[]): number {
  return regions.reduce((sum, region) => sum + region.endLine - region.startLine + 1, 0);
}

/** An untracked file: new as a whole (no hunks means every line is under review). */
function wholeFileAdded(file: string): FileDiff {
  return { oldPath: null, newPath: file, binary: false, hunks: [] };
}

async function stagedText(
  topLevel: string,
  relative: string,
  options: ReviewSourceOptions,
  sources: ReviewSources,
): Promise<string | undefined> {
  const bytes = await gitBytes(topLevel, ["show", `:${relative}`]);
  return decodeSource(bytes, relative, options, sources);
}

async function readSource(
  file: string,
  relative: string,
  options: ReviewSourceOptions,
  sources: ReviewSources,
): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info) {
    sources.skipped.push({ path: relative, reason: "cannot be read" });
    return undefined;
  }
  if (info.size > options.maxFileBytes) {
    sources.skipped.push({ path: relative, reason: `larger than ${options.maxFileBytes} bytes` });
    return undefined;
  }
  return decodeSource(await readFile(file), relative, options, sources);
}

function decodeSource(
  bytes: Buffer,
  relative: string,
  options: ReviewSourceOptions,
  sources: ReviewSources,
): string | undefined {
  if (bytes.length > options.maxFileBytes) {
    sources.skipped.push({ path: relative, reason: `larger than ${options.maxFileBytes} bytes` });
    return undefined;
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    sources.skipped.push({ path: relative, reason: "binary" });
    return undefined;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    sources.skipped.push({ path: relative, reason: "not UTF-8 text" });
    return undefined;
  }
}

const skippedFolders = new Set(["node_modules", ".git", "__pycache__", "dist", "out", "build"]);

async function sourceFilesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || skippedFolders.has(entry.name)) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await sourceFilesUnder(full)));
    else if (entry.isFile() && languageForPath(entry.name)) found.push(full);
  }
  return found;
}

function relativePath(root: string, file: string): string {
  const relative = path.relative(root, file);
  return (relative.startsWith("..") ? file : relative).split(path.sep).join("/");
}

async function gitTopLevel(cwd: string): Promise<string | undefined> {
  try {
    return (await git(cwd, ["rev-parse", "--show-toplevel"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function git(cwd: string, args: string[]): Promise<string> {
  return (await gitBytes(cwd, args)).toString("utf8");
}

/** Runs git without a terminal, pager or network prompt; rejects with git's own first error line. */
export function gitBytes(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "core.quotepath=off", ...args],
      {
        cwd,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        timeout: 60_000,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", LC_ALL: "C" },
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString("utf8").trim().split("\n")[0] || error.message;
          reject(new ReviewInputError(`git ${args[0]} failed: ${detail}`));
        } else resolve(stdout);
      },
    );
  });
}
