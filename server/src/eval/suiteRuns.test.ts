/**
 * Stored runs and their comparison on a real SQLite evals database: figures and case outcomes round-trip, two
 * runs pair by case key, and the paired bootstrap interval is fixed by its seed, leaves out 0 for a real
 * difference and includes it for noise. Model checksums are cached by path, size and mtime.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { seededRandom } from "../base/numbers";
import { EvalStore } from "../store/evalStore";
import { pairedBootstrap } from "./pairedBootstrap";
import { compareRuns, fileChecksum, settingsThatMatter } from "./suiteRuns";

let folder: string;
let store: EvalStore;

before(() => {
  folder = mkdtempSync(path.join(tmpdir(), "hearth-evals-store-"));
  store = EvalStore.open(path.join(folder, "evals.sqlite"), { readonly: false });
});

after(() => {
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

function storeRun(label: string, exact: (index: number) => boolean, extraCase: boolean): number {
  const id = store.startRun({
    workspace: "/repo",
    label,
    evals: ["completion"],
    commit: "abc",
    dirty: false,
    models: { completion: { id: label } },
    settings: { threads: 1 },
  });
  const outcomes = Array.from({ length: 40 + (extraCase ? 1 : 0) }, (_, index) => ({
    key: `case-${index}`,
    outcome: {
      exact: exact(index),
      similarity: exact(index) ? 1 : 0.5,
      identifierF1: 1,
      parses: null,
      chars: 3,
      acceptedChars: 0,
      ms: 10,
    },
  }));
  const share = outcomes.filter((item) => item.outcome.exact).length / outcomes.length;
  store.finishRun(id, {
    status: "done",
    figures: { completion: { exactMatch: share, p50Ms: 10, cases: outcomes.length } },
    cases: { completion: outcomes },
    notes: ["a note"],
    error: null,
  });
  return id;
}

test("a run round-trips with its figures and cases; two runs compare case by case", () => {
  const a = storeRun("tiny", (index) => index % 4 === 0, false);
  const b = storeRun("candidate", (index) => index % 4 === 0 || index % 4 === 1, true);
  const runA = store.run(a)!;
  assert.equal(runA.status, "done");
  assert.deepEqual(runA.notes, ["a note"]);
  assert.deepEqual(runA.settings, { threads: 1 });
  assert.equal(store.cases(a, "completion").size, 40);
  assert.deepEqual(
    store.runs().map((run) => run.id),
    [b, a],
  );
  const comparison = compareRuns(store, runA, store.run(b)!);
  const exact = comparison.figures.find((figure) => figure.figure === "exactMatch")!;
  assert.equal(exact.interval?.pairs, 40, "only the cases both runs have");
  assert.equal(exact.interval?.delta, 0.25);
  assert.ok(exact.interval!.significant);
  const latency = comparison.figures.find((figure) => figure.figure === "p50Ms")!;
  assert.equal(latency.interval, null, "a percentile is not a per-case mean");
  assert.equal(latency.lowerIsBetter, true);
  assert.deepEqual(compareRuns(store, runA, store.run(b)!), comparison, "the same interval every time");
});

test("the bootstrap interval includes 0 for noise and leaves it out for a shift", () => {
  const random = seededRandom(9);
  const noise = Array.from({ length: 200 }, () => [random(), random()] as const);
  assert.equal(pairedBootstrap(noise)!.significant, false);
  const shifted = noise.map(([left, right]) => [left, left + 0.05 + 0.01 * (right - 0.5)] as const);
  const interval = pairedBootstrap(shifted)!;
  assert.ok(interval.significant && interval.low > 0.03 && interval.high < 0.07, JSON.stringify(interval));
  assert.equal(pairedBootstrap([]), null);
});

test("a model file's checksum is computed once per size and mtime", async () => {
  const file = path.join(folder, "model.gguf");
  writeFileSync(file, "GGUF weights");
  const stat = statSync(file);
  const digest = await fileChecksum(file, stat.size, stat.mtimeMs, store);
  assert.equal(digest, createHash("sha256").update("GGUF weights").digest("hex"));
  store.rememberChecksum(file, stat.size, stat.mtimeMs, "cached");
  assert.equal(await fileChecksum(file, stat.size, stat.mtimeMs, store), "cached");
  assert.equal(
    await fileChecksum(file, stat.size, stat.mtimeMs + 1, store),
    digest,
    "a changed file is read again",
  );
});

test("the settings that matter: models, threads, completion and the parse check, resolved", () => {
  const settings = settingsThatMatter({
    models: { completion: "hearth-tiny-code", threads: 3 },
    completion: { crossFileContext: false },
  });
  assert.equal(settings.threads, 3);
  assert.deepEqual((settings.completion as { crossFileContext: boolean }).crossFileContext, false);
  assert.equal((settings.models as { completion: { model: string } }).completion.model, "hearth-tiny-code");
  assert.equal((settings.models as { chat: { model: string } }).chat.model, "hearth-tiny-chat");
});
