/** Tests for the stop rule that ends a completion where it reaches text the document already has. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { stopAtDocumentText } from "./stopAtDocumentText";

test("stopAtDocumentText: reaching the rest of the cursor line", () => {
  assert.equal(stopAtDocumentText("x, y)", at("f($0, y)"), false), 1);
  assert.equal(stopAtDocumentText("a);", at("bar($0);"), false), 1);
  // Not inside the completion's own call or string.
  assert.equal(stopAtDocumentText("foo(a);", at("bar($0);"), false), null);
  assert.equal(stopAtDocumentText('"x, y)", y)', at("f($0, y)"), false), 7);
  // A lone closer is the bracket rule's business.
  assert.equal(stopAtDocumentText("x)", at("f($0)"), false), null);
  // Only on the cursor line.
  assert.equal(stopAtDocumentText("x\n, y)", at("f($0, y)", { multiline: true }), false), null);
});

test("stopAtDocumentText: a completion line equal to the next line of the document", () => {
  const python = at("def f(items):\n    $0\n    return total", { multiline: true, language: "python" });
  assert.equal(stopAtDocumentText("total = sum(items)\n    return total", python, true), 18);
  assert.equal(stopAtDocumentText("total = sum(items)\n    return total", python, false), null);
  const blank = at("x = 1\n$0\ny = 2", { multiline: true });
  assert.equal(stopAtDocumentText("y = 2", blank, true), 0);
  // Long lines match whatever their indentation; short ones such as `}` must match exactly.
  const tabs = at("function f() {\n\t$0\n    return computeTotal(items)\n}", { multiline: true });
  assert.equal(stopAtDocumentText("x();\n\treturn computeTotal(items)\n", tabs, false), 4);
  const nested = at("function f() {\n  $0\n}", { multiline: true });
  assert.equal(stopAtDocumentText("if (a) {\n    b();\n  }\n", nested, false), null);
});
