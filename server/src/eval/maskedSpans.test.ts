/** Tests for the completion eval's masked spans and similarity. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { editSimilarity } from "../base/editSimilarity";
import { seededRandom } from "../base/numbers";
import { normalizeWhitespace, pickMaskedSpans } from "./maskedSpans";

const file = {
  path: "shapes.py",
  text: [
    "import math",
    "",
    "def area(radius):",
    "    squared = radius * radius",
    "    return math.pi * squared",
    "",
    "def perimeter(radius):",
    "    return 2 * math.pi * radius",
    "",
  ].join("\n"),
};

test("every span is cut out of the file exactly, with the cursor where it was", () => {
  const spans = pickMaskedSpans([file], seededRandom(3), { spansPerFile: 3, maxBlockLines: 8 });
  assert.ok(spans.length >= 2);
  for (const span of spans) {
    assert.equal(
      span.maskedText.slice(0, span.offset) + span.expected + span.maskedText.slice(span.offset),
      file.text,
    );
    assert.ok(span.expected.trim().length > 0);
    if (span.kind !== "block") assert.ok(!span.expected.includes("\n"), `${span.kind}: ${span.expected}`);
  }
});

test("a block span is the body after an opener, stopping before the dedent", () => {
  const functions = Array.from(
    { length: 12 },
    (_, index) => `def scale${index}(value):\n    doubled = value * ${index}\n    return doubled + 1\n`,
  );
  const many = { path: "many.py", text: functions.join("\n") };
  const spans = pickMaskedSpans([many], seededRandom(5), { spansPerFile: 12, maxBlockLines: 8 });
  const blocks = spans.filter((span) => span.kind === "block");
  assert.ok(blocks.length > 0);
  for (const block of blocks)
    assert.match(block.expected, /^doubled = value \* \d+\n {4}return doubled \+ 1$/);
});

test("edit similarity ignores whitespace differences and scores edits", () => {
  assert.equal(normalizeWhitespace("  a\n\t b  "), "a b");
  assert.equal(editSimilarity(normalizeWhitespace("return  x"), normalizeWhitespace("return x")), 1);
  assert.equal(editSimilarity("abcd", "abce"), 0.75);
  assert.equal(editSimilarity("", "abc"), 0);
  assert.equal(editSimilarity("", ""), 1);
});
