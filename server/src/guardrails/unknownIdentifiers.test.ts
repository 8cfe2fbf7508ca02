/** Tests for the unknown-identifier check on inline suggestions. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { unknownIdentifiers } from "./unknownIdentifiers";

const python = (suggestion: string, prefix: string, known: string[] = []) =>
  unknownIdentifiers(suggestion, { language: "python", prefix, suffix: "", knownNames: new Set(known) });

test("names used but defined nowhere are flagged; built-ins, locals and workspace symbols are not", () => {
  const prefix = "import json\n\ndef load(path):\n    with open(path) as handle:\n        ";
  assert.deepEqual(python("data = json.load(handle)\n        return parse_config(data)", prefix), [
    "parse_config",
  ]);
  assert.deepEqual(python("return parse_config(json.load(handle))", prefix, ["parse_config"]), []);
  assert.deepEqual(python("return len(sorted(handle.readlines()))", prefix), []);
});

test("member names and keyword arguments are never judged", () => {
  const prefix = "import requests\n\ndef get(url):\n    ";
  assert.deepEqual(python("return requests.get_with_retries(url, timeout_seconds=3)", prefix), []);
});

test("names the suggestion binds itself count as known", () => {
  assert.deepEqual(python("for item in items:\n    total = total + item", "items = []\ntotal = 0\n"), []);
  assert.deepEqual(
    unknownIdentifiers("const double = (value) => value * factor;", {
      language: "typescript",
      prefix: "",
      suffix: "",
      knownNames: new Set(),
    }),
    ["factor"],
  );
});

test("a suggestion continuing a string or comment reads no prose as names", () => {
  assert.deepEqual(python('world and everyone")', 'print("hello '), []);
  assert.deepEqual(python("the rest of the comment\nx = 1", "# explain "), []);
});

test("languages without a built-in list are not checked", () => {
  assert.deepEqual(
    unknownIdentifiers("puts undefined_thing", {
      language: "ruby",
      prefix: "",
      suffix: "",
      knownNames: new Set(),
    }),
    [],
  );
});
