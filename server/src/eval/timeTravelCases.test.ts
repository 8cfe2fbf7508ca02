/** Tests for reading a commit's added lines, the cases hidden from them, and how completions are scored. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { commonPrefixLength, identifierF1, scoreCompletion } from "./completionScores";
import { parseAddedHunks } from "./gitHistory";
import { timeTravelCases } from "./timeTravelCases";

const diff = `diff --git a/shapes.py b/shapes.py
index 1111111..2222222 100644
--- a/shapes.py
+++ b/shapes.py
@@ -3,0 +4,4 @@ def area(width, height):
+def circle(radius):
+    """Area of a circle."""
+    return 3.14 * radius * radius
+
@@ -10 +14 @@ def perimeter(width, height):
-    return width + height
+    return 2 * (width + height)
diff --git a/old.py b/old.py
deleted file mode 100644
--- a/old.py
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
diff --git "a/na\\303\\257ve.py" "b/na\\303\\257ve.py"
--- "a/na\\303\\257ve.py"
+++ "b/na\\303\\257ve.py"
@@ -0,0 +1 @@
+print("hi")
`;

test("added hunks per file from a zero-context diff: new line numbers, deletions ignored, quoted paths", () => {
  assert.deepEqual(parseAddedHunks(diff), [
    {
      path: "shapes.py",
      hunks: [
        {
          startLine: 3,
          lines: [
            "def circle(radius):",
            '    """Area of a circle."""',
            "    return 3.14 * radius * radius",
            "",
          ],
        },
        { startLine: 13, lines: ["    return 2 * (width + height)"] },
      ],
    },
    { path: "naïve.py", hunks: [{ startLine: 0, lines: ['print("hi")'] }] },
  ]);
});

const file = [
  "def area(width, height):",
  "    return width * height",
  "",
  "def circle(radius):",
  '    """Area of a circle."""',
  "    return 3.14 * radius * radius",
  "",
  "",
  "",
  "",
  "",
  "",
  "",
  "def perimeter(width, height):",
  "    return 2 * (width + height)",
  "",
].join("\n");

test("cases: a whole hunk from its indentation, a line, a rest of line; the document lacks only the span", () => {
  const [shapes] = parseAddedHunks(diff);
  const cases = timeTravelCases("c0ffee", [{ path: "shapes.py", text: file, hunks: shapes!.hunks }]);
  assert.ok(cases.length > 0);
  for (const item of cases) {
    assert.equal(
      item.maskedText.slice(0, item.offset) + item.expected + item.maskedText.slice(item.offset),
      file,
    );
    assert.equal(item.commit, "c0ffee");
    assert.match(item.key, /^c0ffee:shapes\.py:\d+:(hunk|line|restOfLine)$/);
  }
  const hunk = cases.find((item) => item.kind === "hunk");
  assert.equal(
    hunk?.expected,
    'def circle(radius):\n    """Area of a circle."""\n    return 3.14 * radius * radius',
  );
  for (const item of cases.filter((candidate) => candidate.kind !== "hunk")) {
    assert.ok(!item.expected.includes("\n"), `${item.kind} is one line`);
  }
  const again = timeTravelCases("c0ffee", [{ path: "shapes.py", text: file, hunks: shapes!.hunks }]);
  assert.deepEqual(again, cases, "the same commit gives the same cases");
});

test("scores: first line for one-line cases, identifiers, accepted characters from the start", () => {
  const line = scoreCompletion("return width * height\n    # more", "return width * height", false);
  assert.equal(line.exact, true);
  assert.equal(line.similarity, 1);
  assert.equal(line.acceptedChars, "return width * height".length);
  assert.equal(line.wholeMatch, false, "the whole suggestion has more than the author wrote");
  const wrong = scoreCompletion("return height * width", "return width * height", false);
  assert.equal(wrong.exact, false);
  assert.equal(wrong.identifierF1, 1, "the right names in another order");
  assert.equal(wrong.acceptedChars, "return ".length);
  assert.equal(scoreCompletion("", "x = 1", false).acceptedChars, 0);
  assert.equal(scoreCompletion("x = 1  \n", "x = 1", true).wholeMatch, true);
  assert.equal(commonPrefixLength("abcd", "abxd"), 2);
  assert.equal(identifierF1("foo(bar)", "foo(baz)"), 0.5);
  assert.equal(identifierF1("1 + 2", "3"), 1, "no identifiers on either side");
});
