/**
 * One review end to end with the real detector and grammars: the learned pass, a model pass (a stand-in
 * `ReviewPass`, since no chat model runs in unit tests) whose findings are verified like any other, a failing
 * pass reported without losing the others, and cancellation.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createParserBackend } from "../syntax/createParserBackend";
import type { Finding, ReviewFile } from "./finding";
import { loadBugDetector } from "./loadBugDetector";
import { type ReviewPass, runReview } from "./runReview";

const file: ReviewFile = {
  path: "tree.py",
  language: "python",
  text: "def copy_tree(source_dir, target_dir, overwrite):\n    return overwrite\n\n\ndef main(source_dir, target_dir):\n    return copy_tree(target_dir, source_dir, False)\n",
};
const parser = createParserBackend();
const detector = loadBugDetector();

const modelFinding: Finding = {
  file: "tree.py",
  startLine: 2,
  endLine: 2,
  category: "unused-parameter",
  severity: "note",
  message: "source_dir and target_dir are not used",
  evidence: ["return overwrite"],
  confidence: 0.6,
  source: "learned",
};

function pass(findings: Finding[] | Error): ReviewPass {
  return {
    name: "model",
    source: "model",
    review: async () => {
      if (findings instanceof Error) throw findings;
      return findings;
    },
  };
}

test("without a model pass the report says it is off, and the learned finding is verified and kept", async () => {
  const report = await runReview([file], { parser, detector });
  assert.deepEqual(
    report.passes.map((entry) => [entry.name, entry.state, entry.note]),
    [
      ["learned", "ran", undefined],
      ["model", "off", "no chat model configured"],
    ],
  );
  assert.deepEqual(
    report.findings.map((finding) => [finding.category, finding.startLine, finding.source]),
    [["swapped-arguments", 6, "learned"]],
  );
});

test("a model pass's findings are labelled with its source and verified; a hallucinated quote is dropped", async () => {
  const invented = { ...modelFinding, startLine: 5, endLine: 5, evidence: ["def main(a, b):"] };
  const report = await runReview([file], { parser, detector, passes: [pass([modelFinding, invented])] });
  assert.equal(report.passes.length, 2);
  assert.deepEqual(
    report.findings.map((finding) => [finding.category, finding.source]),
    [
      ["unused-parameter", "model"],
      ["swapped-arguments", "learned"],
    ],
  );
  assert.equal(report.dropped["evidence-mismatch"], 1);
});

test("a failing pass is reported and the others' findings survive; a cancelled review rejects", async () => {
  const report = await runReview([file], { parser, detector, passes: [pass(new Error("model crashed"))] });
  assert.deepEqual(report.passes[1], {
    name: "model",
    state: "failed",
    findings: 0,
    milliseconds: report.passes[1]!.milliseconds,
    note: "model crashed",
  });
  assert.equal(report.findings.length, 1);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(runReview([file], { parser, detector, signal: controller.signal }), {
    name: "AbortError",
  });
});

test("without the detector file the learned pass is reported as failed, with the reason", async () => {
  const report = await runReview([file], { parser, detectorProblem: "cannot read the bug detector x" });
  assert.deepEqual(report.passes[0], {
    name: "learned",
    state: "failed",
    findings: 0,
    milliseconds: 0,
    note: "cannot read the bug detector x",
  });
});
