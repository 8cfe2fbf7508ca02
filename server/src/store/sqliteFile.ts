/**
 * Opening Hearth's SQLite files the one way: a writer in WAL mode that applies numbered migrations (a
 * migration N moves `user_version` from N to N+1, in a transaction), and a read-only reader that refuses a
 * schema it does not know. Shared by the index and the feedback database.
 */

import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);

export type Database = BetterSqlite3.Database;
export type Migration = (database: Database) => void;

export interface SqliteFileKind {
  /** How errors name the file, e.g. "the index". */
  label: string;
  migrations: readonly Migration[];
  /** Load sqlite-vec into every connection. */
  vectors: boolean;
  /** Wraps a message in the store's own Error subclass. */
  error: (message: string) => Error;
}

export function openWriter(file: string, kind: SqliteFileKind): Database {
  const database = new (loadDriver())(file, { timeout: 5_000 });
  try {
    if (kind.vectors) require("sqlite-vec").load(database);
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
    migrate(database, file, kind);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

export function openReader(file: string, kind: SqliteFileKind): Database {
  let database: Database;
  try {
    database = new (loadDriver())(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  } catch (error) {
    throw kind.error(`cannot open ${kind.label} ${file}: ${(error as Error).message}`);
  }
  if (kind.vectors) require("sqlite-vec").load(database);
  const version = database.pragma("user_version", { simple: true }) as number;
  if (version !== kind.migrations.length) {
    database.close();
    throw kind.error(
      version > kind.migrations.length
        ? newerSchema(file, version, kind)
        : `${kind.label} ${file} has schema version ${version}, this Hearth reads version ${kind.migrations.length}; ` +
            "open it once for writing to upgrade it",
    );
  }
  return database;
}

function migrate(database: Database, file: string, kind: SqliteFileKind): void {
  const version = database.pragma("user_version", { simple: true }) as number;
  if (version > kind.migrations.length) {
    throw kind.error(newerSchema(file, version, kind));
  }
  for (let next = version; next < kind.migrations.length; next++) {
    database.transaction(() => {
      kind.migrations[next]!(database);
      database.pragma(`user_version = ${next + 1}`);
    })();
  }
}

function newerSchema(file: string, version: number, kind: SqliteFileKind): string {
  return `${kind.label} ${file} was written by a newer Hearth (schema ${version}, this one reads ${kind.migrations.length})`;
}

/** Errors SQLite gives for a file that is not a database or is damaged. */
export function isDamagedDatabase(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT";
}

function loadDriver(): typeof BetterSqlite3 {
  return require("better-sqlite3");
}
