/** Tests for the shared numeric helpers. */

import assert from "node:assert/strict";
import test from "node:test";
import { median, percentile, ratio, round } from "./numbers";

test("median of odd and even counts, and of nothing", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), 0);
});

test("nearest-rank percentile, rounded", () => {
  const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10.123];
  assert.equal(percentile(values, 0.5), 5);
  assert.equal(percentile(values, 0.9), 9);
  assert.equal(percentile(values, 1), 10.12);
  assert.equal(percentile(values, 1, 0), 10);
  assert.equal(percentile([], 0.5), null);
});

test("round and ratio", () => {
  assert.equal(round(1.23456), 1.23);
  assert.equal(round(1.23456, 3), 1.235);
  assert.equal(ratio(1, 3), 0.3333);
  assert.equal(ratio(1, 0), null);
});
