/**
 * Damaged database files, with real SQLite: when a writer checks a file on open, how a damaged index is
 * moved aside, and how a damaged feedback file is moved aside with every readable event carried over, both
 * on open and when a statement meets the damage later.
 */

import assert from "node:assert/strict";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { DamagedDatabaseError, openIndexDatabase } from "./database";
import type { StoredFeedbackEvent } from "./feedbackEvents";
import { type FeedbackRecovery, FeedbackStore } from "./feedbackStore";
import { IndexWriter } from "./indexWriter";
import { markSuspect } from "./sqliteFile";

function scratchFile(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "hearth-damage-")), name);
}

/** Checkpoints the WAL into the file, then overwrites every page of one table (found through dbstat). */
function damageTable(file: string, table: string): number {
  const database = new BetterSqlite3(file);
  database.pragma("wal_checkpoint(TRUNCATE)");
  const pageSize = database.pragma("page_size", { simple: true }) as number;
  const pages = database.prepare("select pageno from dbstat where name = ?").pluck().all(table) as number[];
  database.close();
  const descriptor = openSync(file, "r+");
  try {
    for (const page of pages)
      writeSync(descriptor, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(descriptor);
  }
  return pages.length;
}

function filledIndex(file: string, files: number) {
  const database = openIndexDatabase(file, { readonly: false });
  const writer = new IndexWriter(database);
  for (let index = 0; index < files; index++) {
    writer.replaceFile(
      { path: `src/file${index}.ts`, contentHash: `h${index}`, size: 1, mtimeMs: 1, language: null },
      [
        {
          startLine: 0,
          endLine: 0,
          contentHash: `c${index}`,
          header: "",
          text: `const value${index} = ${index};`,
          symbols: [],
        },
      ],
    );
  }
  database.pragma("wal_checkpoint(TRUNCATE)");
  return database;
}

function shownEvents(count: number): StoredFeedbackEvent[] {
  return Array.from(
    { length: count },
    (_, index) =>
      ({
        eventId: `e${index}`,
        at: 1_700_000_000_000 + index,
        surface: "inline",
        subjectId: `s${index}`,
        type: "shown",
        language: "python",
        trigger: "automatic",
        latencyMs: 100,
        chars: 10,
        lines: 1,
        text: `return value_${index} * 2`,
      }) as unknown as StoredFeedbackEvent,
  );
}

test("an index changed behind Hearth's back is checked on open, and a damaged one moved aside with its WAL", () => {
  const file = scratchFile("index.sqlite");
  filledIndex(file, 300).close();
  assert.ok(damageTable(file, "files") > 0);
  let moved: { to: string; reason: string } | undefined;
  const database = openIndexDatabase(file, {
    readonly: false,
    onRecreated: (to, reason) => {
      moved = { to, reason };
    },
  });
  assert.ok(moved, "found damaged on open");
  assert.match(moved.reason, /changed since Hearth last closed it, and SQLite's quick_check found/);
  assert.doesNotMatch(moved.reason, /\n/);
  assert.ok(existsSync(moved.to));
  assert.equal(new IndexWriter(database).counts().files, 0, "a new, empty index");
  database.close();
  const kept = readdirSync(path.dirname(file)).filter((name) => name.includes(".damaged-"));
  assert.ok(
    kept.every((name) => name.startsWith(path.basename(moved!.to))),
    `moved together: ${kept}`,
  );
});

test("a clean close is trusted: the next writer opens without checking", () => {
  const file = scratchFile("index.sqlite");
  filledIndex(file, 50).close();
  let recreated = false;
  openIndexDatabase(file, {
    readonly: false,
    onRecreated: () => {
      recreated = true;
    },
  }).close();
  assert.equal(recreated, false);
  assert.deepEqual(
    readdirSync(path.dirname(file)).filter((name) => name.includes("damaged")),
    [],
  );
});

test("damage a reader met is checked by the next writer, even while another writer holds the file", () => {
  const file = scratchFile("index.sqlite");
  const holder = filledIndex(file, 300);
  damageTable(file, "chunks");
  // The holder is alive, so its marker alone asks for no check; the reader's report does.
  markSuspect(file, "database disk image is malformed");
  let reason = "";
  openIndexDatabase(file, {
    readonly: false,
    onRecreated: (_, why) => {
      reason = why;
    },
  }).close();
  assert.match(reason, /a reader found it damaged \(database disk image is malformed\)/);
  holder.close();
});

test("a feedback file damaged in the middle is kept aside, and a new one starts with every readable event", () => {
  const file = scratchFile("feedback.sqlite");
  const seed = FeedbackStore.open(file, { readonly: false });
  seed.append(shownEvents(3000));
  seed.close();
  const size = readFileSync(file).length;
  const descriptor = openSync(file, "r+");
  writeSync(descriptor, Buffer.alloc(256 * 1024, 0x5a), 0, 256 * 1024, Math.floor(size / 2 / 4096) * 4096);
  closeSync(descriptor);

  let told: { movedTo: string; recovered: FeedbackRecovery } | undefined;
  const store = FeedbackStore.open(file, {
    readonly: false,
    onRecreated: (movedTo, _, recovered) => {
      told = { movedTo, recovered };
    },
  });
  assert.ok(told, "the user is told");
  assert.ok(existsSync(told.movedTo), "the damaged file is kept: it is the user's record");
  const recovered = told.recovered.events;
  assert.ok(recovered > 1000 && recovered < 3000, `recovered ${recovered} of 3000`);
  assert.ok(told.recovered.unreadableEvents > 0);
  assert.equal(store.eventCount(), recovered);
  assert.equal([...store.suggestions()].length, recovered, "suggestions follow from the recovered events");
  store.close();
});

test("damage found by a statement later is repaired then and there, and the statement answers", () => {
  const file = scratchFile("feedback.sqlite");
  const holder = FeedbackStore.open(file, { readonly: false });
  holder.append(shownEvents(2000));
  // A second writer while the first is alive: nothing checks on open, so the damage shows mid-statement.
  const damagedPages = damageTable(file, "suggestions");
  assert.ok(damagedPages > 1);
  const recoveries: FeedbackRecovery[] = [];
  const store = FeedbackStore.open(file, {
    readonly: false,
    onRecreated: (_, __, recovered) => recoveries.push(recovered),
  });
  const rows = [...store.suggestions()];
  assert.equal(recoveries.length, 1);
  assert.equal(
    recoveries[0]!.events,
    2000,
    "the events table was intact: every suggestion is rebuilt from it",
  );
  assert.equal(rows.length, 2000);
  store.close();
  holder.close();
});

test("a read-only store that meets damage says so clearly and leaves the repair to the next writer", () => {
  const file = scratchFile("feedback.sqlite");
  const seed = FeedbackStore.open(file, { readonly: false });
  seed.append(shownEvents(2000));
  seed.close();
  damageTable(file, "suggestions");
  const reader = FeedbackStore.open(file, { readonly: true });
  assert.throws(
    () => [...reader.suggestions()],
    (error: Error) =>
      error instanceof DamagedDatabaseError &&
      /the feedback database .* is damaged .*keeps a copy and recovers what it can/.test(error.message),
  );
  reader.close();
  let recovered = 0;
  FeedbackStore.open(file, {
    readonly: false,
    onRecreated: (_, __, counts) => {
      recovered = counts.events;
    },
  }).close();
  assert.equal(recovered, 2000);
});
