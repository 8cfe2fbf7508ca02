/** Tests for the bracket lexer: comments, strings, escapes, triple quotes, template literals, languages. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { commentStart, openBrackets } from "./codeScanner";
import { canonicalLanguage, lexicalRules, lineCommentPrefix } from "./languageSyntax";

const ts = lexicalRules("typescript");
const python = lexicalRules("python");

test("brackets close in order; stray and mismatched closers are ignored", () => {
  assert.deepEqual(openBrackets("f(a[1], {b: (2)}", ts).open, ["("]);
  assert.deepEqual(openBrackets(")) { ]", ts).open, ["{"]);
});

test("strings, escapes and comments hide brackets", () => {
  assert.deepEqual(openBrackets('f("(\\")", \'[\', `{`) // (', ts).open, []);
  assert.deepEqual(openBrackets("x /* ( */ + (", ts).open, ["("]);
  const lines = openBrackets('s = "unterminated (\nf(', ts);
  assert.deepEqual(lines.open, ["("], "a one-line string ends with its line");
  assert.deepEqual(openBrackets("t = `a\n(b`\n(", ts).open, ["("], "template literals span lines");
});

test("Python triple quotes span lines and # starts a comment", () => {
  assert.deepEqual(openBrackets('"""doc (\nmore ["""\nf(  # )', python).open, ["("]);
  assert.equal(openBrackets('x = """open (', python).state.quote, '"""');
});

test("commentStart finds a comment outside strings", () => {
  assert.equal(commentStart('x = "//" // real', ts), 9);
  assert.equal(commentStart("x = 1", ts), -1);
  assert.equal(commentStart("x = '#' # c", python), 8);
  assert.equal(commentStart("a /* b */", ts), 2);
});

test("languages: aliases, comment prefixes, and Rust without single quotes", () => {
  assert.equal(canonicalLanguage("shellscript"), "bash");
  assert.equal(canonicalLanguage("TypeScriptReact"), "typescript");
  assert.equal(lineCommentPrefix("python"), "#");
  assert.equal(lineCommentPrefix("lua"), "--");
  assert.equal(lineCommentPrefix(undefined), "//");
  assert.deepEqual(openBrackets("fn f<'a>(x: &'a str) {", lexicalRules("rust")).open, ["{"]);
});
