/**
 * The evals capability over the real server (`hearth serve --stdio`, Hearth's tiny models): `hearth/evals/run`
 * on a small git repository with a candidate model gives two stored runs on the same cases and their
 * comparison, with progress as `$/progress` and `hearth/evals/progress`, without touching the settings the
 * client gave; bad params are refused at the edge; `runs`, `get` and `compare` read the stored runs; and a
 * cancelled run stops and is stored as cancelled.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { CancellationTokenSource } from "vscode-languageserver-protocol/node";
import {
  compareEvalRunsRequest,
  type EvalsProgressParams,
  evalsProgressNotification,
  getEvalRunRequest,
  listEvalRunsRequest,
  runEvalsRequest,
} from "../../server/src/protocol";
import { startStdioServer } from "./stdioServer";

function makeRepository(): string {
  const root = mkdtempSync(path.join(tmpdir(), "hearth-evals-lsp-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], { cwd: root });
  git("init", "-q", "-b", "main");
  writeFileSync(path.join(root, "shapes.py"), "def area(width, height):\n    return width * height\n");
  git("add", "-A");
  git("commit", "-q", "-m", "area");
  appendFileSync(
    path.join(root, "shapes.py"),
    "\n\ndef perimeter(width, height):\n    total = width + height\n    return 2 * total\n",
  );
  git("commit", "-q", "-a", "-m", "perimeter");
  appendFileSync(
    path.join(root, "shapes.py"),
    "\n\ndef square(side):\n    surface = area(side, side)\n    return surface\n",
  );
  git("commit", "-q", "-a", "-m", "square");
  return root;
}

test("evals over LSP: a run with a candidate model, progress, stored runs, comparison, cancellation", async () => {
  const repository = makeRepository();
  const storage = mkdtempSync(path.join(tmpdir(), "hearth-evals-storage-"));
  mkdirSync(storage, { recursive: true });
  const settings = { models: { threads: 1 }, index: { enabled: false } };
  const server = startStdioServer();
  server.connection.onRequest("workspace/configuration", () => [settings]);
  server.connection.onRequest("client/registerCapability", () => null);
  server.connection.onRequest("window/workDoneProgress/create", () => null);
  const progress: EvalsProgressParams[] = [];
  const workDone: string[] = [];
  server.connection.onNotification(evalsProgressNotification.method, (params) => {
    progress.push(params as EvalsProgressParams);
  });
  server.connection.onNotification("$/progress", (params) => {
    workDone.push((params as { value: { kind: string } }).value.kind);
  });
  try {
    await server.initialize(repository, {
      initializationOptions: { storagePath: storage },
      capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
    });

    // The core starts once the settings are read; until then Hearth's requests answer ServerNotInitialized.
    for (let attempt = 0; ; attempt++) {
      const ready = await server.connection.sendRequest(listEvalRunsRequest.type, {}).then(
        () => true,
        () => false,
      );
      if (ready) break;
      assert.ok(attempt < 200, "the core did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await assert.rejects(
      server.connection.sendRequest(runEvalsRequest.type, { commits: -1 }),
      (error: { code?: number; message?: string }) => {
        assert.equal(error.code, -32602, error.message);
        return true;
      },
      "a negative commit count is refused at the edge",
    );

    const result = await server.connection.sendRequest(runEvalsRequest.type, {
      evals: ["completion"],
      commits: 2,
      candidateModel: "hearth-tiny-draft",
    });
    assert.equal(result.baseline.status, "done", result.baseline.error ?? "");
    assert.equal(result.candidate?.status, "done", result.candidate?.error ?? "");
    assert.equal(result.baseline.models.completion?.id, "hearth-tiny-code");
    assert.equal(result.candidate?.models.completion?.id, "hearth-tiny-draft");
    assert.equal(result.candidate?.label, "candidate: hearth-tiny-draft");
    assert.equal(result.baseline.figures.completion?.timeTravel, 1);
    const cases = result.baseline.figures.completion?.cases ?? 0;
    assert.ok(cases > 0);
    const exact = result.comparison?.figures.find((figure) => figure.figure === "exactMatch");
    assert.equal(exact?.interval?.pairs, cases, "both models answered the same cases");
    assert.deepEqual(
      settings,
      { models: { threads: 1 }, index: { enabled: false } },
      "the settings are untouched",
    );
    assert.ok(progress.some((update) => update.phase === "candidate"));
    assert.equal(progress.at(-1)?.percentage, 100);
    assert.deepEqual([workDone[0], workDone.at(-1)], ["begin", "end"]);

    const listed = await server.connection.sendRequest(listEvalRunsRequest.type, {});
    assert.equal(listed.databasePath, path.join(storage, "evals.sqlite"));
    assert.deepEqual(
      listed.runs.map((run) => run.id),
      [result.candidate!.id, result.baseline.id],
    );
    assert.equal(await server.connection.sendRequest(getEvalRunRequest.type, { id: 999 }), null);
    const compared = await server.connection.sendRequest(compareEvalRunsRequest.type, {
      a: result.baseline.id,
      b: result.candidate!.id,
    });
    assert.deepEqual(compared, result.comparison);

    // Cancelled once it has started: it stops and is stored as cancelled.
    const source = new CancellationTokenSource();
    const started = progress.length;
    const cancelled = server.connection
      .sendRequest(runEvalsRequest.type, { evals: ["completion"], commits: 2 }, source.token)
      .catch((error: Error) => error);
    while (progress.length === started) await new Promise((resolve) => setTimeout(resolve, 50));
    source.cancel();
    await cancelled;
    const latest = await (async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const [run] = (await server.connection.sendRequest(listEvalRunsRequest.type, { limit: 1 })).runs;
        if (run && run.status !== "running" && run.id > result.candidate!.id) return run;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return undefined;
    })();
    assert.equal(latest?.status, "cancelled");
  } finally {
    await server.stop();
    rmSync(repository, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  }
});
