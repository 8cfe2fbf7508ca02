/**
 * An index session meeting a damaged database in the middle of its work (real SQLite, real tree-sitter):
 * the file is moved aside, a full pass fills a new one, and the caller is told once.
 */

import assert from "node:assert/strict";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { Logger } from "../base/logger";
import { type IndexRebuiltNotice, IndexSession } from "./indexSession";
import { defaultIndexConfig } from "./indexSettings";

function workspace(files: number): string {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-session-"));
  mkdirSync(path.join(root, "src"));
  for (let index = 0; index < files; index++) {
    writeFileSync(
      path.join(root, "src", `m${index}.py`),
      `def function_${index}(x):\n    return x + ${index}\n`,
    );
  }
  return root;
}

/** Checkpoints the WAL, then overwrites every page of one table with a filler byte. */
function damageTable(file: string, table: string): void {
  const database = new BetterSqlite3(file);
  database.pragma("wal_checkpoint(TRUNCATE)");
  const pageSize = database.pragma("page_size", { simple: true }) as number;
  const pages = database.prepare("select pageno from dbstat where name = ?").pluck().all(table) as number[];
  database.close();
  const descriptor = openSync(file, "r+");
  for (const page of pages)
    writeSync(descriptor, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  closeSync(descriptor);
}

function session(root: string, databasePath: string, notices: IndexRebuiltNotice[] = []) {
  return new IndexSession({
    root,
    databasePath,
    config: defaultIndexConfig,
    embedder: undefined,
    logger: new Logger("error"),
    onRebuilt: (notice) => notices.push(notice),
  });
}

for (const job of ["a full pass", "an update"] as const) {
  test(`damage met in the middle of ${job} rebuilds the index from the workspace and says so once`, async () => {
    const root = workspace(40);
    const databasePath = path.join(mkdtempSync(path.join(tmpdir(), "hearth-session-db-")), "index.sqlite");
    const holder = session(root, databasePath);
    await holder.runFullPass();
    // The holder keeps the file marked as open by a live writer, so nothing checks it when the next session
    // opens it: the damage shows in the middle of the job, as under a running index host.
    damageTable(databasePath, "files");
    const notices: IndexRebuiltNotice[] = [];
    const damaged = session(root, databasePath, notices);
    const changedFiles =
      job === "a full pass"
        ? (await damaged.runFullPass()).changedFiles
        : (await damaged.updateFiles(["src/m1.py"])).changedFiles;
    assert.equal(changedFiles, 40, "every file was indexed again into the new file");
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.reason, /malformed/);
    assert.deepEqual(damaged.totals(), { files: 40, chunks: 40, embeddedChunks: 0 });
    assert.ok(
      readdirSync(path.dirname(databasePath)).some((name) => name === path.basename(notices[0]!.movedTo)),
    );
    damaged.close();
    holder.close();
  });
}

test("an index whose chunks were made another way (another token limit here) is chunked again on the next full pass", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-session-"));
  const body = Array.from({ length: 12 }, (_, index) => `def f${index}(x):\n    return x * ${index}\n`).join(
    "\n",
  );
  writeFileSync(path.join(root, "a.py"), body);
  writeFileSync(path.join(root, "b.py"), body.replaceAll("def f", "def g"));
  const databasePath = path.join(mkdtempSync(path.join(tmpdir(), "hearth-session-db-")), "index.sqlite");
  const open = (chunkTokens: number) =>
    new IndexSession({
      root,
      databasePath,
      config: { ...defaultIndexConfig, chunkTokens },
      embedder: undefined,
      logger: new Logger("error"),
    });
  const wide = open(384);
  await wide.runFullPass();
  const wideChunks = wide.totals().chunks;
  wide.close();

  const narrow = open(16);
  assert.equal((await narrow.runFullPass()).changedFiles, 2, "unchanged files were chunked again");
  assert.ok(narrow.totals().chunks > wideChunks, `${narrow.totals().chunks} chunks, ${wideChunks} before`);
  assert.equal(
    (await narrow.runFullPass()).changedFiles,
    0,
    "once stamped, unchanged files are skipped again",
  );
  narrow.close();
});
