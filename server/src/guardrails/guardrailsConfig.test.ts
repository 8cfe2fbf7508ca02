/** Tests for resolving `hearth.guardrails.*` settings and for the per-guard counters. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { GuardCounters } from "./guardCounters";
import { defaultGuardrailsConfig, resolveGuardrailsConfig } from "./guardrailsConfig";

test("no settings give the defaults, with no warning", () => {
  const warnings: string[] = [];
  assert.deepEqual(
    resolveGuardrailsConfig(undefined, (message) => warnings.push(message)),
    defaultGuardrailsConfig,
  );
  assert.deepEqual(warnings, []);
});

test("valid values are taken, unknown keys ignored", () => {
  const config = resolveGuardrailsConfig(
    {
      secrets: {
        enabled: false,
        entropyThreshold: 3.5,
        allowedValues: ["sk_test_team_fixture"],
        colour: "red",
      },
      dangerousCommands: { protectedBranches: ["prod"] },
      unknownIdentifiers: { enabled: true, action: "suppress" },
      toolApproval: { rules: [{ tool: "runChecker", decision: "allow", pathPrefix: "src/" }] },
      somethingElse: true,
    },
    () => assert.fail("no warning expected"),
  );
  assert.equal(config.secrets.enabled, false);
  assert.equal(config.secrets.entropyThreshold, 3.5);
  assert.deepEqual(config.secrets.allowedValues, ["sk_test_team_fixture"]);
  assert.deepEqual(config.dangerousCommands.protectedBranches, ["prod"]);
  assert.deepEqual(config.unknownIdentifiers, { enabled: true, action: "suppress" });
  assert.equal(config.toolApproval.rules[0]?.decision, "allow");
  assert.equal(config.injection.enabled, true);
});

test("a wrong type falls back to the default and warns with the key", () => {
  const warnings: string[] = [];
  const config = resolveGuardrailsConfig(
    {
      secrets: { enabled: "yes", entropyThreshold: 40 },
      structuredOutput: { retries: 1.5 },
      toolApproval: { rules: [{ tool: "readFile", decision: "always" }] },
    },
    (message) => warnings.push(message),
  );
  assert.equal(config.secrets.enabled, true);
  assert.equal(config.secrets.entropyThreshold, defaultGuardrailsConfig.secrets.entropyThreshold);
  assert.equal(config.structuredOutput.retries, 1);
  assert.deepEqual(config.toolApproval.rules, []);
  assert.equal(warnings.length, 4);
  assert.match(warnings[0]!, /hearth\.guardrails\.secrets\.enabled/);
  assert.ok(warnings.some((warning) => warning.includes("hearth.guardrails.toolApproval.rules")));
});

test("counters tally blocks, redactions and flags per guard, every guard present", () => {
  const counters = new GuardCounters();
  counters.add("secrets", "redactions", 3);
  counters.add("secrets", "blocks");
  counters.add("dangerousCommands", "flags");
  counters.add("injection", "flags", 0);
  const snapshot = counters.snapshot();
  assert.deepEqual(snapshot.secrets, { blocks: 1, redactions: 3, flags: 0 });
  assert.deepEqual(snapshot.dangerousCommands, { blocks: 0, redactions: 0, flags: 1 });
  assert.deepEqual(snapshot.injection, { blocks: 0, redactions: 0, flags: 0 });
  snapshot.secrets.blocks = 99;
  assert.equal(counters.snapshot().secrets.blocks, 1, "a snapshot is a copy");
});
