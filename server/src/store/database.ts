/**
 * Opens a workspace index database: one SQLite file with FTS5 and sqlite-vec, in WAL mode so readers
 * never wait for the single writer, with numbered migrations applied by the writer.
 */

import { mkdirSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { migrations } from "./migrations";

const require = createRequire(import.meta.url);

export type Database = BetterSqlite3.Database;

export class IndexDatabaseError extends Error {
  override name = "IndexDatabaseError";
}

export interface OpenDatabaseOptions {
  readonly: boolean;
  /** Called when a damaged file was moved aside and a fresh index started. */
  onRecreated?: (movedTo: string, reason: string) => void;
}

export function openIndexDatabase(file: string, options: OpenDatabaseOptions): Database {
  if (options.readonly) return openReader(file);
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    return openWriter(file);
  } catch (error) {
    if (!isDamagedDatabase(error)) throw error;
    // The index is derived data: a damaged file is kept for inspection and rebuilt from the workspace.
    const movedTo = `${file}.damaged-${Date.now()}`;
    renameSync(file, movedTo);
    options.onRecreated?.(movedTo, (error as Error).message);
    return openWriter(file);
  }
}

function loadDriver(): typeof BetterSqlite3 {
  return require("better-sqlite3");
}

function openWriter(file: string): Database {
  const database = new (loadDriver())(file, { timeout: 5_000 });
  try {
    require("sqlite-vec").load(database);
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
    migrate(database);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

function openReader(file: string): Database {
  let database: Database;
  try {
    database = new (loadDriver())(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  } catch (error) {
    throw new IndexDatabaseError(`cannot open the index ${file}: ${(error as Error).message}`);
  }
  require("sqlite-vec").load(database);
  const version = database.pragma("user_version", { simple: true }) as number;
  if (version !== migrations.length) {
    database.close();
    throw new IndexDatabaseError(
      `the index ${file} has schema version ${version}, this Hearth reads version ${migrations.length}; re-run indexing`,
    );
  }
  return database;
}

function migrate(database: Database): void {
  const version = database.pragma("user_version", { simple: true }) as number;
  if (version > migrations.length) {
    throw new IndexDatabaseError(
      `the index was written by a newer Hearth (schema ${version}, this one knows ${migrations.length})`,
    );
  }
  for (let next = version; next < migrations.length; next++) {
    database.transaction(() => {
      migrations[next]!(database);
      database.pragma(`user_version = ${next + 1}`);
    })();
  }
}

function isDamagedDatabase(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT";
}
