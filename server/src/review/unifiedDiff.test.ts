/** Parsing `git diff` output (text as git 2.39 prints it) and the regions a review looks at on each side. */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  changedLineCount,
  changedOldRegions,
  changedRegions,
  DiffParseError,
  parseUnifiedDiff,
} from "./unifiedDiff";

const diff = `diff --git a/src/app.ts b/src/app.ts
index 3b18e51..a9c2f4d 100644
--- a/src/app.ts
+++ b/src/app.ts
@@ -3,0 +4,2 @@ import { load } from "./load";
+const limit = 10;
+const retries = 3;
@@ -10 +12 @@ export function run() {
-  if (count < limit) {
+  if (count <= limit) {
@@ -20,2 +21,0 @@ export function run() {
-  cleanup();
-  log("done");
diff --git a/docs/logo.png b/docs/logo.png
index 1111111..2222222 100644
Binary files a/docs/logo.png and b/docs/logo.png differ
diff --git a/new.py b/new.py
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/new.py
@@ -0,0 +1,2 @@
+def f(a, b):
+    return a - b
diff --git a/gone.js b/gone.js
deleted file mode 100644
index e69de29..0000000
--- a/gone.js
+++ /dev/null
@@ -1 +0,0 @@
-module.exports = 1;
\\ No newline at end of file
diff --git "a/caf\\303\\251 menu.py" "b/caf\\303\\251 menu.py"
index 1..2 100644
--- "a/caf\\303\\251 menu.py"
+++ "b/caf\\303\\251 menu.py"
@@ -1,3 +1,3 @@
 x = 1
-y = 2
+y = 3
 z = 4
`;

test("files, paths (quoted ones too), binary and added/deleted files", () => {
  const files = parseUnifiedDiff(diff);
  assert.deepEqual(
    files.map((file) => [file.oldPath, file.newPath, file.binary, file.hunks.length]),
    [
      ["src/app.ts", "src/app.ts", false, 3],
      ["docs/logo.png", "docs/logo.png", true, 0],
      [null, "new.py", false, 1],
      ["gone.js", null, false, 1],
      ["café menu.py", "café menu.py", false, 1],
    ],
  );
  assert.deepEqual(files[0]!.hunks[1], {
    oldStart: 10,
    oldLines: 1,
    newStart: 12,
    newLines: 1,
    lines: ["-  if (count < limit) {", "+  if (count <= limit) {"],
  });
  assert.equal(changedLineCount(files[0]!), 6);
});

test("new-side regions: added runs, changed lines, and the line where lines were deleted", () => {
  // "+21,0": two lines were deleted after new line 21
  const [app, , added, , menu] = parseUnifiedDiff(diff);
  assert.deepEqual(changedRegions(app!), [
    { startLine: 4, endLine: 5 },
    { startLine: 12, endLine: 12 },
    { startLine: 21, endLine: 21 },
  ]);
  assert.deepEqual(changedRegions(added!), [{ startLine: 1, endLine: 2 }]);
  assert.deepEqual(changedRegions(menu!), [{ startLine: 2, endLine: 2 }]);
});

test("old-side regions: deleted runs and the lines around an insertion", () => {
  const [app] = parseUnifiedDiff(diff);
  assert.deepEqual(changedOldRegions(app!), [
    { startLine: 3, endLine: 4 },
    { startLine: 10, endLine: 10 },
    { startLine: 20, endLine: 21 },
  ]);
});

test("a deletion in the middle of context marks the line that follows it", () => {
  const [file] = parseUnifiedDiff(
    "--- a/x.py\n+++ b/x.py\n@@ -1,4 +1,3 @@\n a = 1\n-if a:\n-    guard()\n+b = 2\n c = 3\n@@ -9,3 +8,2 @@\n d\n-e\n f\n",
  );
  assert.deepEqual(changedRegions(file!), [
    { startLine: 2, endLine: 2 },
    { startLine: 9, endLine: 9 },
  ]);
});

test("malformed diffs fail with a DiffParseError naming the line", () => {
  assert.throws(() => parseUnifiedDiff("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n?? what\n"), DiffParseError);
  assert.throws(() => parseUnifiedDiff("--- a/x\n+++ b/x\n@@ -x +1 @@\n"), /line 3: malformed hunk header/);
  assert.deepEqual(parseUnifiedDiff(""), []);
});
