/**
 * Where a workspace's evals database lives: `evals.sqlite` in the editor's storage folder for the workspace
 * (beside `feedback.sqlite`), or, without one (the CLI, other editors), one file per workspace in Hearth's
 * cache folder. Never inside the repository.
 */

import * as path from "node:path";
import { hearthCacheFolder, workspaceDatabasePath } from "../base/cacheFolder";
import { evalsDatabaseFileName } from "../protocol";

export function evalsDatabasePath(storageFolder: string | undefined, workspaceRoot: string): string {
  if (storageFolder) return path.join(storageFolder, evalsDatabaseFileName);
  return workspaceDatabasePath(path.join(hearthCacheFolder(), "evals"), workspaceRoot);
}

/** The database `hearth eval` commands use: `--db`, else `$HEARTH_EVALS_DB`, else the default for `root`. */
export function resolveEvalsDatabaseOption(db: string | undefined, root: string): string {
  if (db) return path.resolve(db);
  if (process.env.HEARTH_EVALS_DB) return path.resolve(process.env.HEARTH_EVALS_DB);
  return evalsDatabasePath(undefined, root);
}
