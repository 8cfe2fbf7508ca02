/** Tests for the stop rule that cuts before a closing bracket the completion may not write. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { stopAtUnbalancedBracket } from "./stopAtUnbalancedBracket";

test("stopAtUnbalancedBracket: the suffix already closes the prefix's bracket", () => {
  assert.equal(stopAtUnbalancedBracket("b)", at("foo(a, $0)"), false), 1);
  assert.equal(stopAtUnbalancedBracket("bar(b)", at("foo(a, $0)"), false), null);
});

test("stopAtUnbalancedBracket: at the end of a file the completion may close what the prefix opened", () => {
  assert.equal(stopAtUnbalancedBracket("b)", at("foo(a, $0"), false), null);
  assert.equal(stopAtUnbalancedBracket("b))", at("foo(a, $0"), false), 2);
  const body = at("function f() {\n  $0", { multiline: true });
  assert.equal(stopAtUnbalancedBracket("return 1;\n}\nfoo()", body, false), null);
});

test("stopAtUnbalancedBracket: a function body above its closing brace may not close it", () => {
  const body = at("function f() {\n  $0\n}", { multiline: true });
  assert.equal(stopAtUnbalancedBracket("return 1;\n}", body, false), 10);
  const method = at("class A {\n  run() {\n    $0\n  }\n}", { multiline: true });
  assert.equal(stopAtUnbalancedBracket("go();\n  }\n}", method, false), 8);
});

test("stopAtUnbalancedBracket: the completion's own brackets must match", () => {
  assert.equal(stopAtUnbalancedBracket("bar(1, [2])", at("x = $0"), false), null);
  assert.equal(stopAtUnbalancedBracket("bar(1])", at("x = $0"), false), 5);
});

test("stopAtUnbalancedBracket ignores brackets in strings and comments, starting in the prefix's string", () => {
  assert.equal(stopAtUnbalancedBracket("')' + (a) // )", at("x = $0"), false), null);
  assert.equal(stopAtUnbalancedBracket("b) c", at('log("a $0")'), false), null);
  assert.equal(stopAtUnbalancedBracket('b")', at('log("a $0")'), false), 2);
  // In Rust `'` starts a lifetime, not a string.
  const rust = at("fn f<'a>(x: &'a str) -> &'a str {\n    $0\n}", { multiline: true, language: "rust" });
  assert.equal(stopAtUnbalancedBracket("x\n}", rust, false), 2);
});
