/**
 * The typed feedback config and its bounds, read from the `hearth.feedback.*` settings. Out-of-range
 * values are clamped (with a warning) rather than refused, so retention is always bounded whatever the
 * settings say.
 */

import { SettingsSection, type WarnSetting } from "../base/settingsReader";

export interface FeedbackConfig {
  /** Record feedback at all; off: events are dropped and nothing is written. */
  enabled: boolean;
  /** Events and suggestions older than this are deleted. */
  retentionDays: number;
  /** At most this many events are kept; the oldest go first. */
  maxEvents: number;
  /** Keep the code around each suggestion (prompt context, the suggestion, the user's final text) for export. */
  keepContext: boolean;
}

export const feedbackConfigBounds = {
  retentionDays: { min: 1, max: 3650 },
  maxEvents: { min: 1_000, max: 5_000_000 },
} as const;

/** Defaults: about 100 MB at most (an event is stored in about 300 bytes). */
export const defaultFeedbackConfig: FeedbackConfig = {
  enabled: true,
  retentionDays: 90,
  maxEvents: 300_000,
  keepContext: true,
};

/** Reads `feedback` from the raw `hearth` settings object. */
export function resolveFeedbackConfig(rawHearthSettings: unknown, warn: WarnSetting): FeedbackConfig {
  const section = SettingsSection.of(rawHearthSettings, "feedback", warn);
  const { retentionDays, maxEvents } = feedbackConfigBounds;
  return {
    enabled: section.boolean("enabled", defaultFeedbackConfig.enabled),
    retentionDays: section.boundedNumber(
      "retentionDays",
      retentionDays.min,
      retentionDays.max,
      defaultFeedbackConfig.retentionDays,
    ),
    maxEvents: section.boundedNumber(
      "maxEvents",
      maxEvents.min,
      maxEvents.max,
      defaultFeedbackConfig.maxEvents,
    ),
    keepContext: section.boolean("keepContext", defaultFeedbackConfig.keepContext),
  };
}
