/** Tests for indentation widths, indent style detection and re-indenting. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { detectIndentStyle, indentText, indentWidth, leadingWhitespace, lineStartOf } from "./indentation";

test("indentation width counts a tab as tabSize columns", () => {
  assert.equal(indentWidth("\t  x"), 6);
  assert.equal(indentWidth("\tx", 8), 8);
  assert.equal(indentWidth("x"), 0);
  assert.equal(leadingWhitespace(" \t x "), " \t ");
});

test("indent style: tabs by majority, else the most common step", () => {
  assert.deepEqual(detectIndentStyle(["a", "\tb", "\t\tc", "  d"]), { unit: "\t", tabSize: 4 });
  assert.deepEqual(detectIndentStyle(["a", "    b", "        c", "    d", "e", "    f"]), {
    unit: "    ",
    tabSize: 4,
  });
  assert.deepEqual(detectIndentStyle(["a", "  b", "    c"]), { unit: "  ", tabSize: 4 });
  assert.deepEqual(detectIndentStyle([]), { unit: "  ", tabSize: 4 });
});

test("indentText writes a width in the style", () => {
  assert.equal(indentText(10, { unit: "\t", tabSize: 4 }), "\t\t  ");
  assert.equal(indentText(3, { unit: "  ", tabSize: 4 }), "   ");
});

test("lineStartOf, at the start of a text that begins with a newline too", () => {
  assert.equal(lineStartOf("\nabc", 0), 0);
  assert.equal(lineStartOf("\nabc", 1), 1);
  assert.equal(lineStartOf("\nabc", 3), 1);
  assert.equal(lineStartOf("ab\ncd", 2), 0);
  assert.equal(lineStartOf("ab\ncd", 3), 3);
});
