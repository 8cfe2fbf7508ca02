/**
 * Properties of the whole pipeline on random code-like text (a fixed seed, so failures reproduce): nothing
 * throws, no suggestion is blank, and finalizing what the streaming filter kept when it stopped generation
 * gives the same suggestion as finalizing everything the model would have written.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { decideMultilineAt } from "../multiline";
import { createFilterContext, createStreamingFilter, finalize } from "./index";

const pieces = [
  "a",
  "b",
  "x1",
  " ",
  "  ",
  "\t",
  "\n",
  "\n  ",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  '"',
  "'",
  "`",
  ";",
  ",",
  ":",
  "//",
  "#",
  "/*",
  "*/",
  "=>",
  "if ",
  "return ",
  "end",
  "\\",
];

/** A linear congruential generator: deterministic, good enough to shuffle pieces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function codeLike(next: () => number, pieceCount: number): string {
  let text = "";
  for (let index = 0; index < pieceCount; index++) text += pieces[Math.floor(next() * pieces.length)];
  return text;
}

test("on random text: no throw, no blank suggestion, and stopping early changes nothing", () => {
  const next = random(42);
  for (let round = 0; round < 400; round++) {
    const document = codeLike(next, 30);
    const offset = Math.floor(next() * (document.length + 1));
    const completion = codeLike(next, 20);
    for (const language of ["typescript", "python", "rust"]) {
      const { multiline } = decideMultilineAt(document, offset, language);
      const context = createFilterContext({
        text: document,
        offset,
        multiline,
        language,
        stop: ["<|endoftext|>"],
      });
      const whole = finalize(completion, context);
      if (whole !== null) assert.notEqual(whole.trim(), "", JSON.stringify({ document, offset, completion }));
      const filter = createStreamingFilter(context);
      let kept = completion;
      for (let length = 1; length <= completion.length; length++) {
        const decision = filter.push(completion.slice(0, length));
        if (decision.stop) {
          kept = decision.text;
          break;
        }
      }
      assert.equal(
        finalize(kept, context),
        whole,
        JSON.stringify({ document, offset, language, completion }),
      );
    }
  }
});
