/**
 * Where a workspace's index lives: in the user's cache folder (or the editor's storage folder), never inside
 * the repository, one SQLite file per workspace named after the folder and a hash of its absolute path.
 */

import * as path from "node:path";
import { hearthCacheFolder, workspaceDatabasePath } from "../base/cacheFolder";

export function defaultIndexPath(
  workspaceRoot: string,
  storageFolder: string = path.join(hearthCacheFolder(), "index"),
): string {
  return workspaceDatabasePath(storageFolder, workspaceRoot);
}
