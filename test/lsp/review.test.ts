/**
 * Review through the real server (`hearth serve --stdio`): a planted bug found by file review and by changes
 * review of a git repository made here, a bug outside the changed lines not answered, a selection review
 * bounded to its lines, cancellation through the LSP cancel, the model pass run with Hearth's tiny chat model
 * (its findings verified like the learned ones), review feedback events counted in `hearth/feedback/stats`,
 * and bad input: changes outside a git repository (said clearly; file review still works), a binary file
 * (skipped with a note), a file review without a file (InvalidParams).
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { CancellationTokenSource } from "vscode-languageserver-protocol/node";
import {
  feedbackEventsNotification,
  feedbackStatsRequest,
  type ReviewResult,
  reviewProgressNotification,
  reviewRequest,
} from "../../server/src/protocol";
import { startStdioServer } from "./stdioServer";

const helpers = `def copy_tree(source_dir, target_dir, overwrite):
    return overwrite
`;
/** Line 6 (1-based) swaps the arguments; `main` is what the working tree changes. */
const cleanMain = `${helpers}

def main(source_dir, target_dir):
    return copy_tree(source_dir, target_dir, False)
`;
const buggyMain = cleanMain.replace(
  "copy_tree(source_dir, target_dir, False)",
  "copy_tree(target_dir, source_dir, False)",
);
/** A second file whose committed code already has the same kind of bug, on its line 6. */
const oldBug = `${helpers}

def backup(source_dir, target_dir):
    return copy_tree(target_dir, source_dir, True)
`;

const settings = { models: { embedding: "none" }, index: { enabled: false } };

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", args, { cwd, stdio: "ignore" });
}

function gitWorkspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-review-"));
  writeFileSync(path.join(root, "tree.py"), cleanMain);
  writeFileSync(path.join(root, "backup.py"), oldBug);
  git(root, "init", "-q");
  git(
    root,
    "-c",
    "user.name=t",
    "-c",
    "user.email=t@example.com",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "root",
  );
  git(root, "add", ".");
  git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "initial");
  writeFileSync(path.join(root, "tree.py"), buggyMain);
  return root;
}

async function withServer<T>(
  root: string,
  extraSettings: object,
  run: (server: ReturnType<typeof startStdioServer>) => Promise<T>,
): Promise<T> {
  const storage = mkdtempSync(path.join(tmpdir(), "hearth-review-storage-"));
  const server = startStdioServer();
  try {
    await server.initialize(root, {
      initializationOptions: { storagePath: storage, settings: { ...settings, ...extraSettings } },
    });
    return await run(server);
  } finally {
    await server.stop();
  }
}

const lines = (result: ReviewResult) =>
  result.findings.map((finding) => [finding.path, finding.range.start.line + 1]);

test("file and changes review find the planted bug; a bug outside the changed lines is not answered", async () => {
  const root = gitWorkspace();
  await withServer(root, {}, async (server) => {
    const progress: string[] = [];
    server.connection.onNotification(reviewProgressNotification.type, (params) => {
      if (params.reviewId === "r1") progress.push(params.message);
    });
    const file = await server.connection.sendRequest(reviewRequest.type, {
      kind: "file",
      uri: pathToFileURL(path.join(root, "tree.py")).href,
      reviewId: "r1",
    });
    assert.equal(file.error, undefined);
    assert.deepEqual(lines(file), [["tree.py", 6]]);
    const finding = file.findings[0]!;
    assert.equal(finding.category, "swapped-arguments");
    assert.equal(finding.source, "learned");
    assert.ok(["note", "warning", "error"].includes(finding.severity));
    assert.deepEqual(finding.evidence, ["    return copy_tree(target_dir, source_dir, False)"]);
    assert.equal(finding.fix?.newText, "    return copy_tree(source_dir, target_dir, False)");
    assert.deepEqual(finding.range, { start: { line: 5, character: 0 }, end: { line: 5, character: 51 } });
    assert.ok(
      file.notes.some((note) => /^model pass off: Hearth's tiny chat model cannot review code/.test(note)),
      file.notes.join("\n"),
    );
    assert.ok(progress.includes("done"), `progress: ${progress.join(", ")}`);

    // The whole of backup.py has a bug too, but it is not part of the changes.
    const whole = await server.connection.sendRequest(reviewRequest.type, {
      kind: "file",
      uri: pathToFileURL(path.join(root, "backup.py")).href,
    });
    assert.deepEqual(lines(whole), [["backup.py", 6]]);
    // The workspace folder's own URI, as VS Code sends it (the staged reviews below send none).
    const changes = await server.connection.sendRequest(reviewRequest.type, {
      kind: "changes",
      uri: pathToFileURL(root).href,
    });
    assert.equal(changes.error, undefined);
    assert.deepEqual(changes.reviewed, ["tree.py"]);
    assert.deepEqual(lines(changes), [["tree.py", 6]]);
    assert.equal(changes.findings[0]!.id, finding.id, "the same finding keeps its id across reviews");

    // Staged: nothing staged yet; then the change is staged and found.
    const nothingStaged = await server.connection.sendRequest(reviewRequest.type, {
      kind: "changes",
      diff: { staged: true },
    });
    assert.deepEqual(nothingStaged.findings, []);
    assert.ok(
      nothingStaged.notes.includes("no changed source files to review"),
      nothingStaged.notes.join("\n"),
    );
    git(root, "add", "tree.py");
    const staged = await server.connection.sendRequest(reviewRequest.type, {
      kind: "changes",
      diff: { staged: true },
    });
    assert.deepEqual(lines(staged), [["tree.py", 6]]);
    const unknownBase = await server.connection.sendRequest(reviewRequest.type, {
      kind: "changes",
      diff: { base: "no-such-branch" },
    });
    assert.match(unknownBase.error ?? "", /unknown base no-such-branch/);

    // A selection of lines 1-3 of the open, edited document does not include the bug; lines 5-6 do.
    const uri = pathToFileURL(path.join(root, "tree.py")).href;
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: `# edited, unsaved\n${buggyMain}` },
    });
    const above = await server.connection.sendRequest(reviewRequest.type, {
      kind: "selection",
      uri,
      range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
    });
    assert.deepEqual(lines(above), []);
    const around = await server.connection.sendRequest(reviewRequest.type, {
      kind: "selection",
      uri,
      range: { start: { line: 5, character: 0 }, end: { line: 6, character: 10 } },
    });
    assert.deepEqual(lines(around), [["tree.py", 7]], "the editor's text, with its added first line");

    // Applying and dismissing findings are feedback events, counted in the stats.
    const at = Date.now();
    const event = (id: string, type: string, category: string) => ({
      eventId: `${id}-${type}`,
      at,
      surface: "review",
      subjectId: id,
      type,
      category,
      source: "learned",
    });
    await server.connection.sendNotification(feedbackEventsNotification.type, {
      events: [
        event(finding.id, "findingAccepted", "swapped-arguments"),
        event(whole.findings[0]!.id, "findingDismissed", "swapped-arguments"),
      ] as never,
    });
    let stats = await server.connection.sendRequest(feedbackStatsRequest.type, {});
    for (let tries = 0; tries < 50 && stats?.review.accepted !== 1; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = await server.connection.sendRequest(feedbackStatsRequest.type, {});
    }
    assert.deepEqual(stats?.review, {
      accepted: 1,
      dismissed: 1,
      acceptedRate: 0.5,
      byCategory: { "swapped-arguments": { accepted: 1, dismissed: 1 } },
    });
  });
});

test("cancelling a review through the LSP cancel stops it and answers no findings", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-review-cancel-"));
  // Many files, so the learned pass is still going when the cancel arrives.
  for (let index = 0; index < 400; index++) {
    writeFileSync(path.join(root, `tree${index}.py`), buggyMain);
  }
  git(root, "init", "-q");
  await withServer(root, {}, async (server) => {
    const source = new CancellationTokenSource();
    const fullProgress: string[] = [];
    server.connection.onNotification(reviewProgressNotification.type, (params) => {
      if (params.reviewId === "full") fullProgress.push(params.message);
      else if (params.message.startsWith("learned pass")) source.cancel();
    });
    const result = await server.connection.sendRequest(
      reviewRequest.type,
      { kind: "changes", reviewId: "cancel" },
      source.token,
    );
    assert.equal(result.cancelled, true);
    assert.deepEqual(result.findings, []);
    assert.ok(result.notes.includes("cancelled: no findings were kept"));
    const full = await server.connection.sendRequest(reviewRequest.type, {
      kind: "changes",
      reviewId: "full",
    });
    assert.equal(full.findings.length, 400, "the same review, not cancelled, flags every file");
    assert.ok(fullProgress.includes("learned pass: 350 of 400 files"), fullProgress.join(", "));
  });
});

test("the model pass with the tiny chat model runs bounded, and what it proposes is verified", async () => {
  const root = gitWorkspace();
  await withServer(root, { review: { modelPass: "always", maxModelSteps: 2 } }, async (server) => {
    const result = await server.connection.sendRequest(reviewRequest.type, {
      kind: "file",
      uri: pathToFileURL(path.join(root, "tree.py")).href,
    });
    const model = result.passes.find((pass) => pass.name === "model");
    assert.ok(model, JSON.stringify(result.passes));
    assert.equal(model.state, "ran", JSON.stringify(result));
    const text = readFileSync(path.join(root, "tree.py"), "utf8").split("\n");
    for (const finding of result.findings) {
      // Whatever the model wrote, only verified findings come back: quoted lines are really there.
      for (const quoted of finding.evidence) assert.ok(text.some((line) => line.trim() === quoted.trim()));
    }
    assert.ok(
      result.findings.some((finding) => finding.source === "learned" && finding.range.start.line === 5),
      "the learned finding is still there",
    );
  });
});

test("bad input: changes outside git are refused clearly, file review still works, binary files are skipped", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-review-nogit-"));
  mkdirSync(path.join(root, "src"));
  writeFileSync(path.join(root, "src", "tree.py"), buggyMain);
  writeFileSync(path.join(root, "src", "blob.py"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 3]));
  await withServer(root, {}, async (server) => {
    const changes = await server.connection.sendRequest(reviewRequest.type, { kind: "changes" });
    assert.match(changes.error ?? "", /is not in a git repository, so there are no changes to review/);
    assert.deepEqual(changes.findings, []);

    const file = await server.connection.sendRequest(reviewRequest.type, {
      kind: "file",
      uri: pathToFileURL(path.join(root, "src", "tree.py")).href,
    });
    assert.equal(file.error, undefined);
    assert.deepEqual(lines(file), [["tree.py", 6]]);

    const binary = await server.connection.sendRequest(reviewRequest.type, {
      kind: "file",
      uri: pathToFileURL(path.join(root, "src", "blob.py")).href,
    });
    assert.deepEqual(binary.findings, []);
    assert.deepEqual(binary.skipped, [{ path: "blob.py", reason: "binary" }]);
    assert.ok(binary.notes.includes("skipped blob.py: binary"), binary.notes.join("\n"));

    await assert.rejects(
      server.connection.sendRequest(reviewRequest.method, { kind: "file" }),
      (error: Error & { code?: number }) => {
        assert.equal(error.code, -32602);
        assert.match(error.message, /file and selection reviews need the file's uri/);
        return true;
      },
    );
  });
});
