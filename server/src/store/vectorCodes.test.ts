/** Tests for sign codes and the Hamming scan. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { nearestByHamming, normalize, popCount, signCode } from "./vectorCodes";

test("popCount counts set bits of 32-bit words, including the sign bit", () => {
  assert.equal(popCount(0), 0);
  assert.equal(popCount(0b1011), 3);
  assert.equal(popCount(-1), 32);
  assert.equal(popCount(1 << 31), 1);
});

test("signCode sets one bit per positive component", () => {
  const code = signCode(new Float32Array([1, -1, 0.5, 0, ...new Array(32).fill(1)]));
  assert.equal(code.length, 2);
  assert.equal(code[0]! & 0b1111, 0b0101);
  assert.equal(popCount(code[1]!), 4);
});

test("nearestByHamming returns the closest codes first-come within ties", () => {
  const words = 1;
  const codes = new Int32Array([0b1111, 0b0000, 0b0111, 0b0001, 0b1110]);
  assert.deepEqual(nearestByHamming(codes, words, new Int32Array([0b0111]), 2), [2, 0]);
  // Distances to 0: [4, 0, 3, 1, 3]; of the two at distance 3, the earlier entry wins.
  assert.deepEqual(nearestByHamming(codes, words, new Int32Array([0b0000]), 3), [1, 3, 2]);
});

test("normalize gives unit length and leaves a zero vector finite", () => {
  const unit = normalize(new Float32Array([3, 4]));
  assert.ok(Math.abs(unit[0]! - 0.6) < 1e-6 && Math.abs(unit[1]! - 0.8) < 1e-6);
  assert.deepEqual([...normalize(new Float32Array([0, 0]))], [0, 0]);
});
