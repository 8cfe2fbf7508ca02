/**
 * The `hearth` command under faults and bad input, run as users run it (the built CLI in a child process):
 * a damaged index repaired by `hearth index`, one clear line and a non-zero exit for every kind of bad
 * input to every command, a model file that does not load, and the small ones (control characters in file
 * names, legacy encodings, FIFOs).
 */

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { cliPath } from "./stdioServer";
import { generatedWorkspace, overwriteMiddle, seededFeedbackDatabase } from "./workspaces";

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function hearth(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const run = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: "utf8",
    timeout: 120_000,
    killSignal: "SIGKILL",
    env: { ...process.env, HEARTH_CACHE: scratch("cache"), ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function scratch(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `hearth-cli-${name}-`));
}

/** Fails unless the run ended non-zero with exactly one line on stderr and no stack trace. */
function assertOneLineFailure(run: CliRun, label: string, expected?: RegExp): void {
  const lines = run.stderr.split("\n").filter((line) => line.trim());
  assert.notEqual(run.status, 0, `${label}: exit code ${run.status}, stderr ${JSON.stringify(run.stderr)}`);
  assert.notEqual(run.status, null, `${label}: did not finish (killed after the timeout)`);
  assert.equal(lines.length, 1, `${label}: one line on stderr, got ${JSON.stringify(run.stderr)}`);
  assert.doesNotMatch(run.stderr, /^\s+at /m, `${label}: no stack trace`);
  if (expected) assert.match(lines[0]!, expected, label);
}

test("hearth index repairs an index damaged in the middle: moved aside, rebuilt, said once (issue 16 #1)", () => {
  const root = generatedWorkspace(200, 12);
  const databasePath = path.join(scratch("db"), "index.sqlite");
  const first = hearth(["index", root, "--db", databasePath, "--no-vectors", "--json"]);
  assert.equal(first.status, 0, first.stderr);
  // As the issue did it: checkpoint the WAL into the file, then 256 KiB of random bytes in its middle.
  const database = new Database(databasePath);
  database.pragma("wal_checkpoint(TRUNCATE)");
  database.close();
  const size = statSync(databasePath).size;
  assert.ok(size > 1024 * 1024, `the index is large enough to damage in the middle (${size} bytes)`);
  overwriteMiddle(databasePath, 256 * 1024, 16);

  const again = hearth(["index", root, "--db", databasePath, "--no-vectors", "--json"]);
  assert.equal(again.status, 0, again.stderr);
  const report = JSON.parse(again.stdout) as { files: number; chunks: number };
  assert.equal(report.files, 200);
  assert.equal(report.chunks, 200 * 12);
  const warnings = again.stderr.split("\n").filter((line) => /damaged/.test(line));
  assert.equal(warnings.length, 1, `told once: ${again.stderr}`);
  assert.match(warnings[0]!, /kept it as .*\.damaged-\d+ and rebuilt/);
  const kept = readdirSync(path.dirname(databasePath)).filter((name) =>
    /^index\.sqlite\.damaged-\d+$/.test(name),
  );
  assert.equal(kept.length, 1, "the damaged file is kept beside the new one");
  const rebuilt = new Database(databasePath, { readonly: true });
  assert.equal(rebuilt.pragma("integrity_check", { simple: true }), "ok");
  rebuilt.close();

  const search = hearth(["search", "handler_77_3", "--db", databasePath, "--mode", "lexical", "--json"]);
  assert.equal(search.status, 0, search.stderr);
  assert.equal((JSON.parse(search.stdout) as { hits: { path: string }[] }).hits[0]?.path, "pkg7/module7.py");
});

test("every command answers bad input with one clear line and a non-zero exit code (issue 16 #2)", () => {
  const folder = scratch("bad");
  const root = generatedWorkspace(3, 2);
  const emptyFile = path.join(folder, "empty.sqlite");
  writeFileSync(emptyFile, "");
  const goodIndex = path.join(folder, "good.sqlite");
  assert.equal(hearth(["index", root, "--db", goodIndex, "--no-vectors"]).status, 0);
  const truncatedIndex = path.join(folder, "truncated.sqlite");
  writeFileSync(truncatedIndex, readFileSync(goodIndex).subarray(0, 20_000));
  const versionZero = path.join(folder, "version0.sqlite");
  const foreign = new Database(versionZero);
  foreign.exec("create table notes (text)");
  foreign.close();
  const missing = path.join(folder, "missing.sqlite");
  const notAFolder = path.join(root, "pkg0", "module0.py");
  const source = `${notAFolder}:1:1`;
  const badDatabases = { empty: emptyFile, truncated: truncatedIndex, "schema version 0": versionZero };

  const cases: [string, string[], RegExp?][] = [
    ["unknown command", ["frobnicate"]],
    ["unknown flag", ["status", "--bogus"]],
    ["serve with a bad port", ["serve", "--socket", "http"]],
    ["index of a missing folder", ["index", path.join(folder, "nowhere"), "--no-vectors"], /no folder/],
    ["index of a file", ["index", notAFolder, "--no-vectors"], /not a folder/],
    ["index into a path under a file", ["index", root, "--db", `${notAFolder}/x.sqlite`, "--no-vectors"]],
    ["index with a bad size", ["index", root, "--no-vectors", "--max-file-bytes", "lots"]],
    ["index into a foreign database", ["index", root, "--db", versionZero, "--no-vectors"], /not the index/],
    ["search with no query", ["search"]],
    ["search with a bad k", ["search", "x", "--db", goodIndex, "-k", "abc"]],
    ["search with a bad mode", ["search", "x", "--db", goodIndex, "--mode", "bogus"]],
    ["search a missing index", ["search", "x", "--db", missing], /does not exist/],
    ...Object.entries(badDatabases).map(([kind, file]): [string, string[]] => [
      `search a ${kind} index`,
      ["search", "x", "--db", file],
    ]),
    ["complete without a position", ["complete", notAFolder], /file:line:col/],
    ["complete at line 0", ["complete", `${notAFolder}:0:1`], /file:line:col/],
    ["complete a missing file", ["complete", path.join(folder, "gone.py:1:1")], /no file/],
    ["complete in a missing root", ["complete", source, "--root", path.join(folder, "nowhere")], /no folder/],
    ...Object.entries(badDatabases).map(([kind, file]): [string, string[]] => [
      `complete with a ${kind} index`,
      ["complete", source, "--db", file],
    ]),
    ["stats with a bad --since", ["stats", "--since", "yesterday"]],
    ["stats on an empty file", ["stats", "--db", emptyFile], /empty/],
    ["stats on a foreign database", ["stats", "--db", versionZero], /not the feedback database/],
    ["feedback show with a bad limit", ["feedback", "show", "--limit", "-3"]],
    ["feedback export with a bad format", ["feedback", "export", "--format", "csv", "--out", "x.jsonl"]],
    ["feedback export without --out", ["feedback", "export", "--format", "sft"]],
    [
      "feedback export to a path under a file",
      ["feedback", "export", "--format", "sft", "--out", `${notAFolder}/out.jsonl`, "--db", missing],
    ],
    ["feedback delete without --yes", ["feedback", "delete", "--db", missing], /--yes/],
    ["eval retrieval of a missing corpus", ["eval", "retrieval", "--corpus", path.join(folder, "nowhere")]],
    ["eval completion of a missing folder", ["eval", "completion", path.join(folder, "nowhere")]],
    ["eval completion with a bad file count", ["eval", "completion", root, "--files", "many"]],
    ["bench retrieval with bad queries", ["bench", "retrieval", "--queries", "abc"]],
    ["bench completion of a missing file", ["bench", "completion", "--files", path.join(folder, "gone.py")]],
    ["bench index of a missing folder", ["bench", "index", path.join(folder, "nowhere")]],
    ["bench inference with bad runs", ["bench", "inference", "--runs", "abc"]],
    ["models doctor with bad threads", ["models", "doctor", "--threads", "abc"]],
    ["models doctor with a bad gpu", ["models", "doctor", "--gpu", "tpu"]],
    ["models pull without an id", ["models", "pull"]],
    ["index-host outside a server", ["index-host", "--setup", "{"], /needs an IPC channel/],
  ];
  for (const [label, args, expected] of cases) assertOneLineFailure(hearth(args), label, expected);
});

test("hearth stats repairs a feedback database damaged in the middle: kept aside, readable events carried over, said so (issue 16 #1)", () => {
  const databasePath = path.join(scratch("feedback"), "feedback.sqlite");
  seededFeedbackDatabase(databasePath, 3000);
  assert.ok(statSync(databasePath).size > 1024 * 1024);
  overwriteMiddle(databasePath, 256 * 1024, 7);

  const stats = hearth(["stats", "--db", databasePath, "--json"]);
  assert.equal(stats.status, 0, stats.stderr);
  const said = /started a new one with the (\d+) event\(s\) that could be read/.exec(stats.stderr);
  assert.ok(said, stats.stderr);
  const recovered = Number(said[1]);
  assert.ok(recovered > 1000 && recovered < 3000, `recovered ${recovered} of 3000`);
  assert.equal((JSON.parse(stats.stdout) as { shown: number }).shown, recovered);
  const kept = readdirSync(path.dirname(databasePath)).filter((name) =>
    /^feedback\.sqlite\.damaged-\d+$/.test(name),
  );
  assert.equal(kept.length, 1, "the user's damaged file is kept");
  const again = hearth(["stats", "--db", databasePath, "--json"]);
  assert.equal(again.stderr, "", "repaired once; nothing to say the second time");
});

test("hearth complete with a model file that does not load fails, with an error field under --json (issue 16 #6)", () => {
  const folder = scratch("model");
  const source = path.join(folder, "main.py");
  writeFileSync(source, "def add(a, b):\n    return \n");
  const corrupt = path.join(folder, "corrupt.gguf");
  writeFileSync(corrupt, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(4096, 0xa5)]));
  const notGguf = path.join(folder, "page.gguf");
  writeFileSync(notGguf, "\u001b]0;owned\u0007<html>not found</html>");

  const json = hearth(["complete", `${source}:2:12`, "--root", folder, "--model", corrupt, "--json"]);
  assert.equal(json.status, 1, json.stderr);
  const answer = JSON.parse(json.stdout) as { completion: string | null; error?: string };
  assert.equal(answer.completion, null);
  assert.match(answer.error ?? "", /corrupt\.gguf/);

  const text = hearth(["complete", `${source}:2:12`, "--root", folder, "--model", notGguf]);
  assert.equal(text.status, 1, text.stderr);
  assert.match(
    text.stderr,
    /not a valid GGUF model file \(it starts with bytes 1b 5d 30 3b, not the GGUF magic/,
  );
  // The magic error describes the bytes; it never prints them (here a terminal escape).
  assert.ok(!text.stderr.includes("\u001b"), "no escape character reaches the terminal");
});

test("file names with control characters are printed escaped in hearth search (issue 16 #11)", () => {
  const root = scratch("names");
  writeFileSync(path.join(root, "odd\nname.py"), "def spliced_title_case(text):\n    return text.title()\n");
  const databasePath = path.join(root, "..", `${path.basename(root)}.sqlite`);
  assert.equal(hearth(["index", root, "--db", databasePath, "--no-vectors"]).status, 0);
  const search = hearth(["search", "spliced_title_case", "--db", databasePath, "--mode", "lexical"]);
  assert.equal(search.status, 0, search.stderr);
  const lines = search.stdout.split("\n").filter(Boolean);
  assert.equal(lines.length, 1, JSON.stringify(search.stdout));
  assert.match(lines[0]!, /^odd\\nname\.py:1-2 /);
});

test("legacy-encoded files are decoded and counted by encoding, FIFOs skipped with a log line under --verbose (issue 16 #11)", () => {
  const root = scratch("encodings");
  writeFileSync(
    path.join(root, "latin1.py"),
    Buffer.from(
      "# Données de référence\ndef moyenne_pondérée(valeurs):\n    return sum(valeurs)\n",
      "latin1",
    ),
  );
  mkdirSync(path.join(root, "run"));
  execFileSync("mkfifo", [path.join(root, "run", "events.fifo")]);
  const databasePath = path.join(root, "..", `${path.basename(root)}.sqlite`);
  const index = hearth(["index", root, "--db", databasePath, "--no-vectors", "--json", "--verbose"]);
  assert.equal(index.status, 0, index.stderr);
  const report = JSON.parse(index.stdout) as {
    files: number;
    skipped: Record<string, number>;
    legacyEncodings: Record<string, number>;
  };
  assert.equal(report.files, 1);
  assert.deepEqual(report.legacyEncodings, { "windows-1252": 1 });
  assert.equal(report.skipped.special, 1);
  assert.match(index.stderr, /skipped "run\/events\.fifo": special \(FIFO\)/);
  assert.match(index.stderr, /read "latin1\.py" as windows-1252/);
  const search = hearth(["search", "moyenne_pondérée", "--db", databasePath, "--json"]);
  const hit = (JSON.parse(search.stdout) as { hits: { path: string; preview: string }[] }).hits[0];
  assert.equal(hit?.path, "latin1.py");
  assert.match(hit?.preview ?? "", /Données de référence/);
});
