/**
 * The workspace index through the real server over stdio: indexing at startup in the index host, progress,
 * hearth/search, re-indexing after a save, and recovery when the indexer is killed mid-pass.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import type { HearthStatus, SearchResult } from "../../server/src/protocol";
import { searchRequest, statusRequest } from "../../server/src/protocol";
import { cliPath, type StdioServer, startStdioServer } from "./stdioServer";

function copyWorkspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-ws-"));
  cpSync("test/fixtures/workspace", root, { recursive: true });
  return root;
}

async function waitForIndex(
  server: StdioServer,
  predicate: (status: HearthStatus) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await server.connection.sendRequest(statusRequest.type);
    if (predicate(status)) return status;
    if (Date.now() > deadline) throw new Error(`index not ready: ${JSON.stringify(status.indexes)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("the server indexes its workspace in the background, reports progress, and answers hearth/search", async () => {
  const root = copyWorkspace();
  const storage = mkdtempSync(path.join(tmpdir(), "hearth-storage-"));
  const server = startStdioServer();
  const progressTitles: string[] = [];
  server.connection.onRequest("window/workDoneProgress/create", () => null);
  server.connection.onNotification("$/progress", (params: { value: { kind: string; title?: string } }) => {
    if (params.value.kind === "begin") progressTitles.push(params.value.title ?? "");
  });
  try {
    await server.initialize(root, {
      initializationOptions: { storagePath: storage, settings: { models: { embedding: "none" } } },
      capabilities: { window: { workDoneProgress: true } },
    });
    const status = await waitForIndex(server, (current) => current.indexes[0]?.state === "idle");
    const index = status.indexes[0]!;
    assert.equal(index.root, root);
    assert.ok(
      index.databasePath.startsWith(storage),
      "the index lives in the editor's storage, not the repo",
    );
    assert.ok(index.files >= 5 && index.chunks >= index.files, JSON.stringify(index));
    assert.deepEqual(
      readdirSync(root).filter((name) => name.endsWith(".sqlite")),
      [],
    );
    assert.ok(
      progressTitles.some((title) => title.includes("indexing")),
      `progress: ${progressTitles}`,
    );

    const result = await server.connection.sendRequest(searchRequest.type, {
      query: "euclidean distance",
    });
    assert.equal(result.hits[0]?.path, "pkg/geometry.py");
    assert.equal(result.hits[0]?.uri, pathToFileURL(path.join(root, "pkg/geometry.py")).href);
    assert.ok(result.hits[0]?.retrievers.includes("lexical"));
  } finally {
    await server.stop();
  }
});

test("a saved file is re-indexed: its new symbols become searchable", async () => {
  const root = copyWorkspace();
  const server = startStdioServer();
  try {
    await server.initialize(root, {
      initializationOptions: {
        storagePath: mkdtempSync(path.join(tmpdir(), "hearth-storage-")),
        settings: { models: { embedding: "none" } },
      },
    });
    await waitForIndex(server, (current) => current.indexes[0]?.state === "idle");
    const file = path.join(root, "pkg", "shapes.py");
    writeFileSync(file, "def rhombusAreaFromDiagonals(p, q):\n    return p * q / 2\n");
    const uri = pathToFileURL(file).href;
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: "" },
    });
    await server.connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
    const deadline = Date.now() + 20_000;
    let hits: SearchResult["hits"] = [];
    while (Date.now() < deadline) {
      hits = (await server.connection.sendRequest(searchRequest.type, { query: "rhombusAreaFromDiagonals" }))
        .hits;
      if (hits.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(hits[0]?.path, "pkg/shapes.py");
    assert.ok(hits[0]?.retrievers.includes("symbol"));
  } finally {
    await server.stop();
  }
});

test("an indexer killed mid-pass leaves a consistent database, and the next pass finishes the job", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-big-"));
  for (let folder = 0; folder < 40; folder++) {
    mkdirSync(path.join(root, `pkg${folder}`));
    for (let file = 0; file < 25; file++) {
      const functions = Array.from(
        { length: 12 },
        (_, index) =>
          `def handler_${folder}_${file}_${index}(value):\n    return value * ${index} + ${file}\n`,
      );
      writeFileSync(path.join(root, `pkg${folder}`, `module${file}.py`), functions.join("\n"));
    }
  }
  const databasePath = path.join(mkdtempSync(path.join(tmpdir(), "hearth-db-")), "index.sqlite");
  const indexer = spawn(process.execPath, [cliPath, "index", root, "--db", databasePath, "--no-vectors"], {
    stdio: "ignore",
  });
  // Kill it once some files are in, well before the 1,000 files are done.
  const deadline = Date.now() + 30_000;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    let files = 0;
    try {
      const database = new Database(databasePath, { readonly: true });
      files = (database.prepare("select count(*) as count from files").get() as { count: number }).count;
      database.close();
    } catch {}
    if (files >= 50 || Date.now() > deadline) break;
  }
  indexer.kill("SIGKILL");
  await new Promise((resolve) => indexer.on("exit", resolve));

  const database = new Database(databasePath, { readonly: true });
  assert.equal(database.pragma("integrity_check", { simple: true }), "ok");
  const files = (database.prepare("select count(*) as count from files").get() as { count: number }).count;
  assert.ok(files > 0 && files < 1000, `the kill landed mid-pass (${files} files written)`);
  const chunklessFiles = database
    .prepare("select count(*) as count from files where id not in (select file_id from chunks)")
    .get() as { count: number };
  assert.equal(chunklessFiles.count, 0, "every written file has all its chunks");
  const chunks = (database.prepare("select count(*) as count from chunks").get() as { count: number }).count;
  assert.equal(chunks, files * 12, "each file's 12 functions are all there");
  database.close();

  const resumed = spawnSync(
    process.execPath,
    [cliPath, "index", root, "--db", databasePath, "--json", "--no-vectors"],
    {
      encoding: "utf8",
    },
  );
  assert.equal(resumed.status, 0, resumed.stderr);
  const report = JSON.parse(resumed.stdout) as { files: number; changedFiles: number; chunks: number };
  assert.equal(report.files, 1000);
  assert.equal(report.changedFiles, 1000 - files, "files written before the kill are not redone");
  assert.equal(report.chunks, 12_000);
});
