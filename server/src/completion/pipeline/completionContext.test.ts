/**
 * Tests for the prompt windows (whole lines, budgets, the cursor line kept) and snippet admission (dedupe,
 * near-duplicates, order, cutting to fit, limits). Tokens are counted as characters so every number is exact.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  approximateTokenCount,
  buildCompletionContext,
  type ContextBudget,
  jaccardSimilarity,
  lineSet,
  type SnippetCandidate,
} from "./completionContext";
import { parseCursor } from "./cursorMarker";

const characters = (text: string) => text.length;

function context(marked: string, budget: Partial<ContextBudget>, candidates: SnippetCandidate[] = []) {
  const { text, offset } = parseCursor(marked);
  return buildCompletionContext({ text, offset, countTokens: characters, budget, candidates });
}

test("windows grow by whole lines until the prefix and suffix budgets are spent", () => {
  const result = context("l1\nl2\nl3\ncur$0sor\nn1\nn2\n", {
    maxPromptTokens: 100,
    prefixShare: 0.1,
    suffixShare: 0.1,
    prefixAnchorLines: 1,
  });
  assert.equal(result.prefix, "l2\nl3\ncur");
  assert.equal(result.suffix, "sor\nn1\nn2\n");
  assert.equal(result.linePrefix, "cur");
  assert.equal(result.lineSuffix, "sor");
  assert.equal(result.prefixTokens, 9);
  assert.equal(result.suffixTokens, 10);
  assert.equal(result.prefixStart, 3);
  assert.equal(result.suffixEnd, 22);
});

test("the cursor line stays whole even when that leaves no room for the line above", () => {
  const result = context("above\n    return comp$0uted;\nbelow", {
    maxPromptTokens: 100,
    prefixShare: 0.16,
    suffixShare: 0.08,
  });
  assert.equal(result.prefix, "    return comp");
  assert.equal(result.suffix, "uted;");
});

test("a cursor line longer than its window (minified code) is cut from the far end", () => {
  const result = context("0123456789ABC$0abcdefghij\nnext", {
    maxPromptTokens: 100,
    prefixShare: 0.05,
    suffixShare: 0.03,
  });
  assert.equal(result.prefix, "89ABC");
  assert.equal(result.linePrefix, "89ABC");
  assert.equal(result.suffix, "abc");
  assert.equal(result.prefixTokens, 5);
  assert.equal(result.suffixTokens, 3);
});

test("at the start and end of a document the windows hold what there is", () => {
  const result = context("$0only", { maxPromptTokens: 100, prefixShare: 0.5, suffixShare: 0.2 });
  assert.equal(result.prefix, "");
  assert.equal(result.suffix, "only");
  const end = context("a\nb$0", { maxPromptTokens: 100, prefixShare: 0.5, suffixShare: 0.2 });
  assert.equal(end.prefix, "a\nb");
  assert.equal(end.suffix, "");
});

test("documents that start with blank lines, the cursor at the very start included", () => {
  const below = context("\n\nabc$0", { maxPromptTokens: 100, prefixShare: 0.5, suffixShare: 0.2 });
  assert.equal(below.prefix, "\n\nabc");
  assert.equal(below.linePrefix, "abc");
  const start = context("$0\nabc", { maxPromptTokens: 100, prefixShare: 0.5, suffixShare: 0.2 });
  assert.equal(start.prefix, "");
  assert.equal(start.linePrefix, "");
  assert.equal(start.suffix, "\nabc");
});

const document = "function add(a, b) {\n  return a + b;\n}\n\nconst total = $0\n";
const mul = "export function mul(a, b) {\n  return a * b;\n}";

test("snippets: empty, already in the window and near-duplicates are dropped; the rest come least relevant first", () => {
  const candidates: SnippetCandidate[] = [
    { source: "retrieval", path: "src/math.ts", text: mul, score: 0.9 },
    {
      source: "retrieval",
      path: "src/add.ts",
      text: "function add(a, b) {\n  return a + b;\n}",
      score: 0.95,
    },
    { source: "openFile", path: "src/math-copy.ts", text: `${mul}\n`, score: 0.5 },
    { source: "recentEdit", path: "src/e.ts", text: "   \n  ", score: 0.99 },
    { source: "importDefinition", path: "src/types.ts", text: "export type N = number;", score: 0.7 },
  ];
  const result = context(document, { maxPromptTokens: 1000 }, candidates);
  assert.deepEqual(
    result.snippets.map((snippet) => [snippet.path, snippet.tokens, snippet.truncated]),
    [
      ["src/types.ts", 12 + 4 + 23, false],
      ["src/math.ts", 11 + 4 + mul.length, false],
    ],
  );
  assert.deepEqual(
    result.dropped.map((dropped) => [dropped.candidate.path, dropped.reason]),
    [
      ["src/e.ts", "empty"],
      ["src/add.ts", "inWindow"],
      ["src/math-copy.ts", "nearDuplicate"],
    ],
  );
  assert.equal(result.snippetTokens, 39 + 15 + mul.length);
});

test("a prefix window cut by its budget starts on an anchor line, and stays there while the user types", () => {
  const lines = Array.from({ length: 10 }, (_, index) => `l${index}`).join("\n");
  const budget = { maxPromptTokens: 100, prefixShare: 0.15, suffixShare: 0.1, prefixAnchorLines: 4 };
  // 15 tokens reach back to line 5 ("l5\n" .. "l8\n" and the cursor line "l9"); the anchor moves the start to line 8.
  const first = context(`${lines}$0`, budget);
  assert.equal(first.prefix, "l8\nl9");
  const typed = context(`${lines}xy$0`, budget);
  assert.equal(typed.prefixStart, first.prefixStart);
  assert.equal(typed.prefix, "l8\nl9xy");
  // A window that reaches the document's start is not moved.
  assert.equal(context("l0\nl1\nl2$0", budget).prefix, "l0\nl1\nl2");
});

test("the snippet budget comes from the windows' shares, so typing does not change which snippets fit", () => {
  const budget = {
    maxPromptTokens: 100,
    reservedTokens: 0,
    prefixShare: 0.5,
    suffixShare: 0.1,
    minSnippetTokens: 48,
  };
  const snippet: SnippetCandidate = { source: "retrieval", path: "p.ts", text: "x".repeat(32), score: 1 };
  // 100 - 50 - 10 = 40 tokens for snippets whatever the windows use: the snippet costs 4 + 4 + 32 = 40.
  const short = context("a$0", budget, [snippet]);
  const longer = context("abcdefghij$0", budget, [snippet]);
  assert.equal(short.snippetTokens, 40);
  assert.deepEqual(longer.snippets, short.snippets);
});

test("a snippet that does not fit is cut to whole leading lines when enough budget remains", () => {
  const text = ["0123456789", "abcdefghij", "ABCDEFGHIJ", "klmnopqrst", "KLMNOPQRST"].join("\n");
  const result = context(
    "a\n$0",
    { maxPromptTokens: 100, reservedTokens: 38, prefixShare: 0.02, suffixShare: 0, minSnippetTokens: 48 },
    [{ source: "retrieval", path: "p.ts", text, score: 1 }],
  );
  // 100 - 38 reserved - 2 for the prefix window = 60 available; the whole snippet costs 4 + 4 + 54 = 62.
  assert.equal(result.snippets.length, 1);
  assert.equal(result.snippets[0]!.text, "0123456789\nabcdefghij\nABCDEFGHIJ\nklmnopqrst");
  assert.equal(result.snippets[0]!.truncated, true);
  assert.equal(result.snippets[0]!.tokens, 8 + 43);
  assert.equal(result.snippetTokens, 51);
});

test("below the minimum a snippet that does not fit is dropped, and smaller ones after it still get in", () => {
  const result = context(
    "a\n$0",
    { maxPromptTokens: 100, reservedTokens: 58, prefixShare: 0.02, suffixShare: 0, minSnippetTokens: 48 },
    [
      { source: "retrieval", path: "big.ts", text: "x".repeat(60), score: 1 },
      { source: "retrieval", path: "s.ts", text: "tiny", score: 0.5 },
    ],
  );
  assert.deepEqual(
    result.snippets.map((snippet) => snippet.path),
    ["s.ts"],
  );
  assert.deepEqual(result.dropped, [
    { candidate: { source: "retrieval", path: "big.ts", text: "x".repeat(60), score: 1 }, reason: "budget" },
  ]);
});

test("maxSnippets caps the count; ties in score go to the more dependable source", () => {
  const result = context("x = 1\n$0", { maxPromptTokens: 1000, maxSnippets: 2 }, [
    { source: "retrieval", path: "r.ts", text: "retrieved()", score: 0.5 },
    { source: "importDefinition", path: "i.ts", text: "imported()", score: 0.5 },
    { source: "recentEdit", path: "e.ts", text: "edited()", score: 0.5 },
  ]);
  assert.deepEqual(
    result.snippets.map((snippet) => snippet.path),
    ["e.ts", "i.ts"],
  );
  assert.deepEqual(
    result.dropped.map((dropped) => [dropped.candidate.path, dropped.reason]),
    [["r.ts", "limit"]],
  );
});

test("line sets and Jaccard similarity", () => {
  assert.deepEqual([...lineSet("  a\n\nb  \na\n")], ["a", "b"]);
  assert.equal(jaccardSimilarity(new Set(["a", "b", "c"]), new Set(["b", "c", "d"])), 0.5);
  assert.equal(jaccardSimilarity(new Set(), new Set()), 1);
  // 9 of 10 lines shared: 9/11, below llama.vscode's 0.9, so not a near-duplicate.
  const ten = Array.from({ length: 10 }, (_, index) => `line ${index}`);
  const changed = [...ten.slice(0, 9), "other"];
  assert.equal(jaccardSimilarity(new Set(ten), new Set(changed)), 9 / 11);
});

test("the approximate token count errs toward more tokens", () => {
  assert.equal(approximateTokenCount(""), 0);
  assert.equal(approximateTokenCount("abc"), 1);
  assert.equal(approximateTokenCount("abcd"), 2);
});
