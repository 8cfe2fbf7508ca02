/** Tests for the client's feedback settings and the test-only clock. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveClientFeedbackSettings } from "./feedbackSettings";

test("defaults: on, context kept, real checkpoints", () => {
  const settings = resolveClientFeedbackSettings({}, { value: undefined, underTest: false });
  assert.equal(settings.enabled, true);
  assert.equal(settings.keepContext, true);
  assert.deepEqual(
    settings.tracker.checkpoints.map((checkpoint) => checkpoint.afterMs),
    [30_000, 120_000, 300_000, 600_000],
  );
});

test("the test clock shortens the checkpoints only under test", () => {
  const underTest = resolveClientFeedbackSettings({}, { value: "0.01", underTest: true });
  assert.deepEqual(
    underTest.tracker.checkpoints.map((checkpoint) => checkpoint.afterMs),
    [300, 1200, 3000, 6000],
  );
  const installed = resolveClientFeedbackSettings({}, { value: "0.01", underTest: false });
  assert.equal(installed.tracker.checkpoints[0]?.afterMs, 30_000);
  const nonsense = resolveClientFeedbackSettings({}, { value: "5", underTest: true });
  assert.equal(nonsense.clockFactor, 1);
});

test("keepContext off reaches the tracker", () => {
  const settings = resolveClientFeedbackSettings(
    { keepContext: false, enabled: false },
    { value: undefined, underTest: false },
  );
  assert.equal(settings.enabled, false);
  assert.equal(settings.tracker.keepContext, false);
});
