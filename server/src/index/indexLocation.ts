/**
 * Where a workspace's index lives: in the user's cache folder (or the editor's storage folder), never inside
 * the repository, one SQLite file per workspace named after the folder and a hash of its absolute path.
 */

import { createHash } from "node:crypto";
import { homedir } from "node:os";
import * as path from "node:path";

export function hearthCacheFolder(): string {
  if (process.env.HEARTH_CACHE) return process.env.HEARTH_CACHE;
  if (process.platform === "win32") {
    return path.join(process.env.LOCALAPPDATA ?? path.join(homedir(), "AppData", "Local"), "hearth");
  }
  if (process.platform === "darwin") return path.join(homedir(), "Library", "Caches", "hearth");
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "hearth");
}

export function defaultIndexPath(
  workspaceRoot: string,
  storageFolder: string = path.join(hearthCacheFolder(), "index"),
): string {
  const absolute = path.resolve(workspaceRoot);
  const digest = createHash("sha256").update(absolute).digest("hex").slice(0, 12);
  const name = path.basename(absolute).replace(/[^\w.-]+/g, "_") || "root";
  return path.join(storageFolder, `${name}-${digest}.sqlite`);
}
