/** Tests for following a region of a document through edits, and for edit similarity. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { editSimilarity } from "../../../server/src/base/editSimilarity";
import { type OffsetEdit, TrackedRegion } from "./trackedRegion";

/** Applies an edit to a text the way the editor does, so tests can check the region against real text. */
function applyEdit(text: string, edit: OffsetEdit): string {
  return text.slice(0, edit.offset) + edit.text + text.slice(edit.offset + edit.length);
}

function follow(text: string, regionText: string, edits: OffsetEdit[]): { text: string; region: string } {
  const start = text.indexOf(regionText);
  const region = new TrackedRegion(start, start + regionText.length);
  let current = text;
  for (const edit of edits) {
    region.apply(edit);
    current = applyEdit(current, edit);
  }
  return { text: current, region: region.textIn(current) };
}

const documentText =
  "import os\n\ndef total(items):\n    return sum(item.price for item in items)\n\nprint(total([]))\n";
const accepted = "return sum(item.price for item in items)";

test("a line inserted above moves the region down", () => {
  const result = follow(documentText, accepted, [{ offset: 0, length: 0, text: "import sys\n" }]);
  assert.equal(result.region, accepted);
});

test("many edits above (insertions, deletions, replacements) keep the region on its text", () => {
  const result = follow(documentText, accepted, [
    { offset: 0, length: 0, text: "# header\n# more\n" }, // insert two lines at the top
    { offset: 16, length: 0, text: "from x import y\n" }, // insert between
    { offset: 0, length: 9, text: "" }, // delete the first line's text
    { offset: 20, length: 5, text: "REPLACED-LONGER-TEXT" }, // replace above the region
  ]);
  assert.equal(result.region, accepted);
  assert.equal(editSimilarity(accepted, result.region), 1);
});

test("edits below and typing right after the region leave it alone", () => {
  const start = documentText.indexOf(accepted);
  const end = start + accepted.length;
  const result = follow(documentText, accepted, [
    { offset: documentText.length, length: 0, text: "# tail\n" },
    { offset: end, length: 0, text: "  # comment" }, // typed right after the accepted text
  ]);
  assert.equal(result.region, accepted);
});

test("typing right before the region (at its start) is outside it", () => {
  const start = documentText.indexOf(accepted);
  const result = follow(documentText, accepted, [{ offset: start, length: 0, text: "x = 1; " }]);
  assert.equal(result.region, accepted);
});

test("an edit inside the region changes its text and lowers the similarity", () => {
  const start = documentText.indexOf(accepted);
  const inside = start + "return sum(".length;
  const result = follow(documentText, accepted, [
    { offset: inside, length: "item.price".length, text: "item.cost" },
  ]);
  assert.equal(result.region, "return sum(item.cost for item in items)");
  const similarity = editSimilarity(accepted, result.region);
  assert.ok(similarity > 0.8 && similarity < 1, `similarity ${similarity}`);
});

test("an edit inside the region after edits above it still lands inside", () => {
  const start = documentText.indexOf(accepted);
  const result = follow(documentText, accepted, [
    { offset: 0, length: 0, text: "import sys\nimport re\n" },
    { offset: start + 21 + accepted.length - 1, length: 0, text: " if item" }, // before the closing parenthesis
  ]);
  assert.equal(result.region, "return sum(item.price for item in items if item)");
});

test("an edit straddling the region's start keeps the rest and counts the replacement", () => {
  const start = documentText.indexOf(accepted);
  const result = follow(documentText, accepted, [{ offset: start - 4, length: 4 + 7, text: "yield" }]);
  assert.equal(result.region, "yieldsum(item.price for item in items)");
});

test("deleting the whole region leaves it empty: similarity 0", () => {
  const start = documentText.indexOf(accepted);
  const result = follow(documentText, accepted, [
    { offset: start - 4, length: accepted.length + 10, text: "" },
  ]);
  assert.equal(result.region, "");
  assert.equal(editSimilarity(accepted, result.region), 0);
});

test("replacing a block that contains the region takes the new text as the region", () => {
  const start = documentText.indexOf("def total");
  const end = documentText.indexOf("\n\nprint");
  const result = follow(documentText, accepted, [
    { offset: start, length: end - start, text: "total = sum" },
  ]);
  assert.equal(result.region, "total = sum");
  assert.ok(editSimilarity(accepted, result.region) < 0.3);
});

test("extend grows the region for a continued accept", () => {
  const region = new TrackedRegion(5, 8);
  region.extend(4);
  assert.deepEqual([region.start, region.end], [5, 12]);
});
