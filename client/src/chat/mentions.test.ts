/** Tests for the chat input's @-mention helpers. */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  completeMention,
  isMentionable,
  matchingOptions,
  mentionAt,
  mentionOptions,
  mentionsSelection,
  optionText,
  valueText,
} from "./mentions";

test("an @ at the start or after a space starts a mention; an @ inside a word does not", () => {
  assert.deepEqual(mentionAt("@", 1), { stage: "kind", start: 0, end: 1, query: "" });
  assert.deepEqual(mentionAt("explain @se", 11), { stage: "kind", start: 8, end: 11, query: "se" });
  assert.equal(mentionAt("mail me@example", 15), undefined);
  assert.equal(mentionAt("explain @selection now", 22), undefined);
  assert.equal(mentionAt("@diff:x", 7), undefined);
});

test("after @file: or @symbol: the value is being typed", () => {
  assert.deepEqual(mentionAt("what is in @file:pkg/geo", 24), {
    stage: "value",
    kind: "file",
    start: 11,
    end: 24,
    query: "pkg/geo",
  });
  assert.deepEqual(mentionAt("@symbol:", 8), { stage: "value", kind: "symbol", start: 0, end: 8, query: "" });
});

test("the five kinds are offered, filtered by what was typed", () => {
  assert.deepEqual(
    mentionOptions.map((option) => option.label),
    ["@file", "@symbol", "@selection", "@diff", "@recent"],
  );
  assert.deepEqual(
    matchingOptions("s").map((option) => option.kind),
    ["symbol", "selection"],
  );
  assert.deepEqual(matchingOptions("x"), []);
});

test("picking replaces the typed mention; kinds with a value leave the cursor after the colon", () => {
  const text = "explain @fi please";
  const mention = mentionAt(text, 11)!;
  const file = mentionOptions.find((option) => option.kind === "file")!;
  assert.deepEqual(completeMention(text, mention, optionText(file)), {
    text: "explain @file: please",
    cursor: 14,
  });
  const valueMention = mentionAt("explain @file:ge", 16)!;
  assert.deepEqual(completeMention("explain @file:ge", valueMention, valueText("file", "pkg/geometry.py")), {
    text: "explain @file:pkg/geometry.py ",
    cursor: 30,
  });
  assert.equal(isMentionable("pkg/geometry.py"), true);
  assert.equal(isMentionable("my docs/a b.md"), false);
  assert.equal(isMentionable("weird(name).py"), false);
  const selection = mentionOptions.find((option) => option.kind === "selection")!;
  assert.deepEqual(completeMention("@sel", mentionAt("@sel", 4)!, optionText(selection)), {
    text: "@selection ",
    cursor: 11,
  });
});

test("@selection is recognised as a word of its own", () => {
  assert.equal(mentionsSelection("what does @selection do?"), true);
  assert.equal(mentionsSelection("@selection"), true);
  assert.equal(mentionsSelection("mail@selection.com"), false);
  assert.equal(mentionsSelection("@selections"), false);
});
