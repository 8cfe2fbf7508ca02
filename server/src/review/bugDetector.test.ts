/**
 * The shipped detector file: TypeScript inference reproduces the scores torch computed at training time for
 * held-out rows (`manifest.models.bugs.golden`), and damaged files fail with a clear `BugDetectorFormatError`.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { BugDetector, BugDetectorFormatError } from "./bugDetector";
import { bugKinds } from "./candidateSites";
import { loadBugDetector } from "./loadBugDetector";

interface Golden {
  kind: (typeof bugKinds)[number];
  ids: number[][];
  numbers: number[];
  score: number;
}

const manifest = JSON.parse(readFileSync("native-models/manifest.json", "utf8"));
const bytes = readFileSync(`native-models/${manifest.models.bugs.file}`);

test("inference reproduces the training-time scores of held-out rows", () => {
  const detector = BugDetector.fromBytes(bytes);
  const golden: Golden[] = manifest.models.bugs.golden;
  assert.deepEqual([...new Set(golden.map((row) => row.kind))].sort(), [...bugKinds].sort());
  for (const row of golden) {
    const score = detector.scoreIds(row.kind, row.ids, row.numbers);
    assert.ok(Math.abs(score - row.score) < 1e-5, `${row.kind}: ${score} vs torch ${row.score}`);
  }
  for (const kind of bugKinds) {
    assert.equal(detector.threshold(kind), manifest.models.bugs.thresholds[kind].threshold);
    assert.equal(detector.margin(kind), manifest.models.bugs.thresholds[kind].margin);
  }
});

test("the shipped file is found next to Hearth's code", () => {
  const detector = loadBugDetector();
  assert.equal(detector.buckets, manifest.models.bugs.training.buckets);
});

test("damaged files are refused with a reason", () => {
  const copy = () => new Uint8Array(bytes);
  assert.throws(() => BugDetector.fromBytes(new Uint8Array(4)), BugDetectorFormatError);
  const wrongMagic = copy();
  wrongMagic[0] = 0;
  assert.throws(() => BugDetector.fromBytes(wrongMagic), /no HRTHBUG1 signature/);
  assert.throws(() => BugDetector.fromBytes(copy().subarray(0, bytes.length - 8)), /runs past the end/);
  const longer = new Uint8Array(bytes.length + 4);
  longer.set(bytes);
  assert.throws(() => BugDetector.fromBytes(longer), /4 bytes after the last tensor/);
  const badHeader = copy();
  badHeader[13] = "!".charCodeAt(0);
  assert.throws(() => BugDetector.fromBytes(badHeader), /header is not JSON/);
  assert.throws(() => loadBugDetector("/nonexistent/hearth-bugs.bin"), /cannot read the bug detector/);
});
