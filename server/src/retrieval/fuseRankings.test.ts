/** Tests for reciprocal rank fusion, the recency boost and the per-file cap. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultFusionConfig, fuseRankings } from "./fuseRankings";

const now = Date.UTC(2026, 0, 31);
const old = Date.UTC(2020, 0, 1);
const facts =
  (paths: Record<number, string>, mtimes: Record<number, number> = {}) =>
  (id: number) =>
    paths[id] === undefined ? undefined : { path: paths[id]!, fileMtimeMs: mtimes[id] ?? old };

test("a chunk found by two retrievers outranks one found first by a single retriever", () => {
  const hits = fuseRankings(
    [
      { retriever: "lexical", chunkIds: [1, 2, 3] },
      { retriever: "vector", chunkIds: [4, 2, 5] },
    ],
    facts({ 1: "a", 2: "b", 3: "c", 4: "d", 5: "e" }),
    { ...defaultFusionConfig, recencyBoost: 0 },
    now,
  );
  assert.equal(hits[0]!.chunkId, 2);
  assert.deepEqual(hits[0]!.retrievers, ["lexical", "vector"]);
  assert.ok(Math.abs(hits[0]!.score - 2 / 62) < 1e-12);
  assert.deepEqual(
    hits.map((hit) => hit.chunkId),
    [2, 1, 4, 3, 5],
  );
});

test("recency breaks ties toward recently modified files", () => {
  const hits = fuseRankings(
    [
      { retriever: "lexical", chunkIds: [1] },
      { retriever: "vector", chunkIds: [2] },
    ],
    facts({ 1: "old.ts", 2: "new.ts" }, { 2: now - 3_600_000 }),
    defaultFusionConfig,
    now,
  );
  assert.deepEqual(
    hits.map((hit) => hit.chunkId),
    [2, 1],
  );
});

test("no file contributes more than perFileCap hits, and the limit holds", () => {
  const hits = fuseRankings(
    [{ retriever: "lexical", chunkIds: [1, 2, 3, 4, 5] }],
    facts({ 1: "same", 2: "same", 3: "same", 4: "other", 5: "third" }),
    { ...defaultFusionConfig, perFileCap: 2, limit: 3 },
    now,
  );
  assert.deepEqual(
    hits.map((hit) => hit.chunkId),
    [1, 2, 4],
  );
});

test("chunks that vanished from the index are dropped", () => {
  const hits = fuseRankings(
    [{ retriever: "symbol", chunkIds: [9, 1] }],
    facts({ 1: "a" }),
    defaultFusionConfig,
    now,
  );
  assert.deepEqual(
    hits.map((hit) => hit.chunkId),
    [1],
  );
});
