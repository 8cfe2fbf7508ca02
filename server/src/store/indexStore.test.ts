/** Tests for the index database with real SQLite, FTS5 and sqlite-vec: writes, searches, vectors, recovery. */

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { IndexDatabaseError, openIndexDatabase } from "./database";
import { IndexReader } from "./indexReader";
import { type ChunkRecord, IndexWriter } from "./indexWriter";

function freshIndex() {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "hearth-store-")), "index.sqlite");
  const writerDatabase = openIndexDatabase(file, { readonly: false });
  const writer = new IndexWriter(writerDatabase);
  const reader = () => new IndexReader(openIndexDatabase(file, { readonly: true }));
  return { file, writer, writerDatabase, reader };
}

function chunk(text: string, contentHash: string, symbols: ChunkRecord["symbols"] = []): ChunkRecord {
  return { startLine: 0, endLine: text.split("\n").length - 1, contentHash, header: "h", text, symbols };
}

function file(filePath: string) {
  return { path: filePath, contentHash: `hash-${filePath}`, size: 10, mtimeMs: 1, language: "typescript" };
}

test("full-text search finds whole identifiers and their camelCase and snake_case parts", () => {
  const { writer, reader } = freshIndex();
  writer.replaceFile(file("src/users.ts"), [
    chunk("export function getUserName(id) { return lookup(id).display_name; }", "c1"),
    chunk("const retryCount = MAX_RETRY_COUNT;", "c2"),
  ]);
  writer.replaceFile(file("src/other.ts"), [chunk("export const unrelated = 1;", "c3")]);
  const index = reader();
  const pathsFor = (query: string) =>
    [...index.chunks(index.lexical(query, 10).map((hit) => hit.chunkId)).values()].map((hit) =>
      hit.text.slice(0, 20),
    );
  assert.deepEqual(pathsFor("getUserName"), ["export function getU"]);
  assert.deepEqual(pathsFor("user name"), ["export function getU"]);
  assert.deepEqual(pathsFor("display_name"), ["export function getU"]);
  assert.deepEqual(pathsFor("display"), ["export function getU"]);
  assert.deepEqual(pathsFor("max retry"), ["const retryCount = M"]);
  assert.equal(pathsFor("users").length, 2, "path words are searchable too");
  assert.deepEqual(pathsFor("nothingLikeThis"), []);
});

test("symbol search matches defined names case-insensitively", () => {
  const { writer, reader } = freshIndex();
  writer.replaceFile(file("a.py"), [
    chunk("class Parser: ...", "p1", [{ name: "Parser", kind: "class", line: 0 }]),
  ]);
  const index = reader();
  assert.equal(index.symbols("parser", 5).length, 1);
  assert.equal(index.symbols("where is the parser class", 5).length, 1);
  assert.equal(index.symbols("Lexer", 5).length, 0);
});

test("replacing or deleting a file removes its old chunks from FTS, symbols and chunks", () => {
  const { writer, reader } = freshIndex();
  writer.replaceFile(file("a.ts"), [
    chunk("function alphaBeta() {}", "a1", [{ name: "alphaBeta", kind: "function", line: 0 }]),
  ]);
  writer.replaceFile(file("a.ts"), [chunk("function gammaDelta() {}", "a2")]);
  let index = reader();
  assert.equal(index.lexical("alphaBeta", 5).length, 0);
  assert.equal(index.symbols("alphaBeta", 5).length, 0);
  assert.equal(index.lexical("gammaDelta", 5).length, 1);
  writer.deleteFiles(["a.ts"]);
  index = reader();
  assert.equal(index.lexical("gammaDelta", 5).length, 0);
  assert.deepEqual(index.counts(), { files: 0, chunks: 0, embeddings: 0, symbols: 0 });
});

test("identical chunk contents share one embedding; garbage collection drops orphans", () => {
  const { writer, reader } = freshIndex();
  writer.ensureVectorSpace({ modelId: "m", dimension: 4 });
  writer.replaceFile(file("a.ts"), [chunk("same()", "same")]);
  writer.replaceFile(file("b.ts"), [chunk("same()", "same"), chunk("other()", "other")]);
  assert.deepEqual(
    writer
      .pendingEmbeddings(10)
      .map((pending) => pending.contentHash)
      .sort(),
    ["other", "same"],
  );
  writer.addEmbeddings([
    { contentHash: "same", vector: new Float32Array([1, 0, 0, 0]) },
    { contentHash: "other", vector: new Float32Array([0, 1, 0, 0]) },
  ]);
  assert.equal(writer.countPendingEmbeddings(), 0);
  const index = reader();
  const nearest = index.vector(new Float32Array([0.9, 0.1, 0, 0]), 10);
  assert.equal(nearest.length, 3, "both occurrences of the shared vector are returned");
  assert.ok(Math.abs(nearest[0]!.score - nearest[1]!.score) < 1e-6);
  writer.deleteFiles(["b.ts"]);
  assert.equal(writer.collectGarbage(), 1);
  assert.equal(reader().counts().embeddings, 1);
});

test("a new embedding model or dimension drops the old vectors", () => {
  const { writer, reader } = freshIndex();
  writer.ensureVectorSpace({ modelId: "m1", dimension: 2 });
  writer.replaceFile(file("a.ts"), [chunk("x()", "x")]);
  writer.addEmbeddings([{ contentHash: "x", vector: new Float32Array([1, 0]) }]);
  writer.ensureVectorSpace({ modelId: "m1", dimension: 2 });
  assert.equal(writer.countPendingEmbeddings(), 0, "the same model keeps its vectors");
  writer.ensureVectorSpace({ modelId: "m2", dimension: 3 });
  assert.equal(writer.countPendingEmbeddings(), 1);
  assert.deepEqual(reader().vectorSpace(), { modelId: "m2", dimension: 3 });
});

test("prefiltered vector search agrees with exact search and sees vectors added later", () => {
  const { writer, file: databaseFile } = freshIndex();
  const dimension = 64;
  writer.ensureVectorSpace({ modelId: "m", dimension });
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  const vectors = Array.from({ length: 400 }, () => Float32Array.from({ length: dimension }, random));
  const addRange = (from: number, to: number) => {
    for (let index = from; index < to; index++)
      writer.replaceFile(file(`f${index}.ts`), [chunk(`f${index}()`, `h${index}`)]);
    writer.addEmbeddings(
      vectors.slice(from, to).map((vector, offset) => ({ contentHash: `h${from + offset}`, vector })),
    );
  };
  addRange(0, 300);
  const index = new IndexReader(openIndexDatabase(databaseFile, { readonly: true }), {
    exactLimit: 0,
    oversample: 10,
    minimumCandidates: 100,
    maximumCandidates: 1_000,
    maximumFinalists: 100,
    finalists: 4,
  });
  const query = vectors[10]!;
  const exact = index.vector(query, 10, "exact").map((hit) => hit.chunkId);
  const prefiltered = index.vector(query, 10, "prefilter").map((hit) => hit.chunkId);
  assert.equal(prefiltered[0], exact[0], "the query's own vector is first");
  assert.ok(prefiltered.filter((id) => exact.includes(id)).length >= 8);
  addRange(300, 400);
  const late = vectors[350]!;
  assert.equal(index.vector(late, 1, "prefilter")[0]!.chunkId, index.vector(late, 1, "exact")[0]!.chunkId);
});

test("a damaged database file is moved aside and a fresh index starts", () => {
  const folder = mkdtempSync(path.join(tmpdir(), "hearth-store-"));
  const databaseFile = path.join(folder, "index.sqlite");
  writeFileSync(databaseFile, "this is not a database, just some bytes ".repeat(200));
  let moved = "";
  const database = openIndexDatabase(databaseFile, {
    readonly: false,
    onRecreated: (to) => {
      moved = to;
    },
  });
  assert.ok(moved && existsSync(moved), "the damaged file is kept for inspection");
  assert.equal(new IndexWriter(database).counts().files, 0);
  assert.equal(readdirSync(folder).filter((name) => name.includes("damaged")).length, 1);
});

test("a reader refuses a missing index or an unknown schema with a clear error", () => {
  assert.throws(
    () => openIndexDatabase("/nonexistent/folder/index.sqlite", { readonly: true }),
    (error: Error) => error instanceof IndexDatabaseError && /nonexistent/.test(error.message),
  );
  const { writerDatabase, file: databaseFile } = freshIndex();
  writerDatabase.pragma("user_version = 99");
  assert.throws(
    () => openIndexDatabase(databaseFile, { readonly: true }),
    /newer Hearth \(schema 99, this one reads \d+\)/,
  );
  assert.throws(() => openIndexDatabase(databaseFile, { readonly: false }), /newer Hearth/);
});
