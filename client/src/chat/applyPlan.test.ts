/** Tests for locating a chat code block's target file and the part of it the block replaces. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  appendPlan,
  applyPlanToText,
  codeBlockTarget,
  insertionText,
  planEdit,
  wholeFilePlan,
} from "./applyPlan";

const geometry = readFileSync("test/fixtures/workspace/pkg/geometry.py", "utf8");
const stack = readFileSync("test/fixtures/workspace/src/stack.ts", "utf8");

const applied = (file: string, code: string, options = {}) => {
  const plan = planEdit(file, code, options);
  assert.ok(plan, "expected a plan");
  return { plan, text: applyPlanToText(file, plan) };
};

test("the target file comes from the info string, a title attribute or a first-line comment", () => {
  assert.deepEqual(codeBlockTarget("python pkg/geometry.py", "x = 1"), {
    path: "pkg/geometry.py",
    code: "x = 1",
  });
  assert.deepEqual(codeBlockTarget("pkg/geometry.py", "x"), { path: "pkg/geometry.py", code: "x" });
  assert.deepEqual(codeBlockTarget("ts:src/stack.ts", "x"), { path: "src/stack.ts", code: "x" });
  assert.deepEqual(codeBlockTarget('python title="pkg/geometry.py"', "x"), {
    path: "pkg/geometry.py",
    code: "x",
  });
  assert.deepEqual(codeBlockTarget("python pkg/geometry.py:18-20", "x"), {
    path: "pkg/geometry.py",
    lines: { start: 18, end: 20 },
    code: "x",
  });
  assert.deepEqual(codeBlockTarget("python", "# pkg/geometry.py\ndef f():\n    pass"), {
    path: "pkg/geometry.py",
    code: "def f():\n    pass",
  });
  assert.deepEqual(codeBlockTarget("ts", "// file: src/stack.ts\nconst a = 1;"), {
    path: "src/stack.ts",
    code: "const a = 1;",
  });
});

test("languages, URLs and ordinary comments are not taken for paths", () => {
  for (const info of ["python", "c++", "objective-c", "js", "https://example.com/a.js", ""]) {
    assert.equal(codeBlockTarget(info, "x = 1").path, undefined, info);
  }
  assert.deepEqual(codeBlockTarget("python", "# compute the area\nx = 1"), {
    code: "# compute the area\nx = 1",
  });
});

test("a changed function replaces that function, found by its unchanged first line", () => {
  const code = [
    "def distance(a: Point, b: Point) -> float:",
    '    """Euclidean distance between two points."""',
    "    return math.dist((a.x, a.y), (b.x, b.y))",
  ].join("\n");
  const { plan, text } = applied(geometry, code);
  assert.equal(plan.kind, "region");
  assert.match(plan.description, /^lines 18–20 \(def distance/);
  assert.ok(text.includes("    return math.dist((a.x, a.y), (b.x, b.y))\n\n\ndef centroid"));
  assert.ok(!text.includes("math.hypot"));
  assert.equal(text.split("\n").length, geometry.split("\n").length);
});

test("a changed signature is found by the declaration's name", () => {
  const code = "def distance(a, b):\n    return math.hypot(a.x - b.x, a.y - b.y)\n";
  const { plan, text } = applied(geometry, code);
  assert.match(plan.description, /lines 18–20/);
  assert.ok(
    text.includes("def distance(a, b):\n    return math.hypot(a.x - b.x, a.y - b.y)\n\n\ndef centroid"),
  );
});

test("a method written without its class is re-indented into the class", () => {
  const code =
    "def translate(self, dx: float, dy: float) -> Point:\n    return Point(self.x + dx, self.y + dy * 1.0)";
  const { text } = applied(geometry, code);
  assert.ok(
    text.includes(
      "    def translate(self, dx: float, dy: float) -> Point:\n        return Point(self.x + dx, self.y + dy * 1.0)\n",
    ),
  );
  assert.ok(text.includes("class Point:\n    x: float"));
});

test("a brace-language method takes its closing brace with it", () => {
  const code = "pop(): T | undefined {\n  const item = this.items.pop();\n  return item;\n}";
  const { plan, text } = applied(stack, code);
  assert.match(plan.description, /lines 9–11/);
  assert.ok(
    text.includes(
      "  pop(): T | undefined {\n    const item = this.items.pop();\n    return item;\n  }\n\n  peek()",
    ),
  );
});

test("a block that repeats most of the file replaces the whole file", () => {
  const code = `${geometry.replace("math.hypot", "math.dist")}\n\ndef origin() -> Point:\n    return Point(0, 0)\n`;
  const { plan, text } = applied(geometry, code);
  assert.equal(plan.kind, "whole");
  assert.ok(text.endsWith("    return Point(0, 0)\n"));
});

test("a new function matches nothing; append and whole-file plans are the fallbacks", () => {
  const code =
    "def midpoint(a: Point, b: Point) -> Point:\n    return Point((a.x + b.x) / 2, (a.y + b.y) / 2)";
  assert.equal(planEdit(geometry, code), undefined);
  const appended = applyPlanToText(geometry, appendPlan(geometry, code));
  assert.ok(appended.startsWith(geometry.trimEnd()));
  assert.ok(appended.endsWith(`\n\n${code}\n`));
  assert.equal(applyPlanToText("", wholeFilePlan("", code)), `${code}\n`);
});

test("a line range named in the fence is used when no line matches", () => {
  const code = "print('hello')";
  const plan = planEdit(geometry, code, { lineHint: { start: 5, end: 5 } });
  assert.ok(plan);
  assert.equal(applyPlanToText(geometry, plan).split("\n")[4], "print('hello')");
});

test("a selection of whole lines is replaced, the block re-indented to it", () => {
  const start = geometry.indexOf("    if not points:");
  const end = geometry.indexOf("    n = len(points)");
  const code = "if len(points) == 0:\n    raise ValueError('empty')\n";
  const plan = planEdit(geometry, code, { selection: { start, end } });
  assert.ok(plan);
  assert.equal(plan.kind, "selection");
  const text = applyPlanToText(geometry, plan);
  assert.ok(
    text.includes("    if len(points) == 0:\n        raise ValueError('empty')\n    n = len(points)"),
  );
});

test("CRLF files keep their line endings", () => {
  const file = geometry.replace(/\n/g, "\r\n");
  const { text } = applied(file, "def distance(a, b):\n    return 0.0");
  assert.ok(text.includes("def distance(a, b):\r\n    return 0.0\r\n\r\n\r\ndef centroid"));
  assert.ok(!/[^\r]\n/.test(text));
});

test("a block that leaves code out is flagged", () => {
  const code = "def centroid(points: list[Point]) -> Point:\n    # ...\n    return Point(0, 0)";
  const plan = planEdit(geometry, code);
  assert.ok(plan);
  assert.equal(plan.warnings.length, 1);
  assert.match(plan.warnings[0]!, /leaves code out/);
  assert.deepEqual(planEdit(geometry, "def distance(a, b):\n    return 1")?.warnings, []);
});

test("Insert drops the trailing newline and indents later lines like the cursor's line", () => {
  const code = "if x:\n    y = 1\n";
  assert.equal(insertionText(code, ""), "if x:\n    y = 1");
  assert.equal(insertionText(code, "        "), "if x:\n            y = 1");
  assert.equal(insertionText(code, "total = "), "if x:\n    y = 1");
  assert.equal(insertionText("\n\n", "  "), "");
});
