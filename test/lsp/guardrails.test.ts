/**
 * Guardrails across the real server and CLI: a credential written in an ordinary source file reaches neither
 * the index's stored text, nor a completion prompt (`hearth complete --explain`), nor the feedback database,
 * nor a feedback export; and the server counts what it redacted in `hearth/status`.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { feedbackEventsNotification, statusRequest } from "../../server/src/protocol";
import { cliPath, startStdioServer } from "./stdioServer";

/** Credentials shaped like real ones, made at run time (a literal would trip secret scanners). */
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomText = (length: number) =>
  [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join("");
const githubToken = `ghp_${randomText(36)}`;
const bearer = `${randomText(24)}.${randomText(40)}`;

const source = `import requests

API_TOKEN = "${githubToken}"


def fetch_items(base_url):
    headers = {"Authorization": "Bearer ${bearer}"}
    response = requests.get(base_url + "/items", headers=headers)
    return response.json()


def count_items(base_url):
    return len(fetch_items(base_url))
`;

const leaks = (text: string) => text.includes(githubToken) || text.includes(bearer);

test("a secret in an ordinary source file is in no index text, completion prompt, feedback record or export", async () => {
  const workspace = mkdtempSync(path.join(tmpdir(), "hearth-guard-"));
  const storage = mkdtempSync(path.join(tmpdir(), "hearth-guard-storage-"));
  mkdirSync(path.join(workspace, "src"));
  const file = path.join(workspace, "src", "client.py");
  writeFileSync(file, source);
  const settings = { models: { embedding: "none" } };
  const server = startStdioServer();
  try {
    await server.initialize(workspace, { initializationOptions: { storagePath: storage, settings } });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = await server.connection.sendRequest(statusRequest.type);
      if (status.indexes[0]?.state === "idle" && status.indexes[0].files > 0) break;
      if (Date.now() > deadline)
        throw new Error(`the index did not finish: ${JSON.stringify(status.indexes)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // The index's stored text (chunks, FTS words) has placeholders instead.
    const indexFile = readdirSync(path.join(storage, "index")).find((name) => name.endsWith(".sqlite"))!;
    const index = new Database(path.join(storage, "index", indexFile), { readonly: true });
    const chunks = (index.prepare("select text from chunks").all() as { text: string }[]).map(
      (row) => row.text,
    );
    index.close();
    assert.ok(
      chunks.some((text) => text.includes("«redacted:")),
      "the chunk holds a placeholder",
    );
    assert.ok(!chunks.some(leaks), "no chunk holds the secret");

    // A suggestion made right after the secret, shown, accepted and kept: its stored context has no secret.
    const uri = pathToFileURL(file).href;
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: source },
    });
    const line = source.split("\n").findIndex((text) => text.includes("return len("));
    const items = (await server.connection.sendRequest("textDocument/inlineCompletion", {
      textDocument: { uri },
      position: { line, character: 11 },
      context: { triggerKind: 1 },
    })) as { insertText: string; command: { arguments: { id: string }[] } }[];
    assert.equal(items.length, 1, "a suggestion to record");
    const id = items[0]!.command.arguments[0]!.id;
    const text = items[0]!.insertText;
    const at = Date.now();
    const base = { surface: "inline" as const, subjectId: id };
    await server.connection.sendNotification(feedbackEventsNotification.type, {
      events: [
        {
          ...base,
          eventId: `${id}-1`,
          at,
          type: "shown",
          language: "python",
          trigger: "invoked",
          latencyMs: 50,
          chars: text.length,
          lines: 1,
          facts: {},
          text,
        },
        {
          ...base,
          eventId: `${id}-2`,
          at: at + 500,
          type: "accepted",
          acceptedChars: text.length,
          partialAccepts: 0,
          elapsedMs: 500,
        },
        {
          ...base,
          eventId: `${id}-3`,
          at: at + 30_500,
          type: "survival",
          checkpoint: "30s",
          similarity: 1,
          acceptedChars: text.length,
          currentChars: text.length,
          text,
        },
      ],
    });
    const redactions =
      (await server.connection.sendRequest(statusRequest.type)).guardrails?.secrets?.redactions ?? 0;
    assert.ok(redactions > 0, "status counts the redactions");
  } finally {
    await server.stop();
  }

  try {
    const feedbackFile = path.join(storage, "feedback.sqlite");
    const feedback = new Database(feedbackFile, { readonly: true });
    const stored = [
      ...(feedback.prepare("select prefix || suffix as text from prompts").all() as { text: string }[]),
      ...(feedback.prepare("select payload as text from events").all() as { text: string }[]),
    ].map((row) => row.text);
    feedback.close();
    assert.ok(stored.length >= 4, `the suggestion's context and events were stored (${stored.length} rows)`);
    assert.ok(!stored.some(leaks), "no stored feedback record holds the secret");

    const exported = path.join(storage, "sft.jsonl");
    execFileSync(process.execPath, [
      cliPath,
      "feedback",
      "export",
      "--db",
      feedbackFile,
      "--format",
      "sft",
      "--out",
      exported,
    ]);
    const examples = readFileSync(exported, "utf8").trim().split("\n").filter(Boolean);
    assert.equal(examples.length, 1, "the accepted suggestion is exported");
    assert.ok(!leaks(examples[0]!), "the export holds no secret");

    // The prompt `hearth complete --explain` shows is the one the model would get.
    const line = source.split("\n").findIndex((text) => text.includes("return len(")) + 1;
    const explained = execFileSync(
      process.execPath,
      [cliPath, "complete", `${file}:${line}:12`, "--root", workspace, "--explain", "--no-context"],
      { encoding: "utf8" },
    );
    assert.match(explained, /«redacted: /, "the prompt shows where a secret was");
    assert.ok(!leaks(explained), "the completion prompt holds no secret");
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  }
});
