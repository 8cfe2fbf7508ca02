/** `hearth stats` and `hearth feedback export|delete|show` against a real feedback database. */

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { Command } from "commander";
import { Logger } from "../../base/logger";
import { defaultFeedbackConfig, FeedbackService } from "../../feedback";
import type { FeedbackEvent } from "../../protocol";
import { registerFeedbackCommands } from "./feedbackCommands";

/** Runs `hearth <args>` in-process and returns what it printed and its exit code. */
async function hearth(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const program = new Command("hearth").exitOverride();
  registerFeedbackCommands(program);
  let stdout = "";
  let stderr = "";
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await program.parseAsync(["node", "hearth", ...args]);
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout, stderr, exitCode };
}

function seededDatabase(): string {
  const databasePath = path.join(mkdtempSync(path.join(tmpdir(), "hearth-feedback-cli-")), "feedback.sqlite");
  const service = FeedbackService.open({
    databasePath,
    config: defaultFeedbackConfig,
    logger: new Logger("error"),
  });
  const at = Date.now();
  let id = 0;
  const event = (fields: Record<string, unknown>) => ({
    eventId: `e${++id}`,
    at,
    surface: "inline",
    ...fields,
  });
  const shown = (subjectId: string, text: string) =>
    event({
      subjectId,
      type: "shown",
      language: "python",
      trigger: "automatic",
      latencyMs: 180,
      chars: text.length,
      lines: 1,
      facts: { model: "tiny" },
      text,
    });
  const context = { uri: "file:///w/a.py", path: "a.py", language: "python", suffix: "\n" };
  service.answered("s1", { ...context, prefix: "def one():\n    " }, "return 1");
  service.answered("s2", { ...context, prefix: "def two():\n    " }, "return 2");
  service.answered(
    "s3",
    { ...context, prefix: 'KEY = "AKIAQ4MZ7VXKT2PLR6WB"\ndef three():\n    ' },
    "return 3",
  );
  service.record([
    shown("s1", "return 1"),
    event({ subjectId: "s1", type: "accepted", acceptedChars: 8, partialAccepts: 0, elapsedMs: 300 }),
    event({
      subjectId: "s1",
      type: "survival",
      checkpoint: "30s",
      similarity: 1,
      acceptedChars: 8,
      currentChars: 8,
      text: "return 1",
    }),
    shown("s2", "return 2"),
    event({
      subjectId: "s2",
      type: "rejected",
      reason: "typedOver",
      acceptedChars: 0,
      typedChars: 0,
      elapsedMs: 200,
    }),
    event({ subjectId: "s2", type: "userText", checkpoint: "2m", text: "return two()", similarity: 0.5 }),
    shown("s3", "return 3"),
    event({ subjectId: "s3", type: "accepted", acceptedChars: 8, partialAccepts: 0, elapsedMs: 300 }),
    event({
      subjectId: "s3",
      type: "survival",
      checkpoint: "30s",
      similarity: 1,
      acceptedChars: 8,
      currentChars: 8,
      text: "return 3",
    }),
    {
      eventId: "a1",
      at,
      surface: "editor",
      subjectId: "session",
      type: "activity",
      language: "python",
      activeMs: 60_000,
      edits: 20,
      typedChars: 60,
      requests: 6,
    },
  ] as FeedbackEvent[]);
  service.dispose();
  return databasePath;
}

test("hearth stats --json prints one JSON document with the agreed fields", async () => {
  const databasePath = seededDatabase();
  const { stdout, exitCode } = await hearth("stats", "--db", databasePath, "--json");
  assert.equal(exitCode, 0);
  const stats = JSON.parse(stdout);
  assert.equal(stats.shown, 3);
  assert.equal(stats.accepted, 2);
  assert.equal(stats.partiallyAccepted, 0);
  assert.equal(stats.rejected, 1);
  assert.equal(stats.acceptanceRate, 0.6667);
  assert.equal(stats.shownRate, 0.5);
  assert.deepEqual(Object.keys(stats.survival), ["30s", "2m", "5m", "10m"]);
  assert.equal(stats.survival["30s"].meanSimilarity, 1);
  assert.equal(stats.byLanguage.python.shown, 3);
  assert.equal(stats.databasePath, databasePath);

  const text = await hearth("stats", "--db", databasePath);
  assert.match(text.stdout, /accepted\s+2 \(66\.7% of shown\)/);
});

test("hearth feedback export writes deduplicated, scrubbed JSON Lines in both formats", async () => {
  const databasePath = seededDatabase();
  const out = path.join(path.dirname(databasePath), "sft.jsonl");
  const sft = await hearth(
    "feedback",
    "export",
    "--db",
    databasePath,
    "--format",
    "sft",
    "--out",
    out,
    "--json",
  );
  assert.equal(sft.exitCode, 0, sft.stderr);
  const summary = JSON.parse(sft.stdout);
  assert.equal(summary.written, 2);
  assert.equal(summary.maskedSecrets, 1);
  const lines = readFileSync(out, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((line) => line.completion).sort(), ["return 1", "return 3"]);
  assert.ok(!readFileSync(out, "utf8").includes("AKIAQ4MZ7VXKT2PLR6WB"));

  const pairs = path.join(path.dirname(databasePath), "pairs.jsonl");
  await hearth("feedback", "export", "--db", databasePath, "--format", "preference", "--out", pairs);
  const [pair] = readFileSync(pairs, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.equal(pair.chosen, "return two()");
  assert.equal(pair.rejected, "return 2");

  const wrong = await hearth("feedback", "export", "--db", databasePath, "--format", "csv", "--out", out);
  assert.equal(wrong.exitCode, 1);
  assert.match(wrong.stderr, /sft or preference/);
});

test("hearth feedback delete needs --yes, then leaves an empty database", async () => {
  const databasePath = seededDatabase();
  const refused = await hearth("feedback", "delete", "--db", databasePath);
  assert.equal(refused.exitCode, 1);
  assert.equal(JSON.parse((await hearth("stats", "--db", databasePath, "--json")).stdout).shown, 3);
  const done = await hearth("feedback", "delete", "--db", databasePath, "--yes", "--json");
  assert.equal(JSON.parse(done.stdout).deletedEvents, 10);
  assert.equal(JSON.parse((await hearth("stats", "--db", databasePath, "--json")).stdout).shown, 0);
  const shown = JSON.parse((await hearth("feedback", "show", "--db", databasePath, "--json")).stdout);
  assert.deepEqual(shown.events, []);
});

test("hearth feedback show lists exactly what is stored", async () => {
  const databasePath = seededDatabase();
  const { stdout } = await hearth("feedback", "show", "--db", databasePath, "--json", "--subject", "s2");
  const types = JSON.parse(stdout).events.map((event: FeedbackEvent) => event.type);
  assert.deepEqual(types, ["userText", "rejected", "shown"]);
});
