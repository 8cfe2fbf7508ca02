/**
 * The review eval end to end on a small real git repository made in a temporary folder: cases of every kind
 * the code allows, clean controls, timing fields, and the replay of a bug-fix commit (its parent reviewed).
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { loadBugDetector } from "../review/loadBugDetector";
import { createParserBackend } from "../syntax/createParserBackend";
import { runReviewEval } from "./reviewEval";

const inventory = `def restock(items, threshold, amount):
    added = 0
    for item in items:
        if item.count < threshold:
            item.count = item.count + amount
            added += 1
    return added


def move(stock, source, target, quantity):
    if quantity <= 0 or source is target:
        return False
    take(stock, source, quantity)
    put(stock, target, quantity)
    return True
`;

const client = `export async function sync(store, items, limit) {
  let written = 0;
  for (let index = 0; index < items.length && written < limit; index++) {
    if (!items[index]) continue;
    await store.write(items[index], index);
    written = written + 1;
  }
  await store.flush(written);
  return written;
}
`;

test("cases, controls, timings and a replayed fix commit", async () => {
  const repo = mkdtempSync(path.join(tmpdir(), "hearth-review-eval-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: repo });
  try {
    git("init", "-q", "-b", "main");
    writeFileSync(path.join(repo, "client.js"), client);
    writeFileSync(
      path.join(repo, "inventory.py"),
      inventory.replace("put(stock, target,", "put(stock, source,"),
    );
    git("add", ".");
    git("commit", "-q", "-m", "inventory and client");
    writeFileSync(path.join(repo, "inventory.py"), inventory);
    git("commit", "-q", "-am", "Fix: move puts the stock into the target");
    const result = await runReviewEval({
      root: repo,
      detector: loadBugDetector(),
      parser: createParserBackend(),
      seed: 5,
      casesPerKind: 2,
      casesPerControl: 2,
      maxFiles: 10,
      diffRuns: 2,
      maxFixCommits: 5,
    });
    assert.equal(result.files, 2);
    assert.ok(result.bugCases >= 10, `${result.bugCases} bug cases`);
    assert.equal(result.cleanCases, 6);
    assert.equal(result.cases, result.bugCases + result.cleanCases);
    assert.deepEqual(Object.keys(result.perControl), ["unchanged", "renamed", "reformatted"]);
    assert.ok(result.perKind["missing-await"]!.cases > 0);
    assert.equal(result.realFixes?.commits, 1);
    assert.equal(result.diff300.runs, 2);
    assert.ok(result.p50MsPerCase > 0 && result.p50CpuMsPerCase > 0);
    assert.equal(result.perSource.model?.findings, 0);
    assert.equal(typeof result.goals.recall?.goal, "string");
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
