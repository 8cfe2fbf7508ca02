/**
 * The client's feedback settings, and the test-only clock that shortens the survival checkpoints. Pure (no
 * `vscode`): the caller reads the configuration and the environment.
 *
 * The clock: a factor (0 < factor <= 1) that multiplies every checkpoint wait, so an end-to-end test sees the
 * `30s` checkpoint after 0.3 s at 0.01. It comes from `HEARTH_TEST_FEEDBACK_CLOCK` or the undeclared setting
 * `hearth.test.feedbackClockFactor` (a test workspace's settings), and is honoured only when the extension
 * runs under test (extension test or development mode, or `HEARTH_E2E=1` as the e2e harness sets); a user's
 * installation ignores both.
 */

import { defaultTrackerConfig, type TrackerConfig } from "./suggestionTracker";

export const testClockVariable = "HEARTH_TEST_FEEDBACK_CLOCK";
export const testClockSetting = "hearth.test.feedbackClockFactor";

export interface ClientFeedbackSettings {
  enabled: boolean;
  keepContext: boolean;
  tracker: TrackerConfig;
  /** The factor in force, 1 unless a test shortened the clock. */
  clockFactor: number;
}

export function resolveClientFeedbackSettings(
  values: { enabled?: unknown; keepContext?: unknown },
  testClock: { value: string | number | undefined; underTest: boolean },
): ClientFeedbackSettings {
  const enabled = typeof values.enabled === "boolean" ? values.enabled : true;
  const keepContext = typeof values.keepContext === "boolean" ? values.keepContext : true;
  const parsed = Number(testClock.value);
  const clockFactor =
    testClock.underTest && testClock.value !== undefined && parsed > 0 && parsed <= 1 ? parsed : 1;
  return {
    enabled,
    keepContext,
    clockFactor,
    tracker: {
      ...defaultTrackerConfig,
      keepContext,
      checkpoints: defaultTrackerConfig.checkpoints.map((checkpoint) => ({
        ...checkpoint,
        afterMs: Math.max(1, Math.round(checkpoint.afterMs * clockFactor)),
      })),
    },
  };
}
