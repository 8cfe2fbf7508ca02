/** Tests for the completion cache: exact hits, typing through a suggestion, backspacing, lines, keys, stats. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { CompletionCache, hashText } from "./completionCache";

const prefix = "function area(r: number) {\n  return ";
const suffix = "\n}\n";
const key = { uri: "file:///a.ts", modelId: "qwen2.5-coder-1.5b", prefix, suffix };

test("an exact state hits with the whole suggestion", () => {
  const cache = new CompletionCache();
  cache.store(key, { text: "Math.PI * r * r;", id: "s1" });
  assert.deepEqual(cache.lookup(key), { text: "Math.PI * r * r;", kind: "exact", typed: "", id: "s1" });
  assert.deepEqual(cache.stats(), { hits: 1, typedAheadHits: 0, misses: 0, states: 16 });
});

test("typing the suggestion's first characters returns the rest; backspacing returns to earlier states", () => {
  const cache = new CompletionCache();
  cache.store(key, { text: "Math.PI * r * r;" });
  assert.deepEqual(cache.lookup({ ...key, prefix: `${prefix}Math.` }), {
    text: "PI * r * r;",
    kind: "typedAhead",
    typed: "Math.",
  });
  assert.equal(cache.lookup({ ...key, prefix: `${prefix}Ma` })?.text, "th.PI * r * r;");
  assert.equal(cache.lookup(key)?.text, "Math.PI * r * r;");
  assert.equal(cache.lookup({ ...key, prefix: `${prefix}Max` }), undefined, "typed something else");
  assert.equal(cache.lookup({ ...key, prefix: `${prefix}Math.PI * r * r;` }), undefined, "typed it all");
  assert.deepEqual(cache.stats(), { hits: 1, typedAheadHits: 2, misses: 2, states: 16 });
});

test("accepting a line reaches the next line's states", () => {
  const cache = new CompletionCache();
  const start = { ...key, prefix: "function f() {\n  ", suffix: "\n}" };
  cache.store(start, { text: "const a = 1;\n  return a;" });
  const nextLine = { ...start, prefix: "function f() {\n  const a = 1;\n  " };
  assert.deepEqual(cache.lookup(nextLine), {
    text: "return a;",
    kind: "typedAhead",
    typed: "const a = 1;\n  ",
  });
  assert.equal(cache.lookup({ ...nextLine, prefix: `${nextLine.prefix}ret` })?.text, "urn a;");
  assert.equal(cache.lookup({ ...start, prefix: "function f() {\n  const a = 1;\n" })?.text, "  return a;");
});

test("a different document, model, prefix or suffix misses", () => {
  const cache = new CompletionCache();
  cache.store(key, { text: "x;" });
  assert.equal(cache.lookup({ ...key, uri: "file:///b.ts" }), undefined);
  assert.equal(cache.lookup({ ...key, modelId: "other" }), undefined);
  assert.equal(cache.lookup({ ...key, prefix: `// edited\n${prefix}` }), undefined);
  assert.equal(cache.lookup({ ...key, suffix: "\n}\n// edited" }), undefined);
  assert.equal(cache.stats().misses, 4);
});

test("only the configured tail and head take part in the key", () => {
  const cache = new CompletionCache({ prefixTailChars: 10, suffixHeadChars: 3 });
  cache.store({ ...key, prefix: "far above\nnear\n  x = ", suffix: "\n}\nbelow" }, { text: "1;" });
  assert.equal(
    cache.lookup({ ...key, prefix: "CHANGED above\nnear\n  x = ", suffix: "\n}\nCHANGED" })?.text,
    "1;",
  );
});

test("typing through is bounded by maxForwardChars and maxForwardLines", () => {
  const cache = new CompletionCache({ maxForwardChars: 3, maxForwardLines: 1 });
  cache.store(key, { text: "abcdef\nline2\nline3" });
  assert.equal(cache.lookup({ ...key, prefix: `${prefix}abc` })?.text, "def\nline2\nline3");
  assert.equal(cache.lookup({ ...key, prefix: `${prefix}abcd` }), undefined);
  assert.equal(cache.lookup({ ...key, prefix: `${prefix}abcdef\nlin` })?.text, "e2\nline3");
  assert.equal(cache.lookup({ ...key, prefix: `${prefix}abcdef\nline2\n` }), undefined);
});

test("least recently used states go first when the cache is full", () => {
  const cache = new CompletionCache({ maxStates: 2 });
  cache.store({ ...key, prefix: "a" }, { text: "1" });
  cache.store({ ...key, prefix: "b" }, { text: "2" });
  assert.equal(cache.lookup({ ...key, prefix: "a" })?.text, "1");
  cache.store({ ...key, prefix: "c" }, { text: "3" });
  assert.equal(cache.lookup({ ...key, prefix: "b" }), undefined);
  assert.equal(cache.lookup({ ...key, prefix: "a" })?.text, "1");
  cache.clear();
  assert.equal(cache.stats().states, 0);
});

test("hashText is stable and tells texts apart", () => {
  assert.equal(hashText(""), hashText(""));
  assert.equal(hashText("abc").length, 16);
  assert.notEqual(hashText("ab"), hashText("ba"));
  assert.notEqual(hashText("a\u0000b"), hashText("a\u0000c"));
});
