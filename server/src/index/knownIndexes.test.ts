// Known indexes on disk: pointers written by index writers, databases found in the cache without one, and
// what is left out (deleted databases, unreadable pointers).

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { listKnownIndexes, recordKnownIndex } from "./knownIndexes";

const cache = mkdtempSync(path.join(tmpdir(), "hearth-known-"));
after(() => rmSync(cache, { recursive: true, force: true }));

test("an index kept outside the cache (an editor's storage folder) is listed through its pointer", () => {
  const storage = path.join(cache, "editor-storage");
  mkdirSync(storage, { recursive: true });
  const database = path.join(storage, "repo-1234.sqlite");
  writeFileSync(database, "");
  recordKnownIndex("/work/repo", database, cache);
  assert.deepEqual(listKnownIndexes(cache), [{ root: "/work/repo", databasePath: database }]);

  const pointers = path.join(cache, "index", "known");
  const [pointer] = readdirSync(pointers);
  const written = statSync(path.join(pointers, pointer!)).mtimeMs;
  recordKnownIndex("/work/repo", database, cache);
  assert.equal(
    statSync(path.join(pointers, pointer!)).mtimeMs,
    written,
    "an unchanged pointer is not rewritten",
  );
});

test("a database in the cache's index folder is listed without a pointer; deleted ones and bad pointers are not", () => {
  const old = path.join(cache, "index", "old-abcdef.sqlite");
  writeFileSync(old, "");
  const gone = path.join(cache, "gone.sqlite");
  recordKnownIndex("/work/gone", gone, cache);
  writeFileSync(path.join(cache, "index", "known", "broken.json"), "{not json");
  const listed = listKnownIndexes(cache).map((entry) => [entry.root, path.basename(entry.databasePath)]);
  assert.deepEqual(
    new Map(listed.map(([root, name]) => [name, root])),
    new Map([
      ["repo-1234.sqlite", "/work/repo"],
      ["old-abcdef.sqlite", null],
    ]),
  );
});

test("recording an index drops the pointers of databases that are gone", () => {
  const kept = path.join(cache, "kept.sqlite");
  writeFileSync(kept, "");
  const removed = path.join(cache, "removed.sqlite");
  writeFileSync(removed, "");
  recordKnownIndex("/work/removed", removed, cache);
  rmSync(removed);
  recordKnownIndex("/work/kept", kept, cache);
  const folder = path.join(cache, "index", "known");
  const pointers = readdirSync(folder).map((name) => readFileSync(path.join(folder, name), "utf8"));
  assert.ok(pointers.some((pointer) => pointer.includes("kept.sqlite")));
  assert.ok(!pointers.some((pointer) => pointer.includes("removed.sqlite")));
});
