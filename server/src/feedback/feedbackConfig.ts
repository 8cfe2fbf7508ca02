/**
 * The typed feedback config and its bounds, read from the `hearth.feedback.*` settings. Out-of-range
 * values are clamped (with a warning) rather than refused, so retention is always bounded whatever the
 * settings say.
 */

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

/** Reads `feedback` from the raw `hearth` settings section. */
export function resolveFeedbackConfig(
  rawHearthSettings: unknown,
  warn: (message: string) => void,
): FeedbackConfig {
  const feedback = asRecord(asRecord(rawHearthSettings).feedback);
  const flag = (key: "enabled" | "keepContext"): boolean => {
    const value = feedback[key];
    if (value === undefined || value === null) return defaultFeedbackConfig[key];
    if (typeof value === "boolean") return value;
    warn(`setting hearth.feedback.${key} has an invalid value ${JSON.stringify(value)}; using the default`);
    return defaultFeedbackConfig[key];
  };
  const bounded = (key: "retentionDays" | "maxEvents"): number => {
    const value = feedback[key];
    const { min, max } = feedbackConfigBounds[key];
    if (value === undefined || value === null) return defaultFeedbackConfig[key];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      warn(`setting hearth.feedback.${key} has an invalid value ${JSON.stringify(value)}; using the default`);
      return defaultFeedbackConfig[key];
    }
    const clamped = Math.min(max, Math.max(min, Math.round(value)));
    if (clamped !== value)
      warn(`setting hearth.feedback.${key} = ${value} is outside ${min}..${max}; using ${clamped}`);
    return clamped;
  };
  return {
    enabled: flag("enabled"),
    retentionDays: bounded("retentionDays"),
    maxEvents: bounded("maxEvents"),
    keepContext: flag("keepContext"),
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
