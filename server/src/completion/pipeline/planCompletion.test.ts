/**
 * Tests for the one-step plan: windows, decision, prompt, token limit and filter context together, and the
 * way an orchestrator uses them with a model stand-in.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCursor } from "./cursorMarker";
import { explainCompletionPlan, planCompletion } from "./planCompletion";
import { createStreamingFilter, finalize } from "./postprocess";

const { text, offset } = parseCursor(
  "import { sum } from './sum';\n\nfunction total(xs: number[]) {\n  $0\n}\n",
);

function plan(overrides: Partial<Parameters<typeof planCompletion>[0]> = {}) {
  return planCompletion({
    text,
    offset,
    path: "src/total.ts",
    language: "typescript",
    family: "hearth",
    countTokens: (chunk) => chunk.length,
    budget: { maxPromptTokens: 400 },
    candidates: [
      {
        source: "importDefinition",
        path: "src/sum.ts",
        text: "export function sum(xs: number[]) {}",
        score: 0.8,
      },
    ],
    ...overrides,
  });
}

test("the plan holds the prompt, the decision and the limits for a blank line in a new body", () => {
  const result = plan();
  assert.equal(result.multiline, true);
  assert.equal(result.decision.reason, "afterBlockOpener");
  assert.equal(result.maxTokens, 128);
  assert.equal(
    result.prompt.text,
    "<fim_suffix>\n}\n<fim_prefix>export function sum(xs: number[]) {}\n<file_sep>import { sum } from './sum';\n\n" +
      "function total(xs: number[]) {\n  ",
  );
  assert.deepEqual(result.prompt.stop, ["</s>", "<file_sep>", "<fim_prefix>", "<fim_suffix>", "<pad>"]);
  assert.deepEqual(result.filter.stop, result.prompt.stop);
  assert.equal(result.filter.multiline, true);
});

test("an override forces single-line mode and its token limit", () => {
  const result = plan({ multiline: false, maxTokens: { singleLine: 20, multiline: 90 } });
  assert.equal(result.multiline, false);
  assert.equal(result.decision.multiline, true, "the decision itself is still reported");
  assert.equal(result.maxTokens, 20);
  assert.equal(result.filter.multiline, false);
});

test("an orchestrator's flow: stream, stop early, finalize", () => {
  const result = plan();
  const filter = createStreamingFilter(result.filter);
  const modelOutput = "return sum(xs);\n}\n\nfunction other() {";
  let generated = "";
  for (const char of modelOutput) {
    generated += char;
    if (filter.push(generated).stop) break;
  }
  assert.equal(generated, "return sum(xs);\n}", "generation stopped at the brace the document already has");
  assert.equal(finalize(generated, result.filter), "return sum(xs);");
});

test("explainCompletionPlan says what was decided, what was dropped and shows the prompt", () => {
  const result = plan({
    candidates: [
      {
        source: "importDefinition",
        path: "src/sum.ts",
        text: "export function sum(xs: number[]) {}",
        score: 0.8,
      },
      { source: "retrieval", path: "src/total.ts", text: "function total(xs: number[]) {", score: 0.5 },
    ],
  });
  const lines = explainCompletionPlan(result).split("\n");
  assert.deepEqual(lines.slice(0, 4), [
    "mode: multi-line (rule: afterBlockOpener), max 128 tokens",
    "windows: prefix 63 tokens, suffix 3 tokens, snippets 50 tokens",
    "snippet src/sum.ts (importDefinition, score 0.800, 50 tokens)",
    "dropped src/total.ts (retrieval, score 0.500): inWindow",
  ]);
  assert.ok(lines.includes("--- snippet src/sum.ts (37 chars) ---"));
});
