/** Tests for fitting a chat turn into the model's context: the documented order, the notes, and never overflowing. */

import assert from "node:assert/strict";
import test from "node:test";
import { type ChatBudgetInput, planChatBudget } from "./chatBudget";
import type { ContextBlock } from "./chatPrompt";

const countTokens = (text: string) => text.length; // a character-level model, like Hearth's tiny chat model

function block(path: string, lines: number, startLine = 1): ContextBlock {
  const text = Array.from({ length: lines }, (_, index) => `line_${index} = ${index}`).join("\n");
  return { path, startLine, endLine: startLine + lines - 1, text, language: "python" };
}

const base: ChatBudgetInput = {
  contextSize: 100_000,
  answerTokens: 100,
  countTokens,
  map: [{ name: "f", path: "a.py", startLine: 1, endLine: 2 }],
  history: [{ blocks: [block("h.py", 10)], question: "first?", answer: "f @ a.py:1-2" }],
  mentioned: [block("m.py", 40)],
  retrieved: [block("r1.py", 30), block("r2.py", 30)],
  question: "where is f?",
};

test("when everything fits, nothing is left out", () => {
  const plan = planChatBudget(base);
  assert.equal(plan.leftOut.length, 0);
  assert.equal(plan.blocks.length, 3);
  assert.ok(plan.fits);
});

test("retrieved blocks go first, lowest ranked first; what the user pointed at is cut last, with a note", () => {
  const full = planChatBudget(base).promptTokens;
  const tight = planChatBudget({ ...base, contextSize: full + base.answerTokens - 300 });
  assert.deepEqual(
    tight.leftOut.map((item) => item.path),
    ["r2.py"],
  );
  assert.ok(tight.fits && tight.promptTokens <= full - 300);

  const tighter = planChatBudget({ ...base, contextSize: 600 + base.answerTokens });
  const kinds = tighter.leftOut.map((item) => item.kind);
  assert.ok(tighter.fits, `over by ${tighter.promptTokens - 600}`);
  assert.deepEqual(kinds.slice(0, 2), ["retrieved", "retrieved"]);
  assert.ok(kinds.indexOf("history") < kinds.indexOf("mentioned"), kinds.join(","));
  const cut = tighter.leftOut.find((item) => item.kind === "mentioned");
  assert.match(cut?.note ?? "", /cut to its first \d+ of 40 lines/);
});

test("the plan never overflows: a question alone that is too long says it does not fit", () => {
  const plan = planChatBudget({ ...base, contextSize: 300, question: "x".repeat(500) });
  assert.equal(plan.fits, false);
  assert.equal(plan.blocks.length, 0);
  assert.equal(plan.history.length, 0);
});
