/**
 * Walks a workspace and yields the files the index may read, honouring `.gitignore` files at every level,
 * `.git/info/exclude`, `.hearthignore` files and configured globs, and recording why everything else was
 * skipped. It never follows symbolic links (so link loops cannot hang it) and never opens secret files.
 */

import type { Dirent } from "node:fs";
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
  const localRules = ignore();
  let hasLocalRules = false;
  for (const name of ignoreFileNames) {
    if (!entries.some((entry) => entry.name === name && entry.isFile())) continue;
    const content = await readOptional(path.join(absoluteFolder, name));
    if (content) {
      localRules.add(content);
      hasLocalRules = true;
    }
  }
  const activeScopes = hasLocalRules ? [...scopes, { base: relativeFolder, rules: localRules }] : scopes;

  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  for (const entry of entries) {
    const relativePath = relativeFolder ? `${relativeFolder}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) {
      yield { skipped: { path: relativePath, reason: "symlink" } };
      continue;
    }
    const isFolder = entry.isDirectory();
    if (isFolder && isVendoredFolder(entry.name)) {
      yield { skipped: { path: relativePath, reason: "vendored" } };
      continue;
    }
    if (isIgnored(activeScopes, relativePath, isFolder)) {
      yield { skipped: { path: relativePath, reason: "ignored" } };
      continue;
    }
    if (isFolder) {
      yield* walkFolder(root, relativePath, activeScopes, config);
      continue;
    }
    if (!entry.isFile()) continue;
    if (isSecretPath(relativePath)) {
      yield { skipped: { path: relativePath, reason: "secret" } };
      continue;
    }
    if (isLockFile(relativePath)) {
      yield { skipped: { path: relativePath, reason: "lockFile" } };
      continue;
    }
    const absolutePath = path.join(root, relativePath);
    try {
      const stats = await stat(absolutePath);
      if (stats.size > config.maxFileBytes) {
        yield { skipped: { path: relativePath, reason: "tooLarge", detail: `${stats.size} bytes` } };
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
 * Applies the crawl's rules to one path (for a saved or changed file) without walking the workspace:
 * the ignore files of every ancestor folder, vendored folders, secrets, lock files and size.
 */
export async function checkSinglePath(
  root: string,
  relativePath: string,
  config: CrawlConfig,
): Promise<CrawlItem | undefined> {
  const folders = relativePath.split("/").slice(0, -1);
  if (folders.some(isVendoredFolder)) return { skipped: { path: relativePath, reason: "vendored" } };
  const scopes: IgnoreScope[] = [{ base: "", rules: ignore().add(config.exclude) }];
  const gitExclude = await readOptional(path.join(root, ".git", "info", "exclude"));
  if (gitExclude) scopes[0]!.rules.add(gitExclude);
  for (let depth = 0; depth <= folders.length; depth++) {
    const base = folders.slice(0, depth).join("/");
    if (depth > 0 && isIgnored(scopes, base, true))
      return { skipped: { path: relativePath, reason: "ignored" } };
    const rules = ignore();
    let found = false;
    for (const name of ignoreFileNames) {
      const content = await readOptional(path.join(root, base, name));
      if (content) {
        rules.add(content);
        found = true;
      }
    }
    if (found) scopes.push({ base, rules });
  }
  if (isIgnored(scopes, relativePath, false)) return { skipped: { path: relativePath, reason: "ignored" } };
  if (isSecretPath(relativePath)) return { skipped: { path: relativePath, reason: "secret" } };
  if (isLockFile(relativePath)) return { skipped: { path: relativePath, reason: "lockFile" } };
  const absolutePath = path.join(root, relativePath);
  try {
    const stats = await lstat(absolutePath);
    if (stats.isSymbolicLink()) return { skipped: { path: relativePath, reason: "symlink" } };
    if (!stats.isFile()) return undefined;
    if (stats.size > config.maxFileBytes) {
      return { skipped: { path: relativePath, reason: "tooLarge", detail: `${stats.size} bytes` } };
    }
    return {
      file: { path: relativePath, absolutePath, size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) },
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { skipped: { path: relativePath, reason: "unreadable", detail: errorCode(error) } };
  }
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
