/** The verification rules, each drop reason on its own, with the real tree-sitter parser checking fixes. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createParserBackend } from "../syntax/createParserBackend";
import type { Finding, ReviewFile } from "./finding";
import { verifyFindings } from "./verifyFindings";

const text = `def scale(values, factor):
    total = 0
    for value in values:
        total = total + value * factor
    return total / len(values)
`;

const file: ReviewFile = {
  path: "pkg/scale.py",
  language: "python",
  text,
  regions: [{ startLine: 3, endLine: 5 }],
};
const parser = createParserBackend();

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    file: "pkg/scale.py",
    startLine: 4,
    endLine: 4,
    category: "wrong-operator",
    severity: "warning",
    message: "`*` looks wrong here",
    evidence: ["        total = total + value * factor"],
    fix: { startLine: 4, endLine: 4, replacement: "        total = total + value / factor" },
    confidence: 0.9,
    source: "learned",
    ...overrides,
  };
}

test("a finding inside the region, quoting the file, with a fix that parses, is kept", async () => {
  const result = await verifyFindings([finding()], [file], parser);
  assert.equal(result.kept.length, 1);
  assert.deepEqual(result.dropped, {
    "outside-region": 0,
    "evidence-mismatch": 0,
    "fix-does-not-parse": 0,
    duplicate: 0,
  });
});

test("outside the reviewed region, past the end of the file, or in a file not under review: dropped", async () => {
  const result = await verifyFindings(
    [
      finding({ startLine: 1, endLine: 2, evidence: ["def scale(values, factor):"], fix: undefined }),
      finding({ startLine: 40, endLine: 40 }),
      finding({ file: "other.py" }),
      finding({ startLine: 0, endLine: 0 }),
    ],
    [file],
    parser,
  );
  assert.equal(result.kept.length, 0);
  assert.equal(result.dropped["outside-region"], 4);
});

test("evidence that is not in the file near the finding, or no evidence at all: dropped", async () => {
  const result = await verifyFindings(
    [
      finding({ evidence: ["        total = total - value * factor"] }),
      finding({ evidence: [] }),
      finding({ evidence: ["total = 0", "for value in values:"], fix: undefined }),
    ],
    [file],
    parser,
  );
  assert.equal(result.dropped["evidence-mismatch"], 2);
  assert.equal(
    result.kept.length,
    1,
    "a quote within three lines of the finding is accepted, indentation aside",
  );
});

test("a fix that adds a syntax error is dropped; one outside the file too", async () => {
  const result = await verifyFindings(
    [
      finding({ fix: { startLine: 4, endLine: 4, replacement: "        total = total + (value * factor" } }),
      finding({ fix: { startLine: 4, endLine: 9, replacement: "pass" } }),
    ],
    [file],
    parser,
  );
  assert.equal(result.dropped["fix-does-not-parse"], 2);
  assert.equal(result.kept.length, 0);
});

test("a file that is already broken keeps fixes that do not make it worse", async () => {
  const broken: ReviewFile = { ...file, text: `${text}def broken(:\n    pass\n` };
  const result = await verifyFindings([finding()], [broken], parser);
  assert.equal(result.kept.length, 1);
});

test("duplicates (same file and category, overlapping lines) merge into the most confident one", async () => {
  const result = await verifyFindings(
    [
      finding({ confidence: 0.7, source: "model" }),
      finding({ confidence: 0.95 }),
      finding({ category: "off-by-one", confidence: 0.6 }),
    ],
    [file],
    parser,
  );
  assert.equal(result.dropped.duplicate, 1);
  assert.deepEqual(
    result.kept.map((kept) => [kept.category, kept.confidence]),
    [
      ["wrong-operator", 0.95],
      ["off-by-one", 0.6],
    ],
  );
  assert.equal(result.droppedFindings[0]?.finding.source, "model");
});
