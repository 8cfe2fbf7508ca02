/** Tests for identifier tokens, the cursor query window and the sliding-window Jaccard picker. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCursor } from "./cursorMarker";
import { cursorQueryWindow, identifierTokens, similarWindows } from "./similarWindows";

test("identifier tokens: lower-cased, two characters or more, no stop words", () => {
  assert.deepEqual(identifierTokens("const fooBar = baz_qux(x, y1) // $el"), [
    "foobar",
    "baz_qux",
    "y1",
    "$el",
  ]);
});

test("the query window is the last lines up to the cursor, the cursor line counted", () => {
  const { text, offset } = parseCursor("a\nb\nc\nd$0\ne");
  assert.equal(cursorQueryWindow(text, offset, 2), "c\nd");
  const atLineStart = parseCursor("a\nb\n$0");
  assert.equal(cursorQueryWindow(atLineStart.text, atLineStart.offset, 2), "b\n");
  assert.equal(cursorQueryWindow(text, offset, 10), "a\nb\nc\nd");
  assert.equal(cursorQueryWindow("\nx", 2, 5), "\nx");
});

const users = [
  "import fs", //                   {fs}
  "function load(path) {", //       {load, path}
  "  return fs.read(path)", //      {fs, read, path}
  "}", //                           {}
  "function getUser(id) {", //      {getuser, id}
  "  return db.user(id).name", //   {db, user, id, name}
  "}",
].join("\n");

test("the best window shares the most identifiers with the query; overlapping windows are not repeated", () => {
  // Query {user, name, getuser, id}. Windows of 3 lines: 3-5 and 4-6 score 4 / (4 + 5 - 4) = 0.8, 2-4 scores
  // 2 / 7; the rest share nothing. 4-6 overlaps 3-5 and 2-4 overlaps it too, so one window comes back.
  const windows = similarWindows("user.name = getUser(id)", [{ path: "users.ts", text: users }], {
    windowLines: 3,
    maxPerDocument: 2,
    minScore: 0.1,
  });
  assert.deepEqual(windows, [
    {
      path: "users.ts",
      startLine: 3,
      endLine: 5,
      text: "}\nfunction getUser(id) {\n  return db.user(id).name",
      score: 0.8,
    },
  ]);
});

test("windows from several documents come best first, within the limit and above the minimum score", () => {
  const documents = [
    { path: "a.ts", text: "alpha beta\ngamma\nunrelated" },
    { path: "b.ts", text: "alpha beta gamma delta" },
    { path: "c.ts", text: "nothing here" },
  ];
  const windows = similarWindows("alpha beta gamma delta", documents, {
    windowLines: 2,
    limit: 2,
    minScore: 0.1,
  });
  assert.deepEqual(
    windows.map((window) => [window.path, window.startLine, window.endLine, window.score]),
    [
      ["b.ts", 0, 0, 1],
      ["a.ts", 0, 1, 0.75],
    ],
  );
});

test("a second window from the same document must not overlap the first", () => {
  const text = ["alpha beta", "x1", "x2", "x3", "alpha gamma"].join("\n");
  const windows = similarWindows("alpha beta gamma", [{ path: "d.ts", text }], {
    windowLines: 2,
    maxPerDocument: 2,
    minScore: 0.1,
  });
  assert.deepEqual(
    windows.map((window) => [window.startLine, window.endLine, window.score]),
    [
      [0, 1, 2 / 4],
      [3, 4, 2 / 4],
    ],
  );
});

test("a query without identifiers matches nothing", () => {
  assert.deepEqual(similarWindows("} ) ;", [{ path: "a.ts", text: "alpha" }]), []);
});
