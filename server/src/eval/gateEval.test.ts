/** Tests for measuring the learned gate on held-out commits. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../base/numbers";
import { gateFeatures } from "../completion/pipeline";
import { evaluateGate } from "./gateEval";
import type { CompletionOutcome } from "./timeTravelEval";

/** Outcomes of six commits, ten cases each; the author wrote the suggestion more often when the model was sure. */
function outcomes(): CompletionOutcome[] {
  const random = seededRandom(4);
  return Array.from({ length: 60 }, (_, index) => {
    const confidence = Math.max(0.01, random());
    const matched = random() < confidence ** 3;
    const empty = index % 10 === 9;
    return {
      key: `case-${index}`,
      commit: `commit-${Math.floor(index / 10)}`,
      path: "a.py",
      kind: "line",
      language: "python",
      exact: matched,
      similarity: matched ? 1 : 0.3,
      identifierF1: matched ? 1 : 0,
      acceptedChars: empty ? 0 : matched ? 20 : 0,
      wholeMatch: matched && !empty,
      parses: true,
      ms: 10,
      chars: empty ? 0 : 20,
      expectedChars: 20,
      retrievedPaths: [],
      gateFeatures: gateFeatures({
        tokenProbabilities: [confidence, confidence],
        text: "x",
        linePrefix: "",
        lineSuffix: "",
        language: "python",
        contextSources: [],
        recentAcceptRate: 0.5,
      }),
    };
  });
}

test("the gate trains on the older commits and is measured on the newest third, suggestions only", () => {
  const { report, model } = evaluateGate(outcomes());
  assert.equal(report.trainCommits, 4);
  assert.equal(report.heldOutCommits, 2);
  assert.equal(report.trainExamples, 36, "empty answers are never shown, so they are not examples");
  assert.equal(report.heldOutExamples, 18);
  assert.equal(report.baselineShown, 18);
  assert.ok(report.gatedShown <= report.baselineShown);
  assert.equal(report.shownReduction, Math.round((1 - report.gatedShown / 18) * 10_000) / 10_000);
  assert.ok(report.baselineAcceptedChars > 0);
  assert.equal(report.feedbackExamples, 0);
  assert.ok(model, "a model to store, trained on every commit");
});

test("feedback examples train the stored gate but not the measurement; nothing to learn gives no gate", () => {
  const feedback = [{ features: outcomes()[0]!.gateFeatures, acceptedChars: 12 }];
  const withFeedback = evaluateGate(outcomes(), feedback);
  assert.deepEqual(
    { ...withFeedback.report, feedbackExamples: 0 },
    evaluateGate(outcomes()).report,
    "the held-out figures do not change",
  );
  assert.equal(withFeedback.report.feedbackExamples, 1);
  const none = evaluateGate([]);
  assert.equal(none.model, null);
  assert.equal(none.report.shownReduction, null);
  assert.equal(none.report.acceptedCharsRatio, null);
});
