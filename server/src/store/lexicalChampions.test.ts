/**
 * Tests for champion lists with real SQLite and FTS5, at small thresholds: lists follow writes, trims and
 * deletions, a query of only common words is ranked from them, and an index from before them upgrades.
 */

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { openIndexDatabase } from "./database";
import { expandForIndex } from "./identifierWords";
import { IndexReader } from "./indexReader";
import { type ChunkRecord, IndexWriter } from "./indexWriter";
import { type ChampionSettings, championWeight, termFrequencies } from "./lexicalChampions";
import { migrations } from "./migrations";
import { type Database, openWriter } from "./sqliteFile";

const small: ChampionSettings = { commonDocuments: 6, listLength: 3, recountFraction: 0.2, buildBudget: 1 };

function freshIndex(settings = small) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "hearth-champions-")), "index.sqlite");
  const database = openIndexDatabase(file, { readonly: false });
  return {
    file,
    database,
    writer: new IndexWriter(database, settings),
    reader: () => new IndexReader(openIndexDatabase(file, { readonly: true })),
  };
}

function chunk(text: string, index: number): ChunkRecord {
  return { startLine: index, endLine: index, contentHash: `${text}-${index}`, header: "", text, symbols: [] };
}

function file(name: string) {
  return { path: name, contentHash: name, size: 1, mtimeMs: 1, language: "python" };
}

/** Chunk `i` of file `f` says `common` i + 1 times, so later chunks weigh more for it. */
function writeCommonFiles(writer: IndexWriter, files: number, perFile: number) {
  for (let f = 0; f < files; f++) {
    writer.replaceFile(
      file(`f${f}.py`),
      Array.from({ length: perFile }, (_, i) => chunk(`${"common ".repeat(i + 1)}filler${f}x${i}`, i)),
    );
  }
}

function listOf(database: Database, word: string): { chunkId: number; weight: number }[] {
  return database
    .prepare(
      "select chunk_id as chunkId, weight from lexical_champions where term = ? order by weight desc, chunk_id",
    )
    .all(word) as { chunkId: number; weight: number }[];
}

function textOf(reader: IndexReader, chunkId: number): string {
  return reader.chunks([chunkId]).get(chunkId)!.text;
}

test("weights are BM25's term-frequency part, with path words counting half", () => {
  const { frequencies, length } = termFrequencies("get user get", "src user");
  assert.deepEqual(Object.fromEntries(frequencies), { get: 2, user: 1.5, src: 0.5 });
  assert.equal(length, 5);
  assert.ok(championWeight(2, 5, 5) > championWeight(1, 5, 5), "more occurrences weigh more");
  assert.ok(championWeight(1, 5, 10) > championWeight(1, 20, 10), "a shorter chunk weighs more");
  assert.ok(Math.abs(championWeight(1, 10, 10) - 1) < 1e-9, "one occurrence in an average chunk weighs 1");
});

test("a word found in enough chunks gets a list of its heaviest chunks, built a little per write", () => {
  const { writer, database } = freshIndex();
  writeCommonFiles(writer, 2, 2);
  assert.equal(listOf(database, "common").length, 0, "4 chunks: below the threshold of 6");
  writeCommonFiles(writer, 4, 2);
  const documents = database
    .prepare("select documents from lexical_terms where term = 'common'")
    .pluck()
    .get();
  assert.equal(documents, 8);
  const list = listOf(database, "common");
  assert.ok(list.length >= small.listLength && list.length <= 2 * small.listLength, `${list.length} entries`);
  const floor = database
    .prepare("select floor from lexical_terms where term = 'common'")
    .pluck()
    .get() as number;
  assert.ok(list.every((entry) => entry.weight > floor));
  const reader = new IndexReader(database);
  assert.ok(
    list.every((entry) => textOf(reader, entry.chunkId).startsWith("common common")),
    "the heaviest chunks repeat the word",
  );
});

test("new heavy chunks join a list, deleted ones leave it, and a long list is trimmed back", () => {
  const { writer, database } = freshIndex();
  writeCommonFiles(writer, 4, 2);
  const floor = () =>
    database.prepare("select floor from lexical_terms where term = 'common'").pluck().get() as number;
  const before = floor();
  writer.replaceFile(
    file("heavy.py"),
    Array.from({ length: 4 }, (_, i) => chunk("common ".repeat(5 + i), i)),
  );
  const list = listOf(database, "common");
  assert.ok(list.length <= 2 * small.listLength);
  assert.ok(floor() > before, "the trim raised the floor");
  const reader = new IndexReader(database);
  assert.ok(textOf(reader, list[0]!.chunkId).startsWith("common ".repeat(8)));
  writer.deleteFiles(["heavy.py"]);
  const remaining = listOf(database, "common");
  const heavyIds = list.map((entry) => entry.chunkId);
  assert.ok(
    remaining.every((entry) => !heavyIds.includes(entry.chunkId)),
    "deleted chunks left the list",
  );
  assert.equal(database.prepare("select count(*) from lexical_champions").pluck().get(), remaining.length);
});

test("a query of only common words is ranked from the lists; a rarer word is ranked by FTS5", () => {
  const { writer, reader } = freshIndex();
  writeCommonFiles(writer, 4, 2);
  writer.replaceFile(file("z.py"), [chunk("common common common common common rare_word", 0)]);
  writer.updateChampionLists(true);
  const index = reader();
  const hits = index.lexical("common", 3);
  assert.equal(hits.length, 3);
  assert.ok(textOf(index, hits[0]!.chunkId).includes("rare_word"), "five occurrences in a short chunk win");
  const rare = index.lexical("common rare_word", 5);
  assert.deepEqual(
    rare.map((hit) => textOf(index, hit.chunkId)),
    ["common common common common common rare_word"],
    "the common word is left out next to a rare one",
  );
});

test("words that become rare lose their lists at the next recount", () => {
  const { writer, database } = freshIndex();
  writeCommonFiles(writer, 4, 2);
  assert.ok(listOf(database, "common").length > 0);
  writer.deleteFiles(["f0.py", "f1.py", "f2.py"]);
  writer.updateChampionLists(true);
  assert.equal(listOf(database, "common").length, 0);
  assert.equal(database.prepare("select count(*) from lexical_terms").pluck().get(), 0);
});

test("an index from before champion lists upgrades in place and gets its lists", () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "hearth-champions-")), "index.sqlite");
  const old = openWriter(file, {
    label: "the index",
    migrations: migrations.slice(0, 1),
    vectors: true,
    error: (message) => new Error(message),
  });
  const insertFile = old.prepare(
    "insert into files (path, content_hash, size, mtime_ms, language, indexed_at) values (?, ?, 1, 1, 'python', 0)",
  );
  const insertChunk = old.prepare(
    "insert into chunks (file_id, ordinal, start_line, end_line, content_hash, header, text) values (?, ?, 0, 0, ?, '', ?)",
  );
  const insertWords = old.prepare("insert into chunks_fts (rowid, words, path) values (?, ?, ?)");
  for (let f = 0; f < 8; f++) {
    const fileId = Number(insertFile.run(`old${f}.py`, `h${f}`).lastInsertRowid);
    const text = `${"shared ".repeat(f + 1)}only${f}`;
    const chunkId = insertChunk.run(fileId, 0, `c${f}`, text).lastInsertRowid;
    insertWords.run(chunkId, expandForIndex(`\n${text}`), expandForIndex(`old${f}.py`));
  }
  assert.equal(old.pragma("user_version", { simple: true }), 1);
  old.close();

  const database = openIndexDatabase(file, { readonly: false });
  assert.equal(database.pragma("user_version", { simple: true }), migrations.length);
  const reader = () => new IndexReader(openIndexDatabase(file, { readonly: true }));
  const before = reader();
  const onlyThree = before.lexical("only3", 5);
  assert.equal(
    textOf(before, onlyThree[0]!.chunkId),
    "shared shared shared shared only3",
    "searches work before lists",
  );
  assert.equal(reader().lexical("shared", 20).length, 8, "without lists every word is ranked by FTS5");
  new IndexWriter(database, small).updateChampionLists();
  const index = reader();
  const hits = index.lexical("shared", 3);
  assert.deepEqual(
    hits.map((hit) => textOf(index, hit.chunkId).split(" ").at(-1)),
    ["only7", "only6", "only5"],
  );
  assert.equal(listOf(database, "shared").length, small.listLength);
});
