/** Tests for the clean-up rule that fits indentation to the cursor line and the document. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { normalizeIndentation } from "./normalizeIndentation";

test("normalizeIndentation: no second indentation, no double space, the document's tabs or spaces", () => {
  assert.equal(normalizeIndentation("    return 1", at("function f() {\n    $0\n}")), "return 1");
  assert.equal(normalizeIndentation("    return 1", at("function f() {\n$0\n}")), "    return 1");
  assert.equal(normalizeIndentation(" 1", at("x = $0")), "1");
  assert.equal(normalizeIndentation(" 1", at("x =$0")), " 1");
  const tabs = at("function f() {\n\tfoo();\n\t$0\n}");
  assert.equal(
    normalizeIndentation("bar();\n    baz();\n        deeper();", tabs),
    "bar();\n\tbaz();\n\t\tdeeper();",
  );
  const spaces = at("def f():\n    x = 1\n    $0", { language: "python" });
  assert.equal(normalizeIndentation("y = 2\n\tz = 3", spaces), "y = 2\n    z = 3");
});
