/**
 * Secrets in ordinary source files never reach the index: not the stored chunk text, not the FTS words, not
 * the text sent to the embedder. Real files, real tree-sitter chunking, real SQLite with FTS5. The embedder is
 * a recording stand-in (the question is which text reaches it, not what a model makes of it).
 */

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { Logger } from "../base/logger";
import { openIndexDatabase } from "../store/database";
import { IndexReader } from "../store/indexReader";
import type { ChunkEmbedder } from "./indexRunner";
import { IndexSession } from "./indexSession";
import { defaultIndexConfig } from "./indexSettings";

const bearer = "q8Zr2LmT5vXw9KpB3nYc7HdJ4sFg6QaE";
const githubToken = `${"gh"}p_R7pQ2xL9mZ4vT8nK3wY6bH1cJ5dF0gS2aE4u`;

function workspace(): { root: string; databasePath: string } {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-redact-"));
  mkdirSync(path.join(root, "src"));
  writeFileSync(
    path.join(root, "src", "client.ts"),
    [
      "export async function fetchItems(url: string) {",
      "  const response = await fetch(url, {",
      `    headers: { "Authorization": "Bearer ${bearer}" },`,
      "  });",
      "  return response.json();",
      "}",
      "",
      `const deployToken = "${githubToken}";`,
      "export function deploy() {",
      "  return publishRelease(deployToken);",
      "}",
      "",
    ].join("\n"),
  );
  return { root, databasePath: path.join(root, ".index.sqlite") };
}

function recordingEmbedder(): ChunkEmbedder & { inputs: string[] } {
  const inputs: string[] = [];
  return {
    inputs,
    modelId: "recording",
    dimension: 4,
    maxTokens: 512,
    countTokens: (text) => Math.ceil(text.length / 4),
    embed: async (texts) => {
      inputs.push(...texts);
      return texts.map((_, index) => new Float32Array([1, index, 0, 0]));
    },
  };
}

test("a secret in an ordinary source file is redacted in stored text, FTS words and embedding inputs", async () => {
  const { root, databasePath } = workspace();
  const embedder = recordingEmbedder();
  const session = new IndexSession({
    root,
    databasePath,
    config: defaultIndexConfig,
    embedder,
    logger: new Logger("error"),
  });
  const stats = await session.runFullPass();
  session.close();
  assert.equal(stats.redactedSecrets, 2);

  const reader = new IndexReader(openIndexDatabase(databasePath, { readonly: true }));
  for (const secret of [bearer, githubToken]) {
    assert.deepEqual(reader.lexical(secret, 10), [], `FTS finds ${secret}`);
  }
  const hits = reader.lexical("fetchItems deploy", 10);
  assert.ok(hits.length > 0, "the file itself is indexed");
  const stored = [...reader.chunks(hits.map((hit) => hit.chunkId)).values()]
    .map((chunk) => chunk.text)
    .join("\n");
  assert.ok(!stored.includes(bearer) && !stored.includes(githubToken), stored);
  assert.ok(stored.includes("«redacted: authorization-header»"));
  assert.ok(stored.includes("«redacted: github-token»"));
  assert.ok(embedder.inputs.length > 0);
  assert.ok(embedder.inputs.every((input) => !input.includes(bearer) && !input.includes(githubToken)));
});

test("with redaction off (the guard disabled), the text is stored as it is", async () => {
  const { root, databasePath } = workspace();
  const session = new IndexSession({
    root,
    databasePath,
    config: { ...defaultIndexConfig, secrets: null },
    embedder: undefined,
    logger: new Logger("error"),
  });
  const stats = await session.runFullPass();
  session.close();
  assert.equal(stats.redactedSecrets, 0);
  const reader = new IndexReader(openIndexDatabase(databasePath, { readonly: true }));
  const stored = [...reader.chunks(reader.lexical("fetchItems", 10).map((hit) => hit.chunkId)).values()];
  assert.ok(stored.some((chunk) => chunk.text.includes(bearer)));
});
