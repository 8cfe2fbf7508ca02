/**
 * Reads what can still be read from a damaged feedback database: its events (the log everything else in the
 * file is derived from) and the stored code context of its suggestions. SQLite fails a statement that meets
 * a damaged page, so rows are walked in row-id order and, past a failure, the walk jumps ahead by growing
 * steps until it lands on readable rows again, then narrows back to the first readable one.
 */

import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { PromptContext, StoredFeedbackEvent } from "./feedbackEvents";

const require = createRequire(import.meta.url);

export interface SalvagedFeedback {
  /** In their original order. */
  events: StoredFeedbackEvent[];
  /** Stored code context by suggestion id. */
  prompts: Map<string, PromptContext>;
  /** Event rows known to exist (from the row ids around them) that could not be read. */
  unreadableEvents: number;
}

export function salvageFeedback(file: string): SalvagedFeedback {
  const salvaged: SalvagedFeedback = { events: [], prompts: new Map(), unreadableEvents: 0 };
  let database: BetterSqlite3.Database;
  try {
    database = new (require("better-sqlite3") as typeof BetterSqlite3)(file, {
      readonly: true,
      fileMustExist: true,
    });
  } catch {
    return salvaged;
  }
  try {
    const events = readableRows(database, "events", "payload");
    salvaged.unreadableEvents = events.skippedRowIds;
    for (const row of events.rows) {
      const event = parseEvent(row.payload);
      if (event) salvaged.events.push(event);
    }
    for (const row of readableRows(database, "prompts", "suggestion_id, path, prefix, suffix").rows) {
      if (typeof row.suggestion_id !== "string" || typeof row.prefix !== "string") continue;
      salvaged.prompts.set(row.suggestion_id, {
        path: typeof row.path === "string" ? row.path : undefined,
        prefix: row.prefix,
        suffix: typeof row.suffix === "string" ? row.suffix : "",
      });
    }
  } finally {
    database.close();
  }
  return salvaged;
}

type Row = Record<string, unknown> & { rowid_: number };

/** The largest jump past a damaged page before giving up on the rest of a table. */
const maxJump = 2 ** 40;

/** Every row of `table` that SQLite can read, in row-id order, and how many row ids were jumped over. */
export function readableRows(
  database: BetterSqlite3.Database,
  table: string,
  columns: string,
): { rows: Row[]; skippedRowIds: number } {
  const rows: Row[] = [];
  let statement: BetterSqlite3.Statement;
  try {
    statement = database.prepare(
      `select rowid as rowid_, ${columns} from ${table} where rowid > ? order by rowid`,
    );
  } catch {
    return { rows, skippedRowIds: 0 };
  }
  /** Reads the rows after `after` until the end (true) or a failure (false). */
  const readFrom = (after: number): boolean => {
    try {
      for (const row of statement.iterate(after) as IterableIterator<Row>) rows.push(row);
      return true;
    } catch {
      return false;
    }
  };
  let skippedRowIds = 0;
  let reachedEnd = readFrom(0);
  while (!reachedEnd) {
    // The row after the last one read is unreadable: find the nearest start that reads again, jumping ahead
    // by doubling steps, then narrowing back between the last failing start and the first readable one.
    const failedAt = rows.length ? rows[rows.length - 1]!.rowid_ : 0;
    let failing = failedAt;
    let readable: number | undefined;
    for (let jump = 1; jump <= maxJump; jump *= 2) {
      if (startsReadable(statement, failedAt + jump)) {
        readable = failedAt + jump;
        break;
      }
      failing = failedAt + jump;
    }
    if (readable === undefined) break;
    while (readable - failing > 1) {
      const middle = Math.floor((failing + readable) / 2);
      if (startsReadable(statement, middle)) readable = middle;
      else failing = middle;
    }
    skippedRowIds += readable - failedAt;
    const before = rows.length;
    reachedEnd = readFrom(readable);
    if (!reachedEnd && rows.length === before) break;
  }
  return { rows, skippedRowIds };
}

/** Whether reading from just after `after` gets at least one row (or the clean end) without failing. */
function startsReadable(statement: BetterSqlite3.Statement, after: number): boolean {
  try {
    for (const _ of statement.iterate(after)) return true;
    return true;
  } catch {
    return false;
  }
}

function parseEvent(payload: unknown): StoredFeedbackEvent | undefined {
  if (typeof payload !== "string") return undefined;
  try {
    const event = JSON.parse(payload) as StoredFeedbackEvent;
    return typeof event === "object" && event !== null && typeof event.eventId === "string"
      ? event
      : undefined;
  } catch {
    return undefined;
  }
}
