/** Tests for the words `Hearth: Show Status` shows. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { HearthStatus } from "../../server/src/protocol";
import { summarizeStatus } from "./statusReport";

const status: HearthStatus = {
  version: "9.9.9",
  server: {
    pid: 42,
    node: "v20.20.2",
    nodeAbi: "115",
    platform: "linux",
    arch: "x64",
    startedAt: "2026-01-01T00:00:00.000Z",
    uptimeMs: 5,
  },
  nativeModules: [
    { name: "better-sqlite3", ok: true },
    { name: "tree-sitter", ok: false, error: "wrong ABI" },
  ],
  backend: null,
  models: [{ role: "completion", id: "hearth-tiny-code", path: "/m.gguf", state: "ready" }],
  indexes: [],
  completion: null,
};

test("the summary names version, runtime, failing modules, models and index", () => {
  assert.equal(
    summarizeStatus(status),
    "Hearth 9.9.9: server running (Node v20.20.2, pid 42); native modules failing: tree-sitter; models: completion; index: none",
  );
});

test("roles on remote engines are named with their server and whether it answers", () => {
  const remote = (endpoint: string, reachable: boolean | null, latencyMs: number | null) => ({
    endpoint,
    provider: "llama-server" as const,
    model: null,
    reachable,
    latencyMs,
    checkedAt: null,
    route: null,
  });
  const summary = summarizeStatus({
    ...status,
    nativeModules: [],
    models: [
      {
        role: "completion",
        id: null,
        path: null,
        state: "ready",
        remote: remote("http://gpu:8012", true, 12),
      },
      {
        role: "embedding",
        id: null,
        path: null,
        state: "error",
        remote: remote("http://gpu:8013", false, null),
      },
      { role: "chat", id: null, path: null, state: "absent", remote: remote("http://gpu:8014", null, null) },
    ],
  });
  assert.match(
    summary,
    /remote: completion on http:\/\/gpu:8012 \(llama-server, reachable, 12 ms\), embedding on http:\/\/gpu:8013 \(llama-server, unreachable\), chat on http:\/\/gpu:8014 \(llama-server, not contacted yet\)/,
  );
});
