/** Tests for the synchronous output guards on an inline suggestion and their counters. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { checkSuggestion } from "./completionGuards";
import { GuardCounters } from "./guardCounters";
import { defaultGuardrailsConfig, type GuardrailsConfig } from "./guardrailsConfig";

const identifiers = { language: "python", prefix: "import os\n", suffix: "", knownNames: new Set<string>() };

test("a suggestion holding a secret or a redaction placeholder is not shown, and counted", () => {
  const counters = new GuardCounters();
  const withKey = checkSuggestion(
    `token = "${"gh" + "p_"}${"Q3x9".repeat(9)}"`,
    defaultGuardrailsConfig,
    counters,
  );
  assert.equal(withKey.show, false);
  const copied = checkSuggestion(
    'api_key = "«redacted: assigned-secret»"',
    defaultGuardrailsConfig,
    counters,
  );
  assert.equal(copied.show, false);
  assert.equal(counters.snapshot().secrets.blocks, 2);
  assert.deepEqual(checkSuggestion("return os.getcwd()", defaultGuardrailsConfig, counters), {
    show: true,
    unknownNames: [],
  });
});

test("unknown names are flagged or suppressed as configured, and only when enabled", () => {
  const counters = new GuardCounters();
  const suggestion = "return make_widget(os.sep)";
  assert.deepEqual(checkSuggestion(suggestion, defaultGuardrailsConfig, counters, identifiers), {
    show: true,
    unknownNames: [],
  });
  const flag: GuardrailsConfig = {
    ...defaultGuardrailsConfig,
    unknownIdentifiers: { enabled: true, action: "flag" },
  };
  assert.deepEqual(checkSuggestion(suggestion, flag, counters, identifiers), {
    show: true,
    unknownNames: ["make_widget"],
  });
  const suppress: GuardrailsConfig = {
    ...defaultGuardrailsConfig,
    unknownIdentifiers: { enabled: true, action: "suppress" },
  };
  assert.equal(checkSuggestion(suggestion, suppress, counters, identifiers).show, false);
  assert.deepEqual(counters.snapshot().unknownIdentifiers, { blocks: 1, redactions: 0, flags: 1 });
});
