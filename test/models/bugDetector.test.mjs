// Checks Hearth's learned bug detector (native-models/hearth-bugs.bin) against native-models/manifest.json:
// file integrity (sha256, size) and the header's agreement with the manifest (kinds, thresholds, margins,
// parameter count). The golden scores are checked by server/src/review/bugDetector.test.ts (TypeScript
// inference). Run: node --test test/models/
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const manifestPath = process.env.HEARTH_MODELS_MANIFEST ?? path.join(root, "native-models", "manifest.json");
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
const entry = manifest.models.bugs;
const file = path.join(path.dirname(manifestPath), entry.file);

test("bugs: file matches manifest sha256 and size", () => {
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.length, entry.bytes);
  assert.equal(createHash("sha256").update(bytes).digest("hex"), entry.sha256);
});

test("bugs: header agrees with the manifest and stays small", () => {
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.subarray(0, 8).toString("latin1"), "HRTHBUG1");
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString("utf8"));
  assert.deepEqual(Object.keys(header.kinds), entry.kinds);
  for (const kind of entry.kinds) {
    assert.equal(header.kinds[kind].threshold, entry.thresholds[kind].threshold);
    assert.equal(header.kinds[kind].margin, entry.thresholds[kind].margin);
  }
  const parameters = header.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(parameters, entry.parameters);
  assert.equal(bytes.length, 12 + headerLength + parameters * 4);
  assert.ok(bytes.length < 4 * 1024 * 1024, "a few MB at most");
});
