/**
 * The pure parts of speculative decoding: what the prompt lookup proposes, and how many proposals the tuner
 * allows. Verification against a real model is covered by the engine tests (same greedy output in every mode).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { InputLookupProposer, inputLookupDecode, SpeculationTuner } from "./speculativeDecoding";

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

test("worthProposing never probes; budget probes now and then when proposals do not pay", () => {
  const tuner = new SpeculationTuner(16, true);
  tuner.recordEvaluation(1, 2);
  tuner.recordEvaluation(5, 3);
  for (let cycle = 0; cycle < 30; cycle++) tuner.recordOutcome(4, 0);
  assert.deepEqual(
    Array.from({ length: 16 }, () => tuner.worthProposing()).filter((count) => count > 0),
    [],
  );
  assert.ok(Array.from({ length: 16 }, () => tuner.budget()).some((count) => count > 0));
});

test("a sequence starts verifying lookups at once only after requests that mostly copied", () => {
  const tuner = new SpeculationTuner(16, true);
  tuner.recordEvaluation(1, 2);
  tuner.recordEvaluation(5, 2.5);
  for (let cycle = 0; cycle < 20; cycle++) tuner.recordOutcome(8, 8);
  assert.equal(tuner.copyingLately(), false, "no request seen yet");
  for (let request = 0; request < 4; request++) tuner.recordRequest(64, 60);
  assert.equal(tuner.copyingLately(), true);
  for (let request = 0; request < 6; request++) tuner.recordRequest(64, 2);
  assert.equal(tuner.copyingLately(), false, "completions that copy little bring it back to plain decoding");
});

/**
 * A stand-in for a llama.cpp sequence whose greedy output is a fixed script, so that a test can see which
 * loop produced each token (node-llama-cpp's own `evaluate`, or a verifying `controlledEvaluate`); the real
 * model's identical greedy output is checked in modelEngine.test.ts. Evaluations take a fixed time (1 ms, and
 * 0.1 ms more per extra token in a batch), so that the tuner measures a cost as it would on a real model.
 */
function scriptedSequence(promptLength: number, script: readonly Token[], endOfGeneration: Token) {
  const work = (tokens: number) => {
    const until = performance.now() + 1 + 0.1 * (tokens - 1);
    while (performance.now() < until);
  };
  const predicted = (position: number) => script[position - promptLength + 1] ?? endOfGeneration;
  const sequence = {
    contextSize: 4096,
    nextTokenIndex: 0,
    plainTokens: 0,
    verifyingEvaluations: 0,
    model: { isEogToken: (token: Token) => token === endOfGeneration },
    async *evaluate(feed: Token[]) {
      let pending = feed.length;
      while (true) {
        work(pending);
        sequence.nextTokenIndex += pending;
        const token = predicted(sequence.nextTokenIndex - 1);
        if (token === endOfGeneration) return;
        sequence.plainTokens++;
        yield token;
        pending = 1;
      }
    },
    async controlledEvaluate(items: unknown[]) {
      const start = sequence.nextTokenIndex;
      work(items.length);
      sequence.nextTokenIndex += items.length;
      sequence.verifyingEvaluations++;
      return items.map((item, index) =>
        Array.isArray(item) ? { next: { token: predicted(start + index) } } : undefined,
      );
    },
    async eraseContextTokenRanges(ranges: { start: number; end: number }[]) {
      sequence.nextTokenIndex = ranges[0]!.start;
    },
  };
  return sequence;
}

async function decodeWithLookup(prompt: string, output: string) {
  const endOfGeneration = 0 as Token;
  const promptTokens = tokens(prompt);
  const sequence = scriptedSequence(
    promptTokens.length,
    [...tokens(output), endOfGeneration],
    endOfGeneration,
  );
  const config = { patternMinLength: 2, predictionMaxLength: 16, adaptive: true };
  const stats = { drafted: 0, accepted: 0, targetEvaluations: 0, proposalMs: 0 };
  const decoded: Token[] = [];
  for await (const token of inputLookupDecode(
    sequence as unknown as LlamaContextSequence,
    promptTokens,
    promptTokens.slice(),
    new InputLookupProposer(promptTokens, config),
    new SpeculationTuner(config.predictionMaxLength, true),
    { evaluationPriority: 5 },
    stats,
  )) {
    decoded.push(token);
  }
  return { text: text(decoded), sequence, stats };
}

test("input lookup decodes plainly while the output does not copy its prompt", async () => {
  const { text: output, sequence } = await decodeWithLookup(
    "def parse(text):\n    return text.split()\n",
    "x = 42\nprint(x * 2)\n",
  );
  assert.equal(output, "x = 42\nprint(x * 2)\n");
  assert.equal(sequence.verifyingEvaluations, 0, "no verifying evaluation");
});

test("input lookup verifies proposals once the output copies its prompt, and returns to plain decoding", async () => {
  const file = "function area(width, height) {\n  return width * height;\n}\n";
  const {
    text: output,
    sequence,
    stats,
  } = await decodeWithLookup(`${file}// again\n`, `${file}// done: the rest differs from everything above\n`);
  assert.equal(output, `${file}// done: the rest differs from everything above\n`);
  assert.ok(stats.accepted >= 10, `${stats.accepted} proposals accepted`);
  assert.ok(sequence.verifyingEvaluations < 15, `${sequence.verifyingEvaluations} verifying evaluations`);
  assert.ok(sequence.plainTokens >= 40, "the differing tail is decoded plainly");
});

test("a busy moment barely moves the measured cost of proposals", () => {
  const tuner = new SpeculationTuner(16, true);
  for (let cycle = 0; cycle < 10; cycle++) tuner.recordEvaluation(1, 2);
  for (let cycle = 0; cycle < 10; cycle++) tuner.recordEvaluation(9, 3);
  for (let cycle = 0; cycle < 40; cycle++) tuner.recordOutcome(8, 7);
  const calm = tuner.worthProposing();
  tuner.recordEvaluation(9, 40);
  tuner.recordEvaluation(9, 25);
  assert.ok(calm >= 8, `${calm} proposals when calm`);
  assert.ok(tuner.worthProposing() >= calm / 2, `${tuner.worthProposing()} after two slow evaluations`);
});
