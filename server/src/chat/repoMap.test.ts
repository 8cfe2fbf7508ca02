/** Tests for ranking the repository map by the reference graph. */

import assert from "node:assert/strict";
import test from "node:test";
import { identifiersIn, rankDefinitions } from "./repoMap";

test("a definition used across the workspace ranks above one nobody else uses", () => {
  const definitions = [
    { path: "money.py", name: "round_cents", startLine: 1, endLine: 3 },
    { path: "money.py", name: "_debug_dump", startLine: 5, endLine: 7 },
    { path: "cart.py", name: "Cart", startLine: 1, endLine: 20 },
    { path: "report.py", name: "print_report", startLine: 1, endLine: 9 },
  ];
  const identifiers = new Map([
    ["money.py", identifiersIn("def round_cents(value): ...\ndef _debug_dump(): ...")],
    ["cart.py", identifiersIn("from money import round_cents\nclass Cart: total = round_cents(1)")],
    [
      "report.py",
      identifiersIn("from cart import Cart\nfrom money import round_cents\nprint_report(Cart())"),
    ],
  ]);
  const ranked = rankDefinitions(definitions, identifiers).map((definition) => definition.name);
  assert.equal(ranked[0], "round_cents");
  assert.ok(ranked.indexOf("round_cents") < ranked.indexOf("_debug_dump"));
  assert.ok(ranked.indexOf("Cart") < ranked.indexOf("print_report"));
});

test("names defined in too many files link nothing", () => {
  const definitions = Array.from({ length: 20 }, (_, index) => ({
    path: `m${index}.py`,
    name: "__init__",
    startLine: 1,
    endLine: 2,
  }));
  const identifiers = new Map(definitions.map((definition) => [definition.path, new Set(["__init__"])]));
  const ranked = rankDefinitions(definitions, identifiers);
  const scores = new Set(ranked.map((definition) => definition.score.toFixed(9)));
  assert.equal(scores.size, 1, "every file ranks the same");
});
