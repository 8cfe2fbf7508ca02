/**
 * The indexes this machine has, for `hearth status`: every index writer leaves a small pointer file (workspace
 * root and database path) in Hearth's cache folder, because an editor keeps its indexes in its own storage
 * folder, where the CLI would not look. Databases in the cache's own index folder are found without one.
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { hearthCacheFolder } from "../base/cacheFolder";

export interface KnownIndex {
  /** The workspace folder; null for a database found in the cache without a pointer (indexed before pointers). */
  root: string | null;
  databasePath: string;
}

function pointersFolder(cacheFolder: string): string {
  return path.join(cacheFolder, "index", "known");
}

/**
 * Remembers that `databasePath` indexes `root`. Writes only when the pointer is new or changed, and then drops
 * the pointers whose database is gone, so the folder stays as small as the set of indexes.
 */
export function recordKnownIndex(
  root: string,
  databasePath: string,
  cacheFolder = hearthCacheFolder(),
): void {
  const absolute = path.resolve(databasePath);
  const folder = pointersFolder(cacheFolder);
  const file = path.join(folder, `${createHash("sha256").update(absolute).digest("hex").slice(0, 16)}.json`);
  const content = `${JSON.stringify({ root: path.resolve(root), databasePath: absolute })}\n`;
  if (existsSync(file) && readFileSync(file, "utf8") === content) return;
  mkdirSync(folder, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
  for (const [pointerFile, pointer] of readPointers(folder)) {
    if (!existsSync(pointer.databasePath)) rmSync(pointerFile, { force: true });
  }
}

/** Known indexes whose database still exists, sorted by workspace root. */
export function listKnownIndexes(cacheFolder = hearthCacheFolder()): KnownIndex[] {
  const byDatabase = new Map<string, KnownIndex>();
  for (const [, pointer] of readPointers(pointersFolder(cacheFolder)))
    byDatabase.set(pointer.databasePath, pointer);
  const cacheIndexes = path.join(cacheFolder, "index");
  for (const name of existsSync(cacheIndexes) ? readdirSync(cacheIndexes) : []) {
    const databasePath = path.join(cacheIndexes, name);
    if (name.endsWith(".sqlite") && !byDatabase.has(databasePath)) {
      byDatabase.set(databasePath, { root: null, databasePath });
    }
  }
  return [...byDatabase.values()]
    .filter((entry) => existsSync(entry.databasePath))
    .sort((a, b) => (a.root ?? a.databasePath).localeCompare(b.root ?? b.databasePath));
}

/** The readable pointer files in `folder`, with their paths. */
function readPointers(folder: string): [string, { root: string; databasePath: string }][] {
  const pointers: [string, { root: string; databasePath: string }][] = [];
  for (const name of existsSync(folder) ? readdirSync(folder) : []) {
    if (!name.endsWith(".json")) continue;
    try {
      const pointer = JSON.parse(readFileSync(path.join(folder, name), "utf8")) as KnownIndex;
      if (typeof pointer.root === "string" && typeof pointer.databasePath === "string") {
        pointers.push([path.join(folder, name), { root: pointer.root, databasePath: pointer.databasePath }]);
      }
    } catch {}
  }
  return pointers;
}
