/**
 * Model downloads: the offline failure against the real Hugging Face host (this machine has no route to it),
 * and resume and verification against a local HTTP server that speaks Range like Hugging Face's CDN.
 */

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { parseModelUri } from "./modelCatalog";
import { downloadModelFile } from "./modelDownload";
import { ModelDownloadError } from "./modelErrors";

const payload = randomBytes(300_000);
const digest = createHash("sha256").update(payload).digest("hex");
const options = { connectTimeoutMs: 5_000, stallTimeoutMs: 2_000 };
let server: Server;
let base: string;
let directory: string;
const ranges: (string | undefined)[] = [];

before(async () => {
  directory = mkdtempSync(path.join(tmpdir(), "hearth-download-"));
  server = createServer((request, response) => {
    ranges.push(request.headers.range);
    if (request.url === "/stall.gguf") {
      response.writeHead(200, { "content-length": String(payload.length) });
      response.write(payload.subarray(0, 1000)); // then nothing more
      return;
    }
    if (request.url !== "/model.gguf") {
      response.writeHead(404).end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    const start = match ? Number(match[1]) : 0;
    if (start >= payload.length) {
      response.writeHead(416).end();
      return;
    }
    response.writeHead(match ? 206 : 200, { "content-length": String(payload.length - start) });
    response.end(payload.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(directory, { recursive: true, force: true });
});

test("offline, a pull from Hugging Face fails within seconds and says how to use a local file", async () => {
  const url = parseModelUri("hf:ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/qwen2.5-coder-0.5b-q8_0.gguf")!;
  const started = Date.now();
  const destination = path.join(directory, "offline.gguf");
  await assert.rejects(downloadModelFile(url, destination, { sha256: null }, options), (error: Error) => {
    assert.ok(error instanceof ModelDownloadError, String(error));
    assert.match(error.message, /cannot reach huggingface\.co/);
    assert.match(error.message, /offline/);
    assert.match(error.message, /path/);
    return true;
  });
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.equal(existsSync(destination), false);
});

test("a download is verified against its sha256 and lands under its final name", async () => {
  const destination = path.join(directory, "full.gguf");
  const progress: number[] = [];
  const result = await downloadModelFile(
    new URL(`${base}/model.gguf`),
    destination,
    { sha256: digest },
    { ...options, onProgress: (status) => progress.push(status.downloadedBytes) },
  );
  assert.equal(result.verifiedBy, "sha256");
  assert.equal(result.sha256, digest);
  assert.equal(result.resumedFromBytes, 0);
  assert.deepEqual(readFileSync(destination), payload);
  assert.equal(progress.at(-1), payload.length);
  assert.equal(existsSync(`${destination}.part`), false);
  const again = await downloadModelFile(
    new URL(`${base}/model.gguf`),
    destination,
    { sha256: digest },
    options,
  );
  assert.equal(again.alreadyPresent, true);
});

test("an interrupted download resumes from its partial file with a Range request", async () => {
  const destination = path.join(directory, "resumed.gguf");
  writeFileSync(`${destination}.part`, payload.subarray(0, 120_000));
  ranges.length = 0;
  const result = await downloadModelFile(
    new URL(`${base}/model.gguf`),
    destination,
    { sha256: digest },
    options,
  );
  assert.deepEqual(ranges, ["bytes=120000-"]);
  assert.equal(result.resumedFromBytes, 120_000);
  assert.deepEqual(readFileSync(destination), payload);
});

test("a checksum mismatch deletes the download and says so", async () => {
  const destination = path.join(directory, "bad.gguf");
  await assert.rejects(
    downloadModelFile(new URL(`${base}/model.gguf`), destination, { sha256: "0".repeat(64) }, options),
    /checksum mismatch.*deleted/,
  );
  assert.equal(existsSync(destination), false);
  assert.equal(existsSync(`${destination}.part`), false);
});

test("a stalled download stops, keeps its partial file, and says how to resume", async () => {
  const destination = path.join(directory, "stall.gguf");
  await assert.rejects(
    downloadModelFile(
      new URL(`${base}/stall.gguf`),
      destination,
      { sha256: null },
      { ...options, stallTimeoutMs: 300 },
    ),
    /stopped after 1000 bytes.*resume/,
  );
  assert.equal(readFileSync(`${destination}.part`).length, 1000);
});

test("an HTTP error names the status", async () => {
  await assert.rejects(
    downloadModelFile(
      new URL(`${base}/missing.gguf`),
      path.join(directory, "m.gguf"),
      { sha256: null },
      options,
    ),
    /HTTP 404/,
  );
});
