/** Tests for the filter context: open brackets and whether the completion may close them, lines, indentation. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { completeLines, cutBefore, filterContextAt } from "./filterContext";

const at = (marked: string, language = "typescript") =>
  filterContextAt(marked, { multiline: true, language });

test("open brackets of the prefix, and none closable when the suffix closes the innermost", () => {
  const inCall = at("class A {\n  run() {\n    call(a, $0)\n  }\n}");
  assert.deepEqual(inCall.prefixScan.open, ["{", "{", "("]);
  assert.equal(inCall.closableBrackets, 0);
  const unfinished = at("class A {\n  run() {\n    call(a, $0");
  assert.equal(unfinished.closableBrackets, 3);
  const afterStatement = at("function f() {\n  foo();\n  $0\n  bar();\n}");
  assert.deepEqual(afterStatement.prefixScan.open, ["{"]);
  assert.equal(afterStatement.closableBrackets, 0);
  assert.equal(at("x = 1\n$0").closableBrackets, 0);
});

test("brackets in strings and comments are not counted, and the lexer state reaches the cursor", () => {
  const context = at('f("(", /* ( */ [ // (\n  $0', "typescript");
  assert.deepEqual(context.prefixScan.open, ["(", "["]);
  assert.equal(context.prefixScan.state.mode, "code");
  const inString = at('log("abc $0');
  assert.equal(inString.prefixScan.state.mode, "string");
  assert.equal(inString.prefixScan.state.quote, '"');
});

test("the cursor line, the lines around it, and the document's indentation", () => {
  const context = at("if x:\n\ty = 1\n\tz = $02\nw = 3", "python");
  assert.equal(context.linePrefix, "\tz = ");
  assert.equal(context.lineSuffix, "2");
  assert.deepEqual(context.previousLines, ["if x:", "\ty = 1"]);
  assert.deepEqual(context.nextLines, ["w = 3"]);
  assert.equal(context.indentStyle.unit, "\t");
  assert.equal(at("a {\n    b {\n        c\n    }\n}$0").indentStyle.unit, "    ");
});

test("completeLines holds back the line still arriving until the text is final", () => {
  assert.deepEqual(
    completeLines("ab\ncd\nef", false).map((line) => [line.index, line.start, line.end, line.text]),
    [
      [0, 0, 2, "ab"],
      [1, 3, 5, "cd"],
    ],
  );
  assert.equal(completeLines("ab\ncd\nef", true).length, 3);
  assert.equal(completeLines("ab\n", true).at(-1)!.text, "");
  const [first, second] = completeLines("ab\ncd", true);
  assert.equal(cutBefore(first!), 0);
  assert.equal(cutBefore(second!), 2);
});
