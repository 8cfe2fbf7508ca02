/** Tests for the learned gate's features, its logistic regression and its threshold. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../base/numbers";
import {
  chooseThreshold,
  type GateExample,
  gateFeatureNames,
  gateFeatures,
  gateShows,
  isShowGateModel,
  trainShowGate,
} from "./showGate";

const input = {
  tokenProbabilities: [0.5, 0.25, 1],
  text: "return width * height",
  linePrefix: "    ",
  lineSuffix: "",
  language: "python",
  contextSources: ["retrieval"],
  recentAcceptRate: 0.4,
};

test("features: log-probabilities first, mean and minimum; cursor position; language one-hot", () => {
  const features = gateFeatures(input);
  assert.equal(features.length, gateFeatureNames.length);
  const named = Object.fromEntries(gateFeatureNames.map((name, index) => [name, features[index]]));
  assert.equal(named.firstTokenLogprob, Math.log(0.5));
  assert.ok(Math.abs(named.meanTokenLogprob! - (Math.log(0.5) + Math.log(0.25)) / 3) < 1e-12);
  assert.equal(named.minTokenLogprob, Math.log(0.25));
  assert.equal(named.atLineStart, 1);
  assert.equal(named.restOfLineEmpty, 1);
  assert.equal(named.retrievalContext, 1);
  assert.equal(named.recentEditContext, 0);
  assert.equal(named["language:python"], 1);
  assert.equal(named["language:other"], 0);
  const unknown = gateFeatures({ ...input, language: "haskell", tokenProbabilities: [] });
  assert.equal(unknown[gateFeatureNames.indexOf("language:other")], 1);
  assert.equal(unknown[0], -12, "no probabilities: the floor, never NaN");
});

/** Suggestions that match what the author wrote more often the more confident the model was (p cubed). */
function syntheticExamples(count: number, seed: number): GateExample[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const probability = Math.max(0.01, random());
    const matches = random() < probability ** 3;
    return {
      features: gateFeatures({ ...input, tokenProbabilities: [probability, probability] }),
      acceptedChars: matches ? 5 + Math.floor(random() * 30) : 0,
    };
  });
}

test("trained on informative features, the gate hides most misses and keeps the accepted characters", () => {
  const model = trainShowGate(syntheticExamples(300, 1), {
    keepAcceptedShare: 0.98,
    l2: 0.01,
    iterations: 400,
    learningRate: 0.5,
  });
  assert.ok(isShowGateModel(JSON.parse(JSON.stringify(model))), "survives a JSON round trip");
  const heldOut = syntheticExamples(300, 2);
  const shown = heldOut.filter((example) => gateShows(model, example.features));
  const accepted = (examples: GateExample[]) =>
    examples.reduce((sum, example) => sum + example.acceptedChars, 0);
  assert.ok(shown.length < 0.8 * heldOut.length, `shown ${shown.length} of ${heldOut.length}`);
  assert.ok(accepted(shown) >= 0.95 * accepted(heldOut), `kept ${accepted(shown)} of ${accepted(heldOut)}`);
});

test("the threshold keeps the share of accepted characters asked for, and never splits ties", () => {
  const scored = [
    { score: 0.9, acceptedChars: 50 },
    { score: 0.7, acceptedChars: 30 },
    { score: 0.5, acceptedChars: 0 },
    { score: 0.3, acceptedChars: 20 },
    { score: 0.1, acceptedChars: 0 },
  ];
  assert.equal(chooseThreshold(scored, 0.8), 0.7);
  assert.equal(chooseThreshold(scored, 1), 0.3);
  assert.equal(chooseThreshold(scored, 0.5), 0.9);
  assert.equal(chooseThreshold([{ score: 0.4, acceptedChars: 0 }], 0.99), 0, "nothing to keep: show all");
  const tied = [
    { score: 0.6, acceptedChars: 10 },
    { score: 0.6, acceptedChars: 10 },
    { score: 0.2, acceptedChars: 0 },
  ];
  assert.equal(chooseThreshold(tied, 0.5), 0.6);
});

test("a stored gate with other features is not used", () => {
  const model = trainShowGate(syntheticExamples(50, 3));
  assert.equal(isShowGateModel({ ...model, featureNames: ["firstTokenLogprob"] }), false);
  assert.equal(isShowGateModel(null), false);
});
