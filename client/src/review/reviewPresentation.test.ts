/** The review's wording and the stale-fix check, on findings shaped like the server's. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ReviewFinding, ReviewResult } from "../../../server/src/protocol";
import { diagnosticMessage, fixStillApplies, relatedLines, reviewSummary } from "./reviewPresentation";

const finding: ReviewFinding = {
  id: "abc",
  uri: "file:///w/tree.py",
  path: "tree.py",
  range: { start: { line: 5, character: 0 }, end: { line: 5, character: 51 } },
  category: "swapped-arguments",
  severity: "warning",
  message: "Possible swapped arguments.",
  evidence: ["    return copy_tree(target_dir, source_dir, False)"],
  fix: {
    range: { start: { line: 5, character: 0 }, end: { line: 5, character: 51 } },
    newText: "    return copy_tree(source_dir, target_dir, False)",
  },
  confidence: 0.912,
  source: "learned",
};

test("the message says where a finding came from; related lines quote the evidence and the fix", () => {
  assert.equal(diagnosticMessage(finding), "Possible swapped arguments. (learned detector, confidence 91%)");
  assert.deepEqual(relatedLines(finding), [
    { line: 5, text: "evidence: return copy_tree(target_dir, source_dir, False)" },
    { line: 5, text: "suggested fix: return copy_tree(source_dir, target_dir, False)" },
  ]);
});

test("a fix applies only while the flagged lines still hold the evidence", () => {
  const lines = ["", "", "", "", "", "    return copy_tree(target_dir, source_dir, False)"];
  assert.equal(fixStillApplies(finding, lines), true);
  const edited = [...lines];
  edited[5] = "    return copy_tree(source_dir, target_dir, False)";
  assert.equal(fixStillApplies(finding, edited), false);
  assert.equal(fixStillApplies({ ...finding, fix: undefined }, lines), false);
});

test("the summary counts findings and files, says an error or a cancel plainly, and folds many notes", () => {
  const result: ReviewResult = {
    findings: [finding],
    notes: ["model pass off: no chat model", "skipped a.bin: binary", "skipped b.bin: binary"],
    cancelled: false,
    reviewed: ["tree.py"],
    skipped: [],
    passes: [],
    dropped: {},
    milliseconds: 12,
  };
  assert.equal(
    reviewSummary(result),
    "Hearth review: 1 finding in 1 file. model pass off: no chat model; skipped a.bin: binary (+1 more)",
  );
  assert.equal(
    reviewSummary({ ...result, error: "x is not in a git repository" }),
    "Hearth review: x is not in a git repository",
  );
  assert.equal(reviewSummary({ ...result, cancelled: true }), "Hearth review cancelled.");
});
