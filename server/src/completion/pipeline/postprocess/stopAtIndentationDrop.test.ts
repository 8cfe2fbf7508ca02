/** Tests for the stop rule that ends a multi-line completion where it leaves the cursor's block. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { stopAtIndentationDrop } from "./stopAtIndentationDrop";

test("stopAtIndentationDrop: the document already closes the block", () => {
  const context = at("function f() {\n  $0\n}", { multiline: true });
  assert.equal(stopAtIndentationDrop("return 1;\n}\n\nfunction g() {", context, true), 9);
});

test("stopAtIndentationDrop: a new block keeps its closing line and ends there", () => {
  const context = at("function f() {\n  $0", { multiline: true });
  assert.equal(stopAtIndentationDrop("return 1;\n}\nfunction g() {", context, true), 11);
  // While the closing line is still arriving nothing is decided.
  assert.equal(stopAtIndentationDrop("return 1;\n}", context, false), null);
  assert.equal(stopAtIndentationDrop("return 1;\n}\n", context, false), 11);
});

test("stopAtIndentationDrop: Python has no closing line, so a dedent ends the block", () => {
  const context = at("def f():\n    $0", { multiline: true, language: "python" });
  const completion = "x = 1\n    return x\n\ndef g():\n    pass";
  assert.equal(stopAtIndentationDrop(completion, context, true), 19);
  assert.equal(completion.slice(0, 19), "x = 1\n    return x\n");
});

test("stopAtIndentationDrop: the cursor line opened the block, so the body is deeper", () => {
  const context = at("if (ready) {$0", { multiline: true });
  assert.equal(stopAtIndentationDrop("\n  go();\n}\nnext();", context, true), 10);
  assert.equal(stopAtIndentationDrop("\n  go();\nnext();", context, true), 8);
});

test("stopAtIndentationDrop does nothing in single-line mode", () => {
  assert.equal(stopAtIndentationDrop("a\nb", at("  x = $0"), true), null);
});
