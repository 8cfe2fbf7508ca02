/**
 * The pure parts of speculative decoding: what the prompt lookup proposes, and how many proposals the tuner
 * allows. Verification against a real model is covered by the engine tests (same greedy output in every mode).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Token } from "node-llama-cpp";
import { InputLookupProposer, SpeculationTuner } from "./speculativeDecoding";

const tokens = (text: string) => [...text].map((character) => character.charCodeAt(0) as Token);
const text = (ids: readonly Token[]) => String.fromCharCode(...(ids as unknown as number[]));

test("input lookup proposes what followed the latest text in the prompt, and follows the match", () => {
  const prompt = tokens("function add(a, b) { return a + b; }\n// again\nfunction add(");
  const proposer = new InputLookupProposer(prompt, {
    patternMinLength: 2,
    predictionMaxLength: 8,
    adaptive: true,
  });
  const history = prompt.slice();
  assert.equal(text(proposer.propose(history, 8)), "a, b) { ");
  history.push(...tokens("a, b"));
  assert.equal(text(proposer.propose(history, 4)), ") { ");
  // The output leaves the prompt's text: no proposal until the history matches the prompt again.
  history.push(...tokens("XYZ"));
  assert.deepEqual(proposer.propose(history, 4), []);
  history.push(...tokens(" return"));
  assert.equal(text(proposer.propose(history, 5)), " a + ");
});

test("input lookup needs a pattern of at least patternMinLength tokens", () => {
  const prompt = tokens("abcdef");
  const proposer = new InputLookupProposer(prompt, {
    patternMinLength: 3,
    predictionMaxLength: 4,
    adaptive: true,
  });
  assert.deepEqual(proposer.propose([...prompt, ...tokens("zb")], 4), []);
  assert.equal(text(proposer.propose([...prompt, ...tokens("zabc")], 4)), "def");
});

test("the tuner proposes more while proposals are accepted and stops, save probes, when they are not", () => {
  const tuner = new SpeculationTuner(16, true);
  for (let cycle = 0; cycle < 5; cycle++) tuner.recordEvaluation(1, 2);
  for (let cycle = 0; cycle < 5; cycle++) tuner.recordEvaluation(5, 3);
  for (let cycle = 0; cycle < 30; cycle++) tuner.recordOutcome(8, 8);
  assert.equal(tuner.budget(), 16);
  for (let cycle = 0; cycle < 30; cycle++) tuner.recordOutcome(4, 0);
  const budgets = Array.from({ length: 16 }, () => tuner.budget());
  assert.deepEqual(
    budgets.filter((budget) => budget > 0),
    [1, 1],
    "two probes in 16 cycles",
  );
  assert.equal(new SpeculationTuner(6, false).budget(), 6, "not adaptive: always the maximum");
});

test("an expensive proposer (a draft model) gets fewer proposals than a free one at the same acceptance", () => {
  const free = new SpeculationTuner(16, true);
  const costly = new SpeculationTuner(16, true);
  for (const tuner of [free, costly]) {
    tuner.recordEvaluation(1, 2);
    tuner.recordEvaluation(3, 2.4);
    for (let cycle = 0; cycle < 20; cycle++) tuner.recordOutcome(4, 3);
  }
  costly.recordProposals(4, 3.2);
  assert.ok(costly.budget() < free.budget(), `${costly.budget()} vs ${free.budget()}`);
});
