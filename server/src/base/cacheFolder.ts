/**
 * Hearth's cache folder (indexes, feedback and models of editors without a storage folder of their own) and
 * how a workspace's file is named in it: after the folder and a hash of its absolute path, so two folders with
 * the same name never share a file and nothing is ever written inside the repository.
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

/** `<folder>/<name>-<hash>.sqlite` for a workspace root. */
export function workspaceDatabasePath(folder: string, workspaceRoot: string): string {
  const absolute = path.resolve(workspaceRoot);
  const digest = createHash("sha256").update(absolute).digest("hex").slice(0, 12);
  const name = path.basename(absolute).replace(/[^\w.-]+/g, "_") || "root";
  return path.join(folder, `${name}-${digest}.sqlite`);
}
