/** Tests for the shared edit similarity. */

import assert from "node:assert/strict";
import test from "node:test";
import { editSimilarity, levenshtein } from "./editSimilarity";

test("edit similarity: bounds and symmetry", () => {
  assert.equal(editSimilarity("", ""), 1);
  assert.equal(editSimilarity("abc", ""), 0);
  assert.equal(editSimilarity("abc", "abc"), 1);
  assert.equal(editSimilarity("kitten", "sitting"), 1 - 3 / 7);
  assert.equal(editSimilarity("sitting", "kitten"), editSimilarity("kitten", "sitting"));
  assert.equal(levenshtein("flaw", "lawn"), 2);
});

test("edit similarity of huge texts stays cheap and bounded", () => {
  const big = "x".repeat(200_000);
  const started = performance.now();
  const similarity = editSimilarity("abc", big, 10_000);
  assert.ok(similarity <= 3 / 200_000 + 1e-9);
  assert.ok(performance.now() - started < 200);
});
