/** Tests for the retrieval metrics. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { ndcgAt, recallAt, reciprocalRank, summarize } from "./retrievalMetrics";

test("recall@k counts a query as found when a relevant hit is in the top k", () => {
  const judgement = { ranked: [false, false, false, false, false, true], relevantCount: 1 };
  assert.equal(recallAt(judgement, 5), 0);
  assert.equal(recallAt(judgement, 10), 1);
});

test("reciprocal rank is 1/rank of the first relevant hit within k", () => {
  assert.equal(reciprocalRank({ ranked: [false, true, true], relevantCount: 2 }), 0.5);
  assert.equal(reciprocalRank({ ranked: [false, false], relevantCount: 1 }), 0);
  assert.equal(reciprocalRank({ ranked: [...Array(10).fill(false), true], relevantCount: 1 }), 0);
});

test("nDCG@k normalises by the ideal ranking of the relevant items that exist", () => {
  assert.equal(ndcgAt({ ranked: [true], relevantCount: 1 }, 10), 1);
  assert.ok(Math.abs(ndcgAt({ ranked: [false, true], relevantCount: 1 }, 10) - 1 / Math.log2(3)) < 1e-12);
  const twoRelevantOneFound = ndcgAt({ ranked: [true, false], relevantCount: 2 }, 10);
  assert.ok(Math.abs(twoRelevantOneFound - 1 / (1 + 1 / Math.log2(3))) < 1e-12);
  assert.equal(ndcgAt({ ranked: [false], relevantCount: 0 }, 10), 0);
});

test("summarize averages each metric over queries", () => {
  const scores = summarize([
    { ranked: [true], relevantCount: 1 },
    { ranked: [false, false, false, false, false, false, true], relevantCount: 1 },
  ]);
  assert.deepEqual(scores, {
    queries: 2,
    recallAt5: 0.5,
    recallAt10: 1,
    mrr: Math.round(((1 + 1 / 7) / 2) * 1000) / 1000,
    ndcgAt10: scores.ndcgAt10,
  });
  assert.ok(Math.abs(scores.ndcgAt10 - (1 + 1 / Math.log2(8)) / 2) < 1e-3);
});
