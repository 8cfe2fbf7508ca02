/** Tests for the standalone search query of a follow-up chat turn. */

import assert from "node:assert/strict";
import test from "node:test";
import { standaloneQuery } from "./standaloneQuery";

test("a follow-up carries the identifiers and cited paths of the previous turn", () => {
  const query = standaloneQuery("and what does it return?", {
    question: "where is parse_header defined?",
    citedPaths: ["http/headers.py"],
  });
  assert.match(query, /^and what does it return\?/);
  assert.match(query, /parse_header/);
  assert.match(query, /http\/headers\.py/);
});

test("a question with identifiers of its own is a new topic and stays as it is", () => {
  const question = "where is format_date_time defined?";
  assert.equal(
    standaloneQuery(question, { question: "where is parse_header defined?", citedPaths: [] }),
    question,
  );
});

test("the first question of a conversation is searched as it is", () => {
  assert.equal(standaloneQuery("what does it do?", undefined), "what does it do?");
});
