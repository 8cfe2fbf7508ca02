/**
 * Walks a workspace and yields the files the index may read, honouring `.gitignore` files at every level,
 * `.git/info/exclude`, `.hearthignore` files and configured globs, and recording why everything else was
 * skipped. It never follows symbolic links (so link loops cannot hang it, and a link cannot lead outside the
 * workspace), never opens secret files, and skips FIFOs, sockets and devices (reading a FIFO would block).
 *
 * `judgeEntry` and `judgeSize` are the one set of rules: the walk applies them to every entry it meets, and
 * `checkSinglePath` (saves and file-watcher events) to the path and to every folder above it.
 */

import type { Dirent, Stats } from "node:fs";
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import ignore, { type Ignore } from "ignore";
import { isLockFile, isSecretPath, isVendoredFolder, type SkipReason } from "./skipRules";

export interface CrawlConfig {
  /** Extra gitignore-syntax patterns, relative to the root (`hearth.index.exclude`). */
  exclude: string[];
  maxFileBytes: number;
}

export interface CrawledFile {
  /** Relative to the root, with `/` separators. */
  path: string;
  absolutePath: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedPath {
  path: string;
  reason: SkipReason;
  detail?: string;
}

export type CrawlItem = { file: CrawledFile } | { skipped: SkippedPath };

/** What a path is on disk, as far as the rules care; read without following links. */
export type EntryKind = "file" | "folder" | "symlink" | "FIFO" | "socket" | "device";

interface IgnoreScope {
  /** The folder these rules live in, relative to the root ("" for the root). */
  base: string;
  rules: Ignore;
}

const ignoreFileNames = [".gitignore", ".hearthignore"];

export async function* crawlWorkspace(root: string, config: CrawlConfig): AsyncGenerator<CrawlItem> {
  const rootScope: IgnoreScope = { base: "", rules: ignore().add(config.exclude) };
  const gitExclude = await readOptional(path.join(root, ".git", "info", "exclude"));
  if (gitExclude) rootScope.rules.add(gitExclude);
  yield* walkFolder(root, "", [rootScope], config);
}

async function* walkFolder(
  root: string,
  relativeFolder: string,
  scopes: IgnoreScope[],
  config: CrawlConfig,
): AsyncGenerator<CrawlItem> {
  const absoluteFolder = path.join(root, relativeFolder);
  let entries: Dirent[];
  try {
    entries = await readdir(absoluteFolder, { withFileTypes: true });
  } catch (error) {
    yield { skipped: { path: relativeFolder || ".", reason: "unreadable", detail: errorCode(error) } };
    return;
  }
  const localRules = await folderRules(
    absoluteFolder,
    ignoreFileNames.filter((name) => entries.some((entry) => entry.name === name)),
  );
  const activeScopes = localRules ? [...scopes, { base: relativeFolder, rules: localRules }] : scopes;

  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  for (const entry of entries) {
    const relativePath = relativeFolder ? `${relativeFolder}/${entry.name}` : entry.name;
    const kind = entryKind(entry);
    const verdict = judgeEntry(relativePath, kind, activeScopes);
    if (verdict !== "accept") {
      yield { skipped: verdict };
      continue;
    }
    if (kind === "folder") {
      yield* walkFolder(root, relativePath, activeScopes, config);
      continue;
    }
    const absolutePath = path.join(root, relativePath);
    try {
      const stats = await stat(absolutePath);
      const tooLarge = judgeSize(relativePath, stats.size, config);
      if (tooLarge) {
        yield { skipped: tooLarge };
        continue;
      }
      yield {
        file: { path: relativePath, absolutePath, size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) },
      };
    } catch (error) {
      yield { skipped: { path: relativePath, reason: "unreadable", detail: errorCode(error) } };
    }
  }
}

/**
 * The crawl's rules for one entry, by path and kind, in the order the walk applies them: links, vendored
 * folders, ignore rules, special files, secrets, lock files. `accept` means walk into it (a folder) or read
 * it once its size passes `judgeSize`.
 */
function judgeEntry(relativePath: string, kind: EntryKind, scopes: IgnoreScope[]): SkippedPath | "accept" {
  const skip = (reason: SkipReason, detail?: string): SkippedPath => ({
    path: relativePath,
    reason,
    ...(detail ? { detail } : {}),
  });
  if (kind === "symlink") return skip("symlink");
  const name = relativePath.slice(relativePath.lastIndexOf("/") + 1);
  if (kind === "folder" && isVendoredFolder(name)) return skip("vendored");
  if (isIgnored(scopes, relativePath, kind === "folder")) return skip("ignored");
  if (kind === "folder") return "accept";
  if (kind !== "file") return skip("special", kind);
  if (isSecretPath(relativePath)) return skip("secret");
  if (isLockFile(relativePath)) return skip("lockFile");
  return "accept";
}

function judgeSize(relativePath: string, size: number, config: CrawlConfig): SkippedPath | undefined {
  return size > config.maxFileBytes
    ? { path: relativePath, reason: "tooLarge", detail: `${size} bytes` }
    : undefined;
}

function entryKind(entry: Dirent | Stats): EntryKind {
  if (entry.isSymbolicLink()) return "symlink";
  if (entry.isDirectory()) return "folder";
  if (entry.isFile()) return "file";
  if (entry.isFIFO()) return "FIFO";
  if (entry.isSocket()) return "socket";
  return "device";
}

/**
 * Applies the crawl's rules to one path (for a saved or changed file) without walking the workspace: every
 * folder above it is judged as the walk would judge it on the way down (so a path through a symbolic link to
 * a folder, inside or outside the workspace, is skipped as the link), then the path itself. `undefined` when
 * nothing is there.
 */
export async function checkSinglePath(
  root: string,
  relativePath: string,
  config: CrawlConfig,
): Promise<CrawlItem | undefined> {
  const parts = relativePath.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..")) {
    return {
      skipped: { path: relativePath, reason: "ignored", detail: "not a plain path inside the workspace" },
    };
  }
  const scopes: IgnoreScope[] = [{ base: "", rules: ignore().add(config.exclude) }];
  const gitExclude = await readOptional(path.join(root, ".git", "info", "exclude"));
  if (gitExclude) scopes[0]!.rules.add(gitExclude);
  try {
    let missingFolder = false;
    for (let depth = 0; depth < parts.length; depth++) {
      const base = parts.slice(0, depth).join("/");
      if (depth > 0) {
        // A folder that is gone is still judged by its name: a deleted file under node_modules stays vendored.
        const stats = await lstat(path.join(root, base)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
          return undefined;
        });
        missingFolder ||= stats === undefined;
        const verdict = judgeEntry(base, stats ? entryKind(stats) : "folder", scopes);
        if (verdict !== "accept") return { skipped: verdict };
      }
      const rules = missingFolder ? undefined : await folderRules(path.join(root, base));
      if (rules) scopes.push({ base, rules });
    }
    if (missingFolder) return undefined;
    const absolutePath = path.join(root, relativePath);
    const stats = await lstat(absolutePath);
    const kind = entryKind(stats);
    if (kind === "folder") return undefined;
    const verdict = judgeEntry(relativePath, kind, scopes);
    if (verdict !== "accept") return { skipped: verdict };
    const tooLarge = judgeSize(relativePath, stats.size, config);
    if (tooLarge) return { skipped: tooLarge };
    return {
      file: { path: relativePath, absolutePath, size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) },
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return { skipped: { path: relativePath, reason: "unreadable", detail: errorCode(error) } };
  }
}

/** The rules of a folder's own ignore files, if it has any (`names`: the ones known to be there). */
async function folderRules(absoluteFolder: string, names = ignoreFileNames): Promise<Ignore | undefined> {
  const rules = ignore();
  let found = false;
  for (const name of names) {
    const content = await readOptional(path.join(absoluteFolder, name));
    if (content) {
      rules.add(content);
      found = true;
    }
  }
  return found ? rules : undefined;
}

function isIgnored(scopes: IgnoreScope[], relativePath: string, isFolder: boolean): boolean {
  let ignored = false;
  for (const scope of scopes) {
    const local = scope.base ? relativePath.slice(scope.base.length + 1) : relativePath;
    const result = scope.rules.test(isFolder ? `${local}/` : local);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
