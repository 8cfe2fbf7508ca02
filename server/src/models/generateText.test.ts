/** Stop-string handling of the generation loop, which must never show a stop string or half a character. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { findStop, visibleText } from "./generateText";

test("findStop finds a stop string that the newest text completed", () => {
  assert.equal(findStop("abc\n\ndef", ["\n\n"], 4), 3);
  assert.equal(findStop("abc", ["\n\n"], 2), -1);
  assert.equal(findStop("x END y STOP", ["STOP", "END"], 3), 2);
  assert.equal(findStop("aSTOPbEND", ["END", "STOP"], 0), 1, "the earliest stop wins");
  assert.equal(findStop("x END y", ["END"], 7), -1, "text checked before is not searched again");
});

test("visibleText holds back a partial stop string and an incomplete character", () => {
  assert.equal(visibleText("return x\n", ["\n\n"]), "return x");
  assert.equal(visibleText("return x", ["\n\n"]), "return x");
  assert.equal(visibleText("a <|fim", ["<|fim_pad|>"]), "a ");
  assert.equal(visibleText("caf\uFFFD", []), "caf");
});
