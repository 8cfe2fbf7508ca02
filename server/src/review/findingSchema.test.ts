/** A model's answer becomes findings: well-formed entries kept, malformed ones left out, confidence clamped. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { findingsFromModelAnswer, modelFindingsSchema } from "./findingSchema";

test("well-formed entries become findings of the given source; malformed ones are left out", () => {
  const findings = findingsFromModelAnswer(
    {
      findings: [
        {
          file: "a.py",
          startLine: 3,
          endLine: 3,
          category: "resource-leak",
          severity: "error",
          message: "never closed",
          evidence: ["f = open(p)"],
          fix: { startLine: 3, endLine: 3, replacement: "with open(p) as f:" },
          confidence: 1.4,
        },
        { file: "a.py", startLine: "3", endLine: 3 },
        {
          file: "a.py",
          startLine: 1,
          endLine: 1,
          category: "x",
          severity: "fatal",
          message: "m",
          evidence: [],
          confidence: 0.5,
        },
      ],
    },
    "model",
  );
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.source, "model");
  assert.equal(findings[0]!.confidence, 1);
  assert.deepEqual(findings[0]!.fix, { startLine: 3, endLine: 3, replacement: "with open(p) as f:" });
  assert.deepEqual(findingsFromModelAnswer("not json", "model"), []);
  assert.deepEqual(modelFindingsSchema.required, ["findings"]);
});
