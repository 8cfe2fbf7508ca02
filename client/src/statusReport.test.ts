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
