/** Tests for the stop rule that ends a single-line completion at its first newline. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { stopAtFirstNewline } from "./stopAtFirstNewline";

test("stopAtFirstNewline ends a single line and leaves multi-line mode alone", () => {
  assert.equal(stopAtFirstNewline("a + b;\nnext()", at("x = $0"), false), 6);
  assert.equal(stopAtFirstNewline("\nx", at("x = $0"), false), 0);
  assert.equal(stopAtFirstNewline("a + b;", at("x = $0"), false), null);
  assert.equal(stopAtFirstNewline("a;\nb;", at("{\n$0", { multiline: true }), false), null);
});
