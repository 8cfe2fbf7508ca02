/**
 * Tests for the pipeline: the streaming filter stops generation as early as a rule allows and keeps the text
 * up to the cut; `finalize` runs stop rules to a fixed point, then the clean-up rules in order, and never
 * returns an empty suggestion.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { createStreamingFilter, finalize, finalizeWithTrace } from "./index";

test("the streaming filter lets text through until a rule fires, then keeps answering the same", () => {
  const filter = createStreamingFilter(at("function f() {\n  $0\n}", { multiline: true }));
  assert.deepEqual(filter.push("ret"), { stop: false, text: "ret" });
  assert.deepEqual(filter.push("return 1;\n"), { stop: false, text: "return 1;\n" });
  assert.equal(filter.stoppedBy, null);
  assert.deepEqual(filter.push("return 1;\n}"), { stop: true, text: "return 1;\n" });
  assert.equal(filter.stoppedBy, "unbalancedBracket");
  assert.deepEqual(filter.push("return 1;\n}\n\nmore"), { stop: true, text: "return 1;\n" });
});

test("a single line stops at its newline: the tokens after it are never generated", () => {
  const filter = createStreamingFilter(at("const x = $0"));
  assert.equal(filter.push("compute(").stop, false);
  assert.deepEqual(filter.push("compute();\n"), { stop: true, text: "compute();" });
  assert.equal(filter.stoppedBy, "firstNewline");
});

test("the earliest cut wins when several rules fire", () => {
  const filter = createStreamingFilter(at("x = $0", { stop: ["<|endoftext|>"] }));
  assert.deepEqual(filter.push("1<|endoftext|>\n"), { stop: true, text: "1" });
  assert.equal(filter.stoppedBy, "modelStop");
});

test("finalize: stop rules, then clean-up, with a trace of every change", () => {
  const context = at("function f() {\n  $0\n}", { multiline: true });
  const result = finalizeWithTrace("  return 1;\n}\n\nfunction g() {}", context);
  assert.equal(result.text, "return 1;");
  // The closing line is both under-indented and unbalanced; the indentation rule cuts a character earlier.
  assert.deepEqual(result.steps, [
    { rule: "indentationDrop", text: "  return 1;" },
    { rule: "normalizeIndentation", text: "return 1;" },
  ]);
  const single = finalizeWithTrace("x)  \n", at("foo($0)"));
  assert.deepEqual(single, {
    text: "x",
    steps: [{ rule: "unbalancedBracket", text: "x" }],
  });
});

test("finalize returns null rather than an empty or whitespace-only suggestion", () => {
  assert.equal(finalize("", at("x = $0")), null);
  assert.equal(finalize("   \n\n", at("x = $0", { multiline: true })), null);
  assert.equal(finalize("\nnext()", at("x = $0")), null);
  assert.deepEqual(finalizeWithTrace("  ", at("x = $0")).steps.at(-1), { rule: "rejectEmpty", text: null });
});

test("a truncated multi-line completion loses its unfinished last line, unless a stop rule cut it", () => {
  const context = at("def f():\n    $0", { multiline: true, language: "python" });
  assert.equal(finalize("a = 1\n    b = compu", context, { truncated: true }), "a = 1");
  assert.equal(finalize("a = 1\n    b = compu", context), "a = 1\n    b = compu");
  assert.equal(finalize("a = 1\n\nx = 2", context, { truncated: true }), "a = 1");
});
