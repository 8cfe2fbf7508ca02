/**
 * Opening Hearth's SQLite files the one way: a writer in WAL mode that applies numbered migrations (a
 * migration N moves `user_version` from N to N+1, in a transaction), and a read-only reader that refuses a
 * schema it does not know. Shared by the index and the feedback database.
 *
 * Damage: beside the file, `<file>.writer` says whether a writer has it open (its pid) or closed it cleanly
 * (the size and mtime it left), and a reader that meets a damaged page leaves `<file>.suspect`. A writer runs
 * SQLite's `quick_check` on open (about 20 ms per MB) only when these say so: the last writer died without
 * closing, the file changed since it closed (a copy, a restore, a stray write), there is no record, or a
 * reader saw damage. Damage found later shows as SQLITE_CORRUPT, which callers handle. A damaged file is
 * moved aside with its WAL and shared memory files, never deleted; what replaces it is the caller's decision.
 */

import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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

/**
 * Opens `file` for writing, creating it when missing. Throws a `DamagedDatabaseError` when the file is
 * damaged (found by SQLite, or by the integrity check a marker asked for), and the kind's error for a file
 * that is not this kind of Hearth database or is newer than this code.
 */
export function openWriter(file: string, kind: SqliteFileKind): Database {
  const needsCheck = checkWanted(file);
  let database: Database;
  try {
    database = new (loadDriver())(file, { timeout: 5_000 });
  } catch (error) {
    throw asDamaged(error, file, kind) ?? cannotOpen(error, file, kind);
  }
  try {
    if (kind.vectors) require("sqlite-vec").load(database);
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
    if (needsCheck) {
      const problem = integrityProblem(database);
      if (problem) {
        const detail = `${needsCheck}, and SQLite's quick_check found ${problem}`;
        throw new DamagedDatabaseError(`${kind.label} ${file} is damaged: ${detail}`, detail);
      }
    }
    migrate(database, file, kind);
  } catch (error) {
    database.close();
    throw asDamaged(error, file, kind) ?? error;
  }
  removeMarker(suspectMarker(file));
  writeMarker(file, { pid: process.pid });
  const close = database.close.bind(database);
  // Closing is the clean shutdown the marker stands for; a process that dies skips this and leaves its pid.
  database.close = () => {
    const closed = close();
    if (readWriterMarker(file)?.pid === process.pid) {
      const stats = statSync(file, { throwIfNoEntry: false });
      if (stats) writeMarker(file, { size: stats.size, mtimeMs: stats.mtimeMs });
    }
    return closed;
  };
  return database;
}

export function openReader(file: string, kind: SqliteFileKind): Database {
  if (!existsSync(file)) throw kind.error(`${kind.label} ${file} does not exist`);
  let database: Database;
  try {
    database = new (loadDriver())(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  } catch (error) {
    throw asDamaged(error, file, kind) ?? cannotOpen(error, file, kind);
  }
  try {
    if (kind.vectors) require("sqlite-vec").load(database);
    const version = database.pragma("user_version", { simple: true }) as number;
    if (version === 0) throw kind.error(notThisKind(file, kind, isEmpty(database)));
    if (version !== kind.migrations.length) {
      throw kind.error(
        version > kind.migrations.length
          ? newerSchema(file, version, kind)
          : `${kind.label} ${file} has schema version ${version}, this Hearth reads version ${kind.migrations.length}; ` +
              "open it once for writing to upgrade it",
      );
    }
  } catch (error) {
    database.close();
    const damaged = asDamaged(error, file, kind);
    if (damaged) markSuspect(file, damaged.message);
    throw damaged ?? error;
  }
  return database;
}

/** A file SQLite found damaged, or that failed the integrity check. */
export class DamagedDatabaseError extends Error {
  override name = "DamagedDatabaseError";
  readonly code = "SQLITE_CORRUPT";

  constructor(
    message: string,
    /** What was wrong, without the file's name: SQLite's message or the check's findings. */
    readonly detail: string,
  ) {
    super(message);
  }
}

/** What was wrong with a damaged file, for messages that name the file themselves. */
export function damageDetail(error: unknown): string {
  return error instanceof DamagedDatabaseError ? error.detail : (error as Error).message;
}

/** Errors SQLite gives for a file that is not a database or is damaged (extended codes included). */
export function isDamagedDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/**
 * Moves a damaged file aside, with its WAL and shared memory (a stale WAL left beside a new file would be
 * replayed into it), and returns where it went. Markers go with it: the new file starts clean.
 */
export function moveAside(file: string): string {
  const movedTo = `${file}.damaged-${Date.now()}`;
  renameSync(file, movedTo);
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  }
  removeMarker(writerMarker(file));
  removeMarker(suspectMarker(file));
  return movedTo;
}

/** Records that a reader met damage, so the next writer checks the file (best effort: readers may lack write access). */
export function markSuspect(file: string, reason: string): void {
  try {
    writeFileSync(suspectMarker(file), reason);
  } catch {}
}

/** `undefined` when SQLite's quick_check passes, else its first findings. */
export function integrityProblem(database: Database): string | undefined {
  try {
    const rows = database.pragma("quick_check(5)", { simple: false }) as { quick_check: string }[];
    const findings = rows.map((row) =>
      row.quick_check
        .replace(/\*\*\* in database \w+ \*\*\*/, "")
        .replace(/\s+/g, " ")
        .trim(),
    );
    return findings.length === 1 && findings[0] === "ok" ? undefined : findings.join("; ");
  } catch (error) {
    if (isDamagedDatabase(error)) return (error as Error).message;
    throw error;
  }
}

function migrate(database: Database, file: string, kind: SqliteFileKind): void {
  const version = database.pragma("user_version", { simple: true }) as number;
  if (version > kind.migrations.length) {
    throw kind.error(newerSchema(file, version, kind));
  }
  // Version 0 with tables is someone else's database: never add Hearth's tables to it.
  if (version === 0 && !isEmpty(database)) throw kind.error(notThisKind(file, kind, false));
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

function notThisKind(file: string, kind: SqliteFileKind, empty: boolean): string {
  return empty
    ? `${file} is empty, not ${kind.label} (schema version 0)`
    : `${file} is not ${kind.label}: it is an SQLite database with schema version 0 and tables of its own`;
}

function isEmpty(database: Database): boolean {
  return database.prepare("select count(*) from sqlite_master").pluck().get() === 0;
}

/** What `<file>.writer` records: a writer's pid while open, the file's size and mtime after a clean close. */
interface WriterMarker {
  pid?: number;
  size?: number;
  mtimeMs?: number;
}

/** Why the file should be checked before use, or `undefined`. */
function checkWanted(file: string): string | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats || stats.size === 0) return undefined;
  const suspect = readMarker(suspectMarker(file));
  if (suspect !== undefined) return `a reader found it damaged (${suspect || "no detail"})`;
  const marker = readWriterMarker(file);
  if (!marker) return "it has no record of a clean close";
  if (marker.pid !== undefined) {
    return isRunning(marker.pid)
      ? undefined
      : `the last process that wrote it (pid ${marker.pid}) stopped without closing it`;
  }
  if (marker.size !== stats.size || marker.mtimeMs !== stats.mtimeMs) {
    return "it changed since Hearth last closed it";
  }
  return undefined;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readWriterMarker(file: string): WriterMarker | undefined {
  const text = readMarker(writerMarker(file));
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as WriterMarker) : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: without markers the file is still checked whenever SQLite reports damage. */
function writeMarker(file: string, marker: WriterMarker): void {
  try {
    writeFileSync(writerMarker(file), JSON.stringify(marker));
  } catch {}
}

function removeMarker(marker: string): void {
  try {
    rmSync(marker, { force: true });
  } catch {}
}

function readMarker(marker: string): string | undefined {
  try {
    return readFileSync(marker, "utf8").trim();
  } catch {
    return undefined;
  }
}

function writerMarker(file: string): string {
  return `${file}.writer`;
}

function suspectMarker(file: string): string {
  return `${file}.suspect`;
}

function asDamaged(error: unknown, file: string, kind: SqliteFileKind): DamagedDatabaseError | undefined {
  if (error instanceof DamagedDatabaseError) return error;
  if (!isDamagedDatabase(error)) return undefined;
  const detail = (error as Error).message;
  return new DamagedDatabaseError(`${kind.label} ${file} is damaged (${detail})`, detail);
}

function cannotOpen(error: unknown, file: string, kind: SqliteFileKind): Error {
  return kind.error(`cannot open ${kind.label} ${file}: ${(error as Error).message}`);
}

function loadDriver(): typeof BetterSqlite3 {
  return require("better-sqlite3");
}
