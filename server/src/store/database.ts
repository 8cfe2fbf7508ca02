/**
 * Opens a workspace index database: one SQLite file with FTS5 and sqlite-vec, in WAL mode so readers
 * never wait for the single writer, with numbered migrations applied by the writer.
 */

import { mkdirSync, renameSync } from "node:fs";
import * as path from "node:path";
import { migrations } from "./migrations";
import { type Database, isDamagedDatabase, openReader, openWriter, type SqliteFileKind } from "./sqliteFile";

export type { Database };

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
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    return openWriter(file, indexFile);
  } catch (error) {
    if (!isDamagedDatabase(error)) throw error;
    // The index is derived data: a damaged file is kept for inspection and rebuilt from the workspace.
    const movedTo = `${file}.damaged-${Date.now()}`;
    renameSync(file, movedTo);
    options.onRecreated?.(movedTo, (error as Error).message);
    return openWriter(file, indexFile);
  }
}
