/** Tests for the clean-up rule that drops an ending the cursor line already has. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { removeDuplicatedSuffix } from "./removeDuplicatedSuffix";

test("removeDuplicatedSuffix removes an ending the line already has when that balances the line", () => {
  assert.equal(removeDuplicatedSuffix("x)", at("foo($0)")), "x");
  assert.equal(removeDuplicatedSuffix("bar(x)", at("foo($0)")), "bar(x)");
  assert.equal(removeDuplicatedSuffix("x", at("foo($0)")), "x");
  assert.equal(removeDuplicatedSuffix("1;", at("x = $0;")), "1");
  assert.equal(removeDuplicatedSuffix("a)", at("foo($0);")), "a");
  assert.equal(removeDuplicatedSuffix('hi")', at('log("$0")')), "hi");
  assert.equal(removeDuplicatedSuffix("a > b) {", at("if ($0) {")), "a > b");
  assert.equal(
    removeDuplicatedSuffix("\n  return 1;\n}", at("function f() {$0}", { multiline: true })),
    "\n  return 1;\n",
  );
  assert.equal(removeDuplicatedSuffix("x)", at("foo($0")), "x)", "nothing follows the cursor");
});
