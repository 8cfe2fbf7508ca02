/** Tests for the clean-up rule that trims trailing whitespace. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { trimTrailingWhitespace } from "./trimTrailingWhitespace";

test("trimTrailingWhitespace trims, and puts what follows the cursor on its own line after a block", () => {
  assert.equal(trimTrailingWhitespace("1  \n\n", at("x = $0")), "1");
  assert.equal(trimTrailingWhitespace("a  ", at("foo($0)")), "a  ");
  assert.equal(trimTrailingWhitespace("\n  return 1;\n\n", at("function f() {$0}")), "\n  return 1;\n");
  assert.equal(trimTrailingWhitespace("\n    go();", at("  if (x) {$0}")), "\n    go();\n  ");
  assert.equal(
    trimTrailingWhitespace("a,\n  b", at("foo($0)")),
    "a,\n  b",
    "no newline the model did not write",
  );
});
