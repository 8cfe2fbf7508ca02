/**
 * `hearth models`: list and pull, against a host that cannot resolve (an injected `.invalid` URL, RFC 6761, so
 * the test never depends on whether this machine is online) and against a local server.
 */

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { loadModelCatalog, resolveModelsConfig } from "../../models";
import { listReport, pullModel, settingsFromFlags } from "./models";

test("pull fails within seconds when offline, and says how to use a local file instead", async () => {
  const directory = mkdtempSync(path.join(tmpdir(), "hearth-pull-"));
  try {
    const catalog = loadModelCatalog();
    const entry = catalog.models.find((model) => model.id === "qwen2.5-coder-1.5b")!;
    entry.uri = `https://models.hearth-test.invalid/${entry.file}`;
    const config = resolveModelsConfig({ modelsDirectory: directory, catalog });
    const started = Date.now();
    const outcome = await pullModel(config, "qwen2.5-coder-1.5b", { progress: false });
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(outcome.ok, false);
    assert.match(outcome.message, /cannot reach models\.hearth-test\.invalid.*offline.*path/s);
    assert.match(outcome.message, /hearth models doctor --completion .*qwen2\.5-coder-1\.5b-q8_0\.gguf/);
    assert.equal((await pullModel(config, "no-such-model", { progress: false })).ok, false);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("pull downloads a catalog model, verifies it, and list then shows it installed", async () => {
  const directory = mkdtempSync(path.join(tmpdir(), "hearth-pull-"));
  const payload = randomBytes(64_000);
  const server = createServer((_, response) => response.writeHead(200).end(payload));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const catalog = loadModelCatalog();
    const entry = catalog.models.find((model) => model.id === "embeddinggemma-300m")!;
    entry.uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${entry.file}`;
    entry.sha256 = createHash("sha256").update(payload).digest("hex");
    const config = resolveModelsConfig({
      modelsDirectory: directory,
      catalog,
      models: { embedding: entry.id },
    });
    const outcome = await pullModel(config, entry.id, { progress: false });
    assert.equal(outcome.ok, true, outcome.message);
    assert.equal(outcome.verifiedBy, "sha256");
    assert.deepEqual(readFileSync(outcome.path!), payload);
    const report = listReport(config);
    assert.equal(report.modelsDirectory, directory);
    assert.equal(report.models.find((model) => model.id === entry.id)?.installed, true);
    assert.deepEqual(report.roles.embedding, { model: entry.id, path: outcome.path, installed: true });
    assert.equal(report.roles.chat?.model, "hearth-tiny-chat");
  } finally {
    server.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

test("model flags become settings", () => {
  assert.deepEqual(settingsFromFlags({ completion: "./m.gguf", chat: "none", threads: "3", gpu: "cpu" }), {
    models: { completion: "./m.gguf", chat: null },
    threads: 3,
    gpu: false,
  });
  assert.throws(() => settingsFromFlags({ threads: "0" }), /--threads/);
  assert.throws(() => settingsFromFlags({ gpu: "tpu" }), /--gpu/);
});
