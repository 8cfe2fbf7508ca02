/**
 * Settings changes over the real server: bursts of `workspace/didChangeConfiguration` leave exactly one set of
 * index hosts (child processes counted), a change no capability reads restarts nothing (the same index host,
 * the completer's counters kept), and a change of the index settings replaces the index host once.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { type HearthStatus, statusRequest } from "../../server/src/protocol";
import { startStdioServer } from "./stdioServer";

/** The server's child processes (its index hosts). */
function childPids(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0)
      .sort();
  } catch {
    return [];
  }
}

async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("bursts of settings changes keep one core: one index host, restarted only when index settings change", async () => {
  const workspace = mkdtempSync(path.join(tmpdir(), "hearth-settings-"));
  for (let index = 0; index < 4; index++) {
    writeFileSync(
      path.join(workspace, `module${index}.py`),
      `def function_${index}(value):\n    return value + ${index}\n`,
    );
  }
  let settings: Record<string, unknown> = { models: { embedding: "none" }, trace: { server: "off" } };
  const server = startStdioServer();
  server.connection.onRequest("workspace/configuration", () => [settings]);
  server.connection.onRequest("client/registerCapability", () => null);
  const status = () => server.connection.sendRequest(statusRequest.type);
  const changed = () =>
    server.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
  try {
    await server.initialize(workspace, {
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
      },
    });
    await until("the first pass", status, (value: HearthStatus) => value.indexes[0]?.state === "idle");
    const firstHosts = await until(
      "one index host",
      () => childPids(server.process.pid!),
      (pids) => pids.length === 1,
    );

    const uri = `${new URL(`file://${workspace}/module0.py`).href}`;
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: "def function_0(value):\n    return " },
    });
    await server.connection.sendRequest("textDocument/inlineCompletion", {
      textDocument: { uri },
      position: { line: 1, character: 11 },
      context: { triggerKind: 1 },
    });
    const requestsBefore = (await status()).completion?.requests ?? 0;
    assert.ok(requestsBefore >= 1);

    // A burst that touches nothing a capability reads.
    for (let index = 0; index < 10; index++) {
      settings = { ...settings, trace: { server: index % 2 ? "messages" : "off" } };
      await changed();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual(childPids(server.process.pid!), firstHosts, "the same index host, not a new one");
    assert.equal((await status()).completion?.requests, requestsBefore, "the completer kept its counters");

    // A burst that changes the index settings and, with them, completion's.
    for (let index = 0; index < 10; index++) {
      settings = {
        ...settings,
        index: { maxFileBytes: 500_000 + index },
        completion: { prefetch: index % 2 === 0 },
      };
      await changed();
    }
    const laterHosts = await until(
      "the burst to settle on one new index host",
      () => childPids(server.process.pid!),
      (pids) => pids.length === 1 && pids[0] !== firstHosts[0],
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.deepEqual(
      childPids(server.process.pid!),
      laterHosts,
      "no second host was started and left running",
    );
    const after = await until(
      "the new index",
      status,
      (value: HearthStatus) => value.indexes[0]?.state === "idle",
    );
    assert.equal(after.indexes.length, 1);
    assert.equal(after.completion?.requests, 0, "completion restarted once its settings changed");
  } finally {
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
});
