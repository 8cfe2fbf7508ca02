/**
 * SARIF output validated against the official SARIF 2.1.0 JSON schema (test/fixtures/sarif/, with its licence
 * note) by ajv, plus the fields GitHub code scanning reads.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { Finding } from "./finding";
import { fingerprint, toSarif } from "./sarif";

const schema = JSON.parse(readFileSync("test/fixtures/sarif/sarif-2.1.0-rtm.5.json", "utf8"));
// The schema's language-tag pattern has a stray `]` that only non-unicode regular expressions accept.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const findings: Finding[] = [
  {
    file: "src/app with space.ts",
    startLine: 12,
    endLine: 12,
    category: "swapped-arguments",
    severity: "warning",
    message: "Possible swapped arguments: `b` and `a` passed to `f` look like they are in the wrong order.",
    evidence: ["  f(b, a);"],
    fix: { startLine: 12, endLine: 12, replacement: "  f(a, b);" },
    confidence: 0.97,
    source: "learned",
  },
  {
    file: "lib/model.py",
    startLine: 3,
    endLine: 5,
    category: "resource-leak",
    severity: "error",
    message: "The file opened here is never closed.",
    evidence: ["f = open(path)", "data = f.read()"],
    confidence: 0.6,
    source: "model",
  },
];

test("the log validates against the SARIF 2.1.0 schema", () => {
  for (const log of [
    toSarif(findings, { toolVersion: "0.1.0", rootUri: "file:///work/repo" }),
    toSarif(findings, { toolVersion: "0.1.0" }),
    toSarif([], { toolVersion: "0.1.0" }),
  ]) {
    const valid = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
  }
});

test("the schema check can fail: a result without a message is rejected", () => {
  const log = toSarif(findings, { toolVersion: "0.1.0" });
  delete (log.runs[0]!.results![0] as { message?: unknown }).message;
  assert.equal(validate(log), false);
});

test("what code scanning reads: ruleId, message, relative location, line region, fingerprints, rules", () => {
  const log = toSarif(findings, { toolVersion: "0.1.0", rootUri: "file:///work/repo" });
  const run = log.runs[0]!;
  const [learned, model] = run.results!;
  assert.equal(learned!.ruleId, "swapped-arguments");
  assert.equal(learned!.level, "warning");
  assert.match(learned!.message.text!, /swapped arguments/);
  assert.deepEqual(learned!.locations![0]!.physicalLocation!.artifactLocation, {
    uri: "src/app%20with%20space.ts",
    uriBaseId: "%SRCROOT%",
  });
  assert.deepEqual(
    { ...learned!.locations![0]!.physicalLocation!.region, snippet: undefined },
    { startLine: 12, endLine: 12, snippet: undefined },
  );
  assert.equal(learned!.partialFingerprints!["hearthFindingHash/v1"], fingerprint(findings[0]!));
  assert.equal(model!.level, "error");
  assert.equal(model!.fixes, undefined);
  assert.deepEqual(run.originalUriBaseIds, { "%SRCROOT%": { uri: "file:///work/repo/" } });
  const rules = run.tool.driver.rules!;
  assert.equal(rules[learned!.ruleIndex!]!.id, "swapped-arguments");
  assert.equal(rules[model!.ruleIndex!]!.id, "resource-leak");
  assert.ok(
    rules.some((rule) => rule.id === "missing-await"),
    "every learned kind is a rule",
  );
});

test("a fingerprint survives moved lines and changes with the flagged code", () => {
  const moved = { ...findings[0]!, startLine: 40, endLine: 40, evidence: ["    f(b,  a);"] };
  assert.equal(fingerprint(moved), fingerprint(findings[0]!));
  assert.notEqual(fingerprint({ ...moved, evidence: ["  f(c, a);"] }), fingerprint(findings[0]!));
  assert.match(fingerprint(findings[0]!), /^[0-9a-f]{16}$/);
});
