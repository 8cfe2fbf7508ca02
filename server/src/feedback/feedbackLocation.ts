/**
 * Where a workspace's feedback database lives: `feedback.sqlite` in the editor's storage folder for the
 * workspace (next to the index folder), or, without one (another editor, the CLI), one file per workspace
 * in Hearth's cache folder, named like the index. Never inside the repository.
 */

import * as path from "node:path";
import { hearthCacheFolder, workspaceDatabasePath } from "../base/cacheFolder";
import { feedbackDatabaseFileName } from "../protocol";

export function feedbackDatabasePath(storageFolder: string | undefined, workspaceRoot: string): string {
  if (storageFolder) return path.join(storageFolder, feedbackDatabaseFileName);
  return workspaceDatabasePath(path.join(hearthCacheFolder(), "feedback"), workspaceRoot);
}

/** The database `hearth stats` and `hearth feedback` use: `--db`, else `$HEARTH_FEEDBACK_DB` (set in VS Code's
 * terminals by the extension), else the default for the current folder. */
export function resolveFeedbackDatabaseOption(db: string | undefined, cwd: string = process.cwd()): string {
  if (db) return path.resolve(db);
  if (process.env.HEARTH_FEEDBACK_DB) return path.resolve(process.env.HEARTH_FEEDBACK_DB);
  return feedbackDatabasePath(undefined, cwd);
}
