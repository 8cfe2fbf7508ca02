/**
 * Opens a workspace index database: one SQLite file with FTS5 and sqlite-vec, in WAL mode so readers
 * never wait for the single writer, with numbered migrations applied by the writer.
 */

import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { migrations } from "./migrations";
import {
  DamagedDatabaseError,
  type Database,
  damageDetail,
  isDamagedDatabase,
  moveAside,
  openReader,
  openWriter,
  type SqliteFileKind,
} from "./sqliteFile";

export type { Database };
export { DamagedDatabaseError, damageDetail, isDamagedDatabase };

export class IndexDatabaseError extends Error {
  override name = "IndexDatabaseError";
}

const indexFile: SqliteFileKind = {
  label: "the index",
  migrations,
  vectors: true,
  error: (message) => new IndexDatabaseError(message),
};

export interface OpenDatabaseOptions {
  readonly: boolean;
  /** Called when a damaged file was moved aside and a fresh index started. */
  onRecreated?: (movedTo: string, reason: string) => void;
}

export function openIndexDatabase(file: string, options: OpenDatabaseOptions): Database {
  if (options.readonly) return openReader(file, indexFile);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new IndexDatabaseError(
      `cannot create the folder for the index ${file}: ${(error as Error).message}`,
    );
  }
  try {
    return openWriter(file, indexFile);
  } catch (error) {
    if (!isDamagedDatabase(error)) throw error;
    return recreateIndexDatabase(file, damageDetail(error), options);
  }
}

/**
 * Moves a damaged index aside (kept for inspection) and starts an empty one: the index is derived data,
 * rebuilt from the workspace by the next pass. The caller has closed its own connection first.
 */
export function recreateIndexDatabase(
  file: string,
  reason: string,
  options: Pick<OpenDatabaseOptions, "onRecreated">,
): Database {
  const movedTo = moveAside(file);
  options.onRecreated?.(movedTo, reason);
  return openWriter(file, indexFile);
}
