/**
 * Table tests for the single- or multi-line decision (documents with a `$0` cursor), block openers, closing
 * lines, and the empty-body fact computed from syntax scopes.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCursor } from "./cursorMarker";
import {
  cursorLines,
  decideMultilineAt,
  emptyBlockBody,
  isClosingLine,
  type MultilineReason,
  opensBlock,
} from "./multiline";

const cases: [string, string, string, boolean, MultilineReason][] = [
  ["text right of the cursor", "typescript", "const x = foo($0bar);", false, "textAfterCursor"],
  [
    "only closers right of the cursor, mid-expression",
    "typescript",
    "const x = foo(a, $0);",
    false,
    "midLine",
  ],
  ["a line comment", "typescript", "// compute the $0", false, "inComment"],
  ["a trailing comment", "python", "x = 1  # the $0", false, "inComment"],
  ["inside a block comment", "c", "/*\n * Returns the $0", false, "inComment"],
  ["inside a string", "javascript", 'log("value: $0', false, "inString"],
  ["after a brace at the end of a line", "typescript", "function f() {$0", true, "opensBlock"],
  ["between braces the editor closed: a block header", "typescript", "if (ready) {$0}", true, "opensBlock"],
  ["between braces of an object literal", "typescript", "const o = {$0}", false, "closedOnLine"],
  ["between parentheses: arguments", "typescript", "call($0)", false, "closedOnLine"],
  ["an open parenthesis at the end of a line", "typescript", "call($0", true, "opensBlock"],
  ["an arrow at the end of a line", "typescript", "const f = () =>$0", true, "opensBlock"],
  ["a Python colon", "python", "def f(x):$0", true, "opensBlock"],
  ["a colon in TypeScript is not a block", "typescript", "const o = { a:$0", false, "midLine"],
  ["a C case label", "c", "  case 1:$0", true, "opensBlock"],
  ["Ruby do with block parameters", "ruby", "items.each do |item|$0", true, "opensBlock"],
  ["a Ruby def without an opener character", "ruby", "def total$0", true, "opensBlock"],
  ["a Ruby one-line def is complete", "ruby", "def total; 1; end$0", false, "midLine"],
  ["a Bash then", "bash", "if [ -f x ]; then$0", true, "opensBlock"],
  ["mid-statement", "python", "result = compute($0", true, "opensBlock"],
  ["mid-expression", "go", "total := a + $0", false, "midLine"],
  ["a blank line after a block opener", "typescript", "function f() {\n  $0\n}", true, "afterBlockOpener"],
  [
    "a blank line after a Python header, with blank lines between",
    "python",
    "def f():\n\n    $0",
    true,
    "afterBlockOpener",
  ],
  ["a blank line after a statement", "typescript", "  foo();\n  $0\n}", false, "blankLine"],
  [
    "a blank line after an opener with a trailing comment",
    "go",
    "func f() { // entry\n\t$0",
    true,
    "afterBlockOpener",
  ],
  ["an empty document", "typescript", "$0", false, "blankLine"],
];

for (const [name, language, marked, multiline, reason] of cases) {
  test(`${name} (${language}) → ${multiline ? "multi-line" : "single line"}`, () => {
    const { text, offset } = parseCursor(marked);
    assert.deepEqual(decideMultilineAt(text, offset, language), { multiline, reason });
  });
}

test("the syntax fact makes a blank line in an empty body multi-line when the text alone does not", () => {
  const { text, offset } = parseCursor("def total(\n    items,\n):\n    # todo\n    $0");
  assert.deepEqual(decideMultilineAt(text, offset, "python"), { multiline: false, reason: "blankLine" });
  assert.deepEqual(decideMultilineAt(text, offset, "python", { emptyBlockBody: true }), {
    multiline: true,
    reason: "emptyBlockBody",
  });
});

test("opensBlock ignores comments and knows each language's openers", () => {
  assert.equal(opensBlock("if (x) { // note"), true);
  assert.equal(opensBlock("x = 1 # ends with a colon:", "python"), false);
  assert.equal(opensBlock('print("{")', "python"), false);
  assert.equal(opensBlock("while true do", "lua"), true);
  assert.equal(opensBlock("local function f(a)", "lua"), true);
  assert.equal(opensBlock("return x;"), false);
  assert.equal(opensBlock(""), false);
});

test("closing lines", () => {
  for (const line of ["}", "  });", "]", "end", "  fi", "done", "})", "),"])
    assert.equal(isClosingLine(line), true, line);
  for (const line of ["} else {", "return", "endpoint()", "x"])
    assert.equal(isClosingLine(line), false, line);
});

test("cursorLines splits the cursor line and keeps the lines around it", () => {
  const { text, offset } = parseCursor("a\nb\ncd$0ef\ng\nh");
  assert.deepEqual(cursorLines(text, offset, 1), {
    linePrefix: "cd",
    lineSuffix: "ef",
    cursorLine: 2,
    previousLines: ["b"],
    nextLines: ["g"],
  });
  const blankStart = parseCursor("\n\n$0x\ny\n");
  assert.deepEqual(cursorLines(blankStart.text, blankStart.offset), {
    linePrefix: "",
    lineSuffix: "x",
    cursorLine: 2,
    previousLines: ["", ""],
    nextLines: ["y", ""],
  });
  assert.deepEqual(cursorLines("x", 0), {
    linePrefix: "",
    lineSuffix: "x",
    cursorLine: 0,
    previousLines: [],
    nextLines: [],
  });
});

test("emptyBlockBody: blank or closing lines only between the header and the end", () => {
  const lines = ["class A {", "  run(", "    a: number,", "  ) {", "    ", "  }", "}"];
  const scopes = [
    { nameLine: 0, endLine: 6 },
    { nameLine: 1, endLine: 5 },
  ];
  assert.equal(emptyBlockBody(scopes, lines, 4, "typescript"), true);
  const withBody = ["function f() {", "  ", "  return 1;", "}"];
  assert.equal(emptyBlockBody([{ nameLine: 0, endLine: 3 }], withBody, 1, "typescript"), false);
  assert.equal(emptyBlockBody([], lines, 4), false);
  assert.equal(emptyBlockBody(scopes, lines, 1), false, "the cursor on the header line");
  const python = ["def f(x):", "    ", "", "def g():"];
  assert.equal(emptyBlockBody([{ nameLine: 0, endLine: 1 }], python, 1, "python"), true);
  const commented = ["def total(", "    items,", "):", "    # todo", "    "];
  assert.equal(
    emptyBlockBody([{ nameLine: 0, endLine: 4 }], commented, 4, "python"),
    true,
    "a comment is no body",
  );
  const afterStatement = ["def f():", "    x = 1", "    "];
  assert.equal(emptyBlockBody([{ nameLine: 0, endLine: 2 }], afterStatement, 2, "python"), false);
});
