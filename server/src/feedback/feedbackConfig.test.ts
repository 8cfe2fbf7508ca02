/** Tests for reading the feedback settings: defaults, bad values, and bounds that always hold. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultFeedbackConfig, feedbackConfigBounds, resolveFeedbackConfig } from "./feedbackConfig";

test("no settings: the defaults", () => {
  assert.deepEqual(
    resolveFeedbackConfig(undefined, () => undefined),
    defaultFeedbackConfig,
  );
});

test("retention is clamped into its bounds, with a warning", () => {
  const warnings: string[] = [];
  const config = resolveFeedbackConfig(
    { feedback: { retentionDays: 100_000, maxEvents: 5, enabled: false, keepContext: "yes" } },
    (message) => warnings.push(message),
  );
  assert.equal(config.retentionDays, feedbackConfigBounds.retentionDays.max);
  assert.equal(config.maxEvents, feedbackConfigBounds.maxEvents.min);
  assert.equal(config.enabled, false);
  assert.equal(config.keepContext, true);
  assert.equal(warnings.length, 3);
});
