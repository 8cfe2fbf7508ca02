/**
 * The language server under faults, through the real `hearth serve --stdio`: an index damaged under it, an
 * index host killed in the middle of its first pass, a storm of saves, file events for paths the crawl
 * would never read, and a damaged feedback database. Each recovers without restarting the server, and `hearth/status` says what happened.
 */

import assert from "node:assert/strict";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import type { IndexStatus, SearchResult } from "../../server/src/protocol";
import {
  feedbackDatabaseFileName,
  feedbackStatsRequest,
  searchRequest,
  statusRequest,
} from "../../server/src/protocol";
import { type StdioServer, startStdioServer } from "./stdioServer";
import { generatedWorkspace, overwriteMiddle, seededFeedbackDatabase } from "./workspaces";

const lexicalOnly = { models: { embedding: "none" } };

async function startIndexed(root: string, settings: object = lexicalOnly) {
  const server = startStdioServer();
  await server.initialize(root, {
    initializationOptions: { storagePath: mkdtempSync(path.join(tmpdir(), "hearth-storage-")), settings },
  });
  return server;
}

async function indexStatus(server: StdioServer): Promise<IndexStatus> {
  const status = await server.connection.sendRequest(statusRequest.type);
  return status.indexes[0]!;
}

async function waitFor(
  server: StdioServer,
  predicate: (index: IndexStatus) => boolean,
  what: string,
  timeoutMs = 90_000,
  pollMs = 200,
): Promise<IndexStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const index = await indexStatus(server);
    if (index && predicate(index)) return index;
    if (Date.now() > deadline) throw new Error(`${what}: not reached; last status ${JSON.stringify(index)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Idle with nothing waiting (older servers lack the counters; they count as nothing waiting). */
const settled = (index: IndexStatus) =>
  index.state === "idle" && (index.queuedFiles ?? 0) === 0 && (index.updatingFiles ?? 0) === 0;

async function search(server: StdioServer, query: string): Promise<SearchResult["hits"]> {
  return (await server.connection.sendRequest(searchRequest.type, { query, mode: "lexical" })).hits;
}

/** The pid of the server's index host child, found through /proc. */
function indexHostPid(serverPid: number): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent !== serverPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("index-host")) return Number(entry);
    } catch {}
  }
  return undefined;
}

test("an index damaged in the middle under a running server: status keeps answering, search recovers without a restart (issue 16 #1)", async () => {
  const root = generatedWorkspace(200, 12);
  const server = await startIndexed(root);
  try {
    const before = await waitFor(server, settled, "first pass");
    assert.equal(before.files, 200);
    // The damage: the WAL checkpointed into the file, then 256 KiB of random bytes in its middle.
    const database = new Database(before.databasePath);
    database.pragma("wal_checkpoint(TRUNCATE)");
    database.close();
    overwriteMiddle(before.databasePath, 256 * 1024, 16);

    // Searches walk the damaged file until one meets a damaged page; status must answer all along.
    let recovered: IndexStatus | undefined;
    const deadline = Date.now() + 120_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const file = (attempt * 7) % 200;
      await search(server, `handler_${file}_${attempt % 12}`);
      const index = await indexStatus(server);
      if (index.lastRecovery && settled(index)) {
        recovered = index;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(recovered, "the damage was found and repaired while the server kept running");
    assert.match(recovered.lastRecovery!.message, /damaged.*kept it as .*\.damaged-\d+ and rebuilt it/);
    assert.equal(recovered.files, 200);
    assert.equal(recovered.chunks, 200 * 12);
    const hits = await search(server, "handler_123_4");
    assert.equal(hits[0]?.path, "pkg12/module3.py");
    const rebuilt = new Database(before.databasePath, { readonly: true });
    assert.equal(rebuilt.pragma("integrity_check", { simple: true }), "ok");
    rebuilt.close();
    assert.equal(
      server
        .stderr()
        .split("\n")
        .filter((line) => /kept it as/.test(line)).length,
      1,
      "the user is told once",
    );
  } finally {
    await server.stop();
  }
});

test("an index host killed in its first pass is restarted, the pass resumes, and status shows the recovery (issue 16 #3)", async () => {
  // Large enough that a lexical-only first pass takes seconds even on a fast machine (600 files took 1.75 s).
  const fileCount = 4000;
  const root = generatedWorkspace(fileCount, 12);
  const server = await startIndexed(root);
  try {
    const midPass = await waitFor(
      server,
      (index) => index.state === "indexing" && index.files > 0,
      "the first pass under way",
      90_000,
      20,
    );
    const host = indexHostPid(server.process.pid!);
    assert.ok(host, "the index host is a child of the server");
    process.kill(host, "SIGKILL");
    assert.ok(midPass.files < fileCount, `killed mid-pass (${midPass.files} of ${fileCount} files written)`);

    const done = await waitFor(
      server,
      (index) => settled(index) && index.files === fileCount,
      "the resumed pass",
    );
    assert.equal(done.chunks, fileCount * 12);
    assert.doesNotMatch(done.error ?? "", /index host/, "no error left from the crash");
    assert.match(done.lastRecovery?.message ?? "", /index host exited \(SIGKILL\).*resumed the pass/);
    assert.notEqual(indexHostPid(server.process.pid!), host, "a new index host runs");
    assert.equal((await search(server, "handler_3999_11"))[0]?.path, "pkg399/module9.py");
  } finally {
    await server.stop();
  }
});

test("a storm of saves: status shows the queue, counts add up, and updates land while the saves keep coming (issue 16 #10)", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-storm-"));
  cpSync("test/fixtures/workspace", root, { recursive: true });
  // With vectors (Hearth's tiny embedding model): the embedded count is part of what must add up.
  const server = await startIndexed(root, {});
  try {
    await waitFor(server, settled, "first pass");
    const file = path.join(root, "pkg", "storm.py");
    const uri = pathToFileURL(file).href;
    writeFileSync(file, "");
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: "" },
    });
    const statuses: IndexStatus[] = [];
    let stormOver = false;
    let foundEarlyWhileStorming = false;
    const watcher = (async () => {
      while (!stormOver) {
        statuses.push(await indexStatus(server));
        if (!foundEarlyWhileStorming && (await search(server, "storm_step_3")).length > 0) {
          foundEarlyWhileStorming = !stormOver;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    for (let save = 0; save < 50; save++) {
      const functions = Array.from(
        { length: save + 1 },
        (_, step) => `def storm_step_${step}(value):\n    return value + ${step}\n`,
      );
      writeFileSync(file, functions.join("\n"));
      await server.connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stormOver = true;
    await watcher;

    assert.ok(
      statuses.some((index) => index.state === "indexing" && index.queuedFiles + index.updatingFiles > 0),
      `status showed the queue: ${JSON.stringify(statuses.map((index) => [index.state, index.queuedFiles, index.updatingFiles]))}`,
    );
    for (const index of statuses) {
      assert.ok(
        index.embeddedChunks <= index.chunks,
        `embedded ${index.embeddedChunks} of ${index.chunks} chunks`,
      );
    }
    assert.ok(
      foundEarlyWhileStorming,
      "an early save was indexed while saves kept coming, not after the storm",
    );

    const after = await waitFor(
      server,
      (index) => settled(index) && index.embeddedChunks === index.chunks,
      "caught up",
    );
    const database = new Database(after.databasePath, { readonly: true });
    const count = (sql: string) => database.prepare(sql).pluck().get() as number;
    assert.equal(after.files, count("select count(*) from files"));
    assert.equal(after.chunks, count("select count(*) from chunks"));
    assert.equal(
      after.embeddedChunks,
      count(
        "select count(*) from chunks c where exists (select 1 from embeddings e where e.content_hash = c.content_hash)",
      ),
    );
    database.close();
    assert.equal((await search(server, "storm_step_49"))[0]?.path, "pkg/storm.py");
  } finally {
    await server.stop();
  }
});

test("watcher and save events apply the crawl's rules: nothing through a symlinked folder, ignored or secret is indexed (issue 16 #8)", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-links-"));
  cpSync("test/fixtures/workspace", root, { recursive: true });
  const outside = mkdtempSync(path.join(tmpdir(), "hearth-outside-"));
  writeFileSync(
    path.join(outside, "app.py"),
    'def outside_only_function():\n    return "sk-live-0123456789"\n',
  );
  symlinkSync(outside, path.join(root, "outside"));
  symlinkSync(path.join(root, "pkg"), path.join(root, "pkg-link"));
  writeFileSync(path.join(root, ".gitignore"), "generated/\n");
  mkdirSync(path.join(root, "generated"));
  writeFileSync(path.join(root, "generated", "app.py"), "def outside_only_function():\n    return 3\n");
  writeFileSync(path.join(root, ".env.py"), "def secret_env_function():\n    return 1\n");
  const server = await startIndexed(root);
  try {
    await waitFor(server, settled, "first pass");
    writeFileSync(path.join(root, "pkg", "fresh.py"), "def fresh_event_function():\n    return 2\n");
    const events = ["outside/app.py", "pkg-link/geometry.py", "generated/app.py", ".env.py", "pkg/fresh.py"];
    await server.connection.sendNotification("workspace/didChangeWatchedFiles", {
      changes: events.map((relative) => ({ uri: pathToFileURL(path.join(root, relative)).href, type: 2 })),
    });
    const saved = pathToFileURL(path.join(root, "outside", "app.py")).href;
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: saved, languageId: "python", version: 1, text: "" },
    });
    await server.connection.sendNotification("textDocument/didSave", { textDocument: { uri: saved } });

    // The fresh file shows the events were handled; the rest must not have been read.
    const deadline = Date.now() + 30_000;
    while ((await search(server, "fresh_event_function")).length === 0) {
      assert.ok(Date.now() < deadline, "the event for pkg/fresh.py was indexed");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitFor(server, settled, "events handled");
    // Lexical search ranks chunks holding any of a query's words, so a hit is judged by its text, not by its
    // presence: no indexed chunk may hold the definitions only the excluded files have.
    for (const name of ["outside_only_function", "secret_env_function"]) {
      const holding = (await search(server, name)).filter((hit) => hit.text.includes(name));
      assert.deepEqual(holding, [], `${name} is in no indexed chunk`);
    }
    const geometry = await search(server, "euclidean distance");
    assert.deepEqual(
      [...new Set(geometry.map((hit) => hit.path))].filter((hitPath) => hitPath.startsWith("pkg-link")),
      [],
    );
  } finally {
    await server.stop();
  }
});

test("a damaged feedback database is kept aside and its readable events carried over when the server starts (issue 16 #1)", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-feedback-ws-"));
  cpSync("test/fixtures/workspace", root, { recursive: true });
  const storagePath = mkdtempSync(path.join(tmpdir(), "hearth-storage-"));
  const databasePath = path.join(storagePath, feedbackDatabaseFileName);
  seededFeedbackDatabase(databasePath, 3000);
  overwriteMiddle(databasePath, 256 * 1024, 23);
  const server = startStdioServer();
  try {
    await server.initialize(root, { initializationOptions: { storagePath, settings: lexicalOnly } });
    const stats = (await server.connection.sendRequest(feedbackStatsRequest.type, {}))!;
    assert.ok(stats.shown > 1000 && stats.shown < 3000, `recovered ${stats.shown} of 3000 suggestions`);
    const told = server
      .stderr()
      .split("\n")
      .filter((line) => /feedback database was damaged/.test(line));
    assert.equal(told.length, 1, server.stderr());
    assert.match(
      told[0]!,
      new RegExp(`kept it as .*feedback\\.sqlite\\.damaged-\\d+ .*with the ${stats.shown} event`),
    );
    assert.equal(
      readdirSync(storagePath).filter((name) => /^feedback\.sqlite\.damaged-\d+$/.test(name)).length,
      1,
    );
  } finally {
    await server.stop();
  }
});
