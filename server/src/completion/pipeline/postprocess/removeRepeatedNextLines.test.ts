/** Tests for the clean-up rule that drops lines the document already has next. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { removeRepeatedNextLines } from "./removeRepeatedNextLines";

test("removeRepeatedNextLines drops a tail the document already has, or the whole suggestion", () => {
  const context = at("x = 1\n$0\ny = 2\n\nz = 3", { multiline: true });
  assert.equal(removeRepeatedNextLines("w = 0\ny = 2\nz = 3", context), "w = 0");
  assert.equal(removeRepeatedNextLines("w = 0\ny = 2", context), "w = 0");
  assert.equal(removeRepeatedNextLines("y = 2", context), null);
  assert.equal(removeRepeatedNextLines("y = 2\n\nz = 3", context), null);
  assert.equal(removeRepeatedNextLines("w = 0\nz = 3", context), "w = 0\nz = 3", "not the next line");
});

test("removeRepeatedNextLines counts the cursor line as written and compares short lines with indentation", () => {
  assert.equal(removeRepeatedNextLines("1;", at("const a = $0\nconst b = 2;")), "1;");
  assert.equal(removeRepeatedNextLines("2;", at("const b = $0\nconst b = 2;")), null);
  const nested = at("function f() {\n  $0\n}", { multiline: true });
  assert.equal(removeRepeatedNextLines("if (a) {\n    b();\n  }", nested), "if (a) {\n    b();\n  }");
  assert.equal(removeRepeatedNextLines("b();\n}", nested), "b();");
});
