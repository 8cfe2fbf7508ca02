/** Tests for the stop rule that cuts at the model's stop strings. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { filterContextAt as at } from "./filterContext";
import { stopAtModelStop } from "./stopAtModelStop";

test("stopAtModelStop cuts at the earliest stop string", () => {
  const context = at("x = $0", { stop: ["<|endoftext|>", "<|file_sep|>"] });
  assert.equal(stopAtModelStop("42<|file_sep|>b.py\n<|endoftext|>", context, false), 2);
  assert.equal(stopAtModelStop("42", context, false), null);
  assert.equal(stopAtModelStop("<|endoftext|>", context, false), 0);
});
