// Tests for doc comment summaries: Python docstrings after the header, JSDoc and `///` comments before the name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { docSummary, summarizeDoc } from "./docSummary";

function summaryOf(source: string, nameLine: number, startLine = nameLine) {
  const lines = source.split("\n");
  return docSummary(lines, { startLine, nameLine, endLine: lines.length - 1 });
}

test("a Python docstring's first sentence, on one or several lines", () => {
  assert.equal(
    summaryOf('def f(x):\n    """Return x twice. More here."""\n    return 2 * x', 0),
    "Return x twice.",
  );
  assert.equal(
    summaryOf('def f(\n    x,\n):  # note\n    r"""\n    Split the\n    words.\n\n    Details.\n    """', 0),
    "Split the words.",
  );
  assert.equal(summaryOf("class A:\n    'Single quoted doc string.'\n", 0), "Single quoted doc string.");
});

test("no summary without a docstring, or when the string is not the first statement", () => {
  assert.equal(summaryOf("def f(x):\n    return x", 0), undefined);
  assert.equal(summaryOf('def f(x):\n    y = 1\n    """Not a docstring."""', 0), undefined);
  assert.equal(summaryOf('def f():\n    """One"""', 0), undefined);
});

test("a JSDoc comment before the name, without tags and with {@link} unwrapped", () => {
  const source =
    "/**\n * Parses {@link Options | the options} for\n * the CLI. Then more.\n * @param x input\n */\nexport function parse(x) {}";
  assert.equal(summaryOf(source, 5, 0), "Parses the options for the CLI.");
  assert.equal(summaryOf("/** Adds two numbers */\nfunction add(a, b) {}", 1, 0), "Adds two numbers");
  assert.equal(
    summaryOf("/// Frees the buffer.\n/// Twice is fine.\nfn free() {}", 2, 0),
    "Frees the buffer.",
  );
  assert.equal(summaryOf("// plain comment here\nfunction f() {}", 1, 0), undefined);
});

test("summaries are cut at a word boundary and need two words", () => {
  const long = `${"word ".repeat(40)}end`;
  const summary = summarizeDoc(long)!;
  assert.ok(summary.length <= 100 && summary.endsWith("word"));
  assert.equal(summarizeDoc("Short"), undefined);
  assert.equal(summarizeDoc("@returns nothing"), undefined);
});
