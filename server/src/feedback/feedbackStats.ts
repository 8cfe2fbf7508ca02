/**
 * Statistics over stored suggestions: acceptance rate next to the shown rate (so showing fewer suggestions
 * cannot pass for better ones), accepted characters per hour of typing, partial accepts, survival at each
 * checkpoint, latency against acceptance, and the same figures by language, model and context source; and
 * what happened to chat answers (copied, inserted, applied, regenerated, rated). Pure: rows in, figures out.
 */

import { percentile, ratio, round } from "../base/numbers";
import type {
  ChatFeedbackFigures,
  DailyFigures,
  FeedbackFigures,
  FeedbackSliceFigures,
  FeedbackStats,
  InlineIgnoreReason,
  InlineRejectReason,
  LatencyBucket,
  ReviewFeedbackFigures,
  SurvivalCheckpoint,
  SurvivalFigures,
} from "../protocol";
import { survivalCheckpoints } from "../protocol";
import type { ActivityTotals, ChatEventRow, ReviewEventRow, SuggestionRow } from "../store/feedbackStore";

export interface StatsContext {
  databasePath: string | null;
  enabled: boolean;
  sinceMs: number | null;
  now: number;
  storedEvents: number;
  /** The local day of a time, `YYYY-MM-DD`; defaults to the process's time zone. */
  dayOf?: (ms: number) => string;
}

/** Upper bounds of the latency histogram's buckets, ms; the last bucket is open. */
export const latencyBucketBounds = [100, 200, 300, 500, 750, 1000, 1500, 2000, 3000] as const;

const rejectReasons: InlineRejectReason[] = ["typedOver", "escape", "cursorMoved", "replaced"];
const ignoreReasons: InlineIgnoreReason[] = [
  "editorChanged",
  "documentClosed",
  "timeout",
  "typedThrough",
  "stopped",
];

class Tally {
  shown = 0;
  accepted = 0;
  partiallyAccepted = 0;
  rejected = 0;
  ignored = 0;
  pending = 0;
  acceptedChars = 0;
  latencies: number[] = [];
  survival5m: number[] = [];

  add(row: SuggestionRow): void {
    this.shown++;
    switch (row.outcome) {
      case "accepted":
        this.accepted++;
        break;
      case "partiallyAccepted":
        this.partiallyAccepted++;
        break;
      case "rejected":
        this.rejected++;
        break;
      case "ignored":
        this.ignored++;
        break;
      default:
        this.pending++;
    }
    this.acceptedChars += row.acceptedChars;
    this.latencies.push(row.latencyMs);
    const at5m = row.survival["5m"];
    if (row.outcome === "accepted" && at5m !== undefined) this.survival5m.push(at5m);
  }

  figures(): FeedbackFigures {
    return {
      shown: this.shown,
      accepted: this.accepted,
      partiallyAccepted: this.partiallyAccepted,
      rejected: this.rejected,
      ignored: this.ignored,
      pending: this.pending,
      acceptanceRate: ratio(this.accepted, this.shown),
      anyAcceptanceRate: ratio(this.accepted + this.partiallyAccepted, this.shown),
      acceptedChars: this.acceptedChars,
      medianLatencyMs: percentile(this.latencies, 0.5, 0),
      survival5m: mean(this.survival5m),
    };
  }
}

export function computeFeedbackStats(
  rows: Iterable<SuggestionRow>,
  activity: readonly ActivityTotals[],
  context: StatsContext,
  chatEvents: readonly ChatEventRow[] = [],
  reviewEvents: readonly ReviewEventRow[] = [],
): FeedbackStats {
  const dayOf = context.dayOf ?? localDay;
  const all = new Tally();
  const byLanguage = new Map<string, Tally>();
  const byModel = new Map<string, Tally>();
  const byContextSource = new Map<string, Tally>();
  const daily = new Map<string, Tally>();
  const rejectedBy = Object.fromEntries(rejectReasons.map((reason) => [reason, 0])) as Record<
    InlineRejectReason,
    number
  >;
  const ignoredBy = Object.fromEntries(ignoreReasons.map((reason) => [reason, 0])) as Record<
    InlineIgnoreReason,
    number
  >;
  const survival = new Map<
    SurvivalCheckpoint,
    { similarities: number[]; accepted: number; retained: number }
  >(survivalCheckpoints.map((checkpoint) => [checkpoint, { similarities: [], accepted: 0, retained: 0 }]));
  const buckets = [...latencyBucketBounds, null].map((toMs, index) => ({
    fromMs: index === 0 ? 0 : latencyBucketBounds[index - 1]!,
    toMs,
    shown: 0,
    accepted: 0,
  }));
  let partialAcceptEvents = 0;

  for (const row of rows) {
    all.add(row);
    tally(byLanguage, row.language).add(row);
    tally(byModel, row.model ?? "unknown").add(row);
    const sources = row.contextSources.length ? [...new Set(row.contextSources)] : ["none"];
    for (const source of sources) tally(byContextSource, source).add(row);
    tally(daily, dayOf(row.shownAt)).add(row);
    partialAcceptEvents += row.partialAccepts;
    if (row.outcome === "rejected" && row.outcomeReason && row.outcomeReason in rejectedBy) {
      rejectedBy[row.outcomeReason as InlineRejectReason]++;
    }
    if (row.outcome === "ignored" && row.outcomeReason && row.outcomeReason in ignoredBy) {
      ignoredBy[row.outcomeReason as InlineIgnoreReason]++;
    }
    // Survival covers everything that went in, whole or in part.
    if (row.acceptedChars > 0) {
      for (const checkpoint of survivalCheckpoints) {
        const similarity = row.survival[checkpoint];
        if (similarity === undefined) continue;
        const figures = survival.get(checkpoint)!;
        figures.similarities.push(similarity);
        figures.accepted += row.acceptedChars;
        figures.retained += similarity * row.acceptedChars;
      }
    }
    const bucket = buckets.find((candidate) => candidate.toMs === null || row.latencyMs < candidate.toMs)!;
    bucket.shown++;
    if (row.outcome === "accepted") bucket.accepted++;
  }

  const activityByLanguage = new Map(activity.map((entry) => [entry.language, entry]));
  const requests = activity.reduce((sum, entry) => sum + entry.requests, 0);
  const typingHours = activity.reduce((sum, entry) => sum + entry.activeMs, 0) / 3_600_000;
  const figures = all.figures();
  const latencies = all.latencies;

  const languages = new Set([...byLanguage.keys(), ...activityByLanguage.keys()]);
  const languageFigures: Record<string, FeedbackSliceFigures> = {};
  for (const language of [...languages].sort()) {
    const slice = (byLanguage.get(language) ?? new Tally()).figures();
    const languageRequests = activityByLanguage.get(language)?.requests ?? 0;
    languageFigures[language] = {
      ...slice,
      requests: languageRequests,
      shownRate: ratio(slice.shown, languageRequests),
    };
  }

  return {
    ...figures,
    databasePath: context.databasePath,
    enabled: context.enabled,
    sinceMs: context.sinceMs,
    generatedAt: context.now,
    requests,
    shownRate: ratio(figures.shown, requests),
    partialAcceptEvents,
    rejectedBy,
    ignoredBy,
    typingHours: round(typingHours, 4),
    shownPerHour: typingHours > 0 ? round(figures.shown / typingHours, 2) : null,
    acceptedCharsPerHour: typingHours > 0 ? round(figures.acceptedChars / typingHours, 1) : null,
    survival: Object.fromEntries(
      survivalCheckpoints.map((checkpoint): [SurvivalCheckpoint, SurvivalFigures] => {
        const entry = survival.get(checkpoint)!;
        return [
          checkpoint,
          {
            tracked: entry.similarities.length,
            meanSimilarity: mean(entry.similarities),
            unchanged: entry.similarities.filter((similarity) => similarity >= 1).length,
            retainedChars: Math.round(entry.retained),
            retainedShare: ratio(entry.retained, entry.accepted),
          },
        ];
      }),
    ) as Record<SurvivalCheckpoint, SurvivalFigures>,
    latency: {
      p50Ms: percentile(latencies, 0.5, 0),
      p90Ms: percentile(latencies, 0.9, 0),
      buckets: buckets.map(
        (bucket): LatencyBucket => ({ ...bucket, acceptanceRate: ratio(bucket.accepted, bucket.shown) }),
      ),
    },
    byLanguage: languageFigures,
    byModel: sliceFigures(byModel),
    byContextSource: sliceFigures(byContextSource),
    daily: [...daily.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([day, entry]): DailyFigures => {
        const slice = entry.figures();
        return {
          day,
          shown: slice.shown,
          accepted: slice.accepted,
          partiallyAccepted: slice.partiallyAccepted,
          acceptanceRate: slice.acceptanceRate,
        };
      }),
    chat: computeChatFigures(chatEvents),
    review: computeReviewFigures(reviewEvents),
    storedEvents: context.storedEvents,
  };
}

/** The latest answer per finding counts (a dismissed finding whose fix was applied later is accepted). */
export function computeReviewFigures(events: readonly ReviewEventRow[]): ReviewFeedbackFigures {
  const latest = new Map<string, { accepted: boolean; category: string }>();
  for (const event of events) {
    if (event.type !== "findingAccepted" && event.type !== "findingDismissed") continue;
    latest.set(event.subjectId, {
      accepted: event.type === "findingAccepted",
      category: event.category ?? "unknown",
    });
  }
  const byCategory: ReviewFeedbackFigures["byCategory"] = {};
  let accepted = 0;
  for (const answer of latest.values()) {
    byCategory[answer.category] ??= { accepted: 0, dismissed: 0 };
    const entry = byCategory[answer.category]!;
    if (answer.accepted) {
      accepted++;
      entry.accepted++;
    } else entry.dismissed++;
  }
  return {
    accepted,
    dismissed: latest.size - accepted,
    acceptedRate: ratio(accepted, latest.size),
    byCategory,
  };
}

export function computeChatFigures(events: readonly ChatEventRow[]): ChatFeedbackFigures {
  const answers = new Set<string>();
  const byStopReason: Record<string, number> = {};
  const used = new Set<string>();
  const ratings = new Map<string, string>();
  const counts = { copied: 0, inserted: 0, applied: 0, regenerated: 0 };
  const firstTokens: number[] = [];
  const totals: number[] = [];
  for (const event of events) {
    switch (event.type) {
      case "answered":
        if (answers.has(event.subjectId)) break;
        answers.add(event.subjectId);
        byStopReason[event.stopReason ?? "unknown"] = (byStopReason[event.stopReason ?? "unknown"] ?? 0) + 1;
        // Timings of answers that ran to their end; stopped or model-less ones would pull the medians down.
        if (event.stopReason !== "finished" && event.stopReason !== "maxTokens") break;
        if (event.timeToFirstTokenMs !== null) firstTokens.push(event.timeToFirstTokenMs);
        if (event.totalMs !== null) totals.push(event.totalMs);
        break;
      case "copied":
      case "inserted":
      case "applied":
        counts[event.type]++;
        used.add(event.subjectId);
        break;
      case "regenerated":
        counts.regenerated++;
        break;
      case "rated":
        if (event.rating) ratings.set(event.subjectId, event.rating);
        break;
    }
  }
  const latest = [...ratings.values()];
  return {
    answers: answers.size,
    byStopReason,
    copies: counts.copied,
    inserts: counts.inserted,
    applies: counts.applied,
    regenerations: counts.regenerated,
    usedAnswers: used.size,
    usedRate: ratio([...used].filter((id) => answers.has(id)).length, answers.size),
    thumbsUp: latest.filter((rating) => rating === "up").length,
    thumbsDown: latest.filter((rating) => rating === "down").length,
    medianTimeToFirstTokenMs: percentile(firstTokens, 0.5, 0),
    medianAnswerMs: percentile(totals, 0.5, 0),
  };
}

function sliceFigures(tallies: Map<string, Tally>): Record<string, FeedbackSliceFigures> {
  return Object.fromEntries(
    [...tallies.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([key, entry]) => [key, entry.figures()]),
  );
}

function tally(map: Map<string, Tally>, key: string): Tally {
  let entry = map.get(key);
  if (!entry) {
    entry = new Tally();
    map.set(key, entry);
  }
  return entry;
}

export function localDay(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function mean(values: readonly number[]): number | null {
  return values.length ? round(values.reduce((sum, value) => sum + value, 0) / values.length, 4) : null;
}
