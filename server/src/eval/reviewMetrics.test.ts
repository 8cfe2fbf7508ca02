/** Review eval scoring on hand-made outcomes whose figures can be counted by hand. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding } from "../review/finding";
import type { ReviewCase } from "./reviewCases";
import { scoreReviewEval } from "./reviewMetrics";

function reviewCase(kind: ReviewCase["kind"], bugLine?: number): ReviewCase {
  return {
    id: kind,
    kind,
    file: { path: "a.py", language: "python", text: "" },
    ...(bugLine ? { bugLine } : {}),
  };
}

function finding(line: number, category = "wrong-operator"): Finding {
  return {
    file: "a.py",
    startLine: line,
    endLine: line,
    category,
    severity: "warning",
    message: "m",
    evidence: ["x"],
    confidence: 0.9,
    source: "learned",
  };
}

test("recall within two lines, precision over all findings, false positives per clean case, per kind and control", () => {
  const scores = scoreReviewEval(
    [
      {
        case: reviewCase("wrong-operator", 10),
        findings: [finding(12), finding(30)],
        milliseconds: 5,
        cpuMilliseconds: 1,
      },
      {
        case: reviewCase("off-by-one", 10),
        findings: [finding(13, "off-by-one")],
        milliseconds: 7,
        cpuMilliseconds: 1,
      },
      { case: reviewCase("off-by-one", 4), findings: [finding(4)], milliseconds: 9, cpuMilliseconds: 1 },
      { case: reviewCase("unchanged"), findings: [], milliseconds: 3, cpuMilliseconds: 1 },
      { case: reviewCase("renamed"), findings: [finding(2)], milliseconds: 4, cpuMilliseconds: 1 },
    ],
    ["learned"],
  );
  assert.equal(scores.bugCases, 3);
  assert.equal(scores.cleanCases, 2);
  assert.equal(scores.recall, 0.6667);
  assert.equal(scores.precision, 0.4);
  assert.equal(scores.falsePositivesPerCleanCase, 0.5);
  assert.deepEqual(scores.perKind["off-by-one"], {
    cases: 2,
    recall: 0.5,
    precision: 0,
    findings: 1,
    kindMatched: 0,
  });
  assert.equal(scores.perKind["wrong-operator"]?.precision, 0.5);
  assert.deepEqual(scores.perControl.renamed, { cases: 1, falsePositivesPerCase: 1, findings: 1 });
  assert.equal(scores.perControl.reformatted?.falsePositivesPerCase, null);
  assert.equal(scores.perSource.learned?.findings, 5);
  assert.equal(scores.p50MsPerCase, 5);
});
