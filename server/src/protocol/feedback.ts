/**
 * Feedback's protocol: the events the editor records (facts about what the user did with what Hearth showed),
 * and the requests behind `hearth stats`, the dashboard and deleting the data.
 */

import { z } from "zod";
import type { SuggestionFacts } from "./completion";
import { defineNotification, defineRequest, defineRequest0 } from "./descriptors";

/**
 * `hearth/feedback/events` (notification, client to server): what the user did with what Hearth showed, in
 * batches. Events are facts, recorded where only the editor sees them; the server stores them in the
 * workspace's feedback database and interprets them later. Nothing is sent anywhere else.
 */
export const feedbackEventsNotification = defineNotification<FeedbackEventsParams>(
  "hearth/feedback/events",
  // Each event is checked on its own by the feedback capability, so one bad event does not drop its batch.
  z.object({ events: z.array(z.unknown()) }) as unknown as z.ZodType<FeedbackEventsParams>,
);

/** The feedback database's file name, in the editor's storage folder for the workspace. */
export const feedbackDatabaseFileName = "feedback.sqlite";

export interface FeedbackEventsParams {
  events: FeedbackEvent[];
}

/** Where a feedback event comes from. `editor` is activity not tied to one suggestion (typing time). */
export type FeedbackSurface = "inline" | "chat" | "review" | "editor";

/**
 * Fields every event has. `subjectId` names what the event is about (an inline suggestion's id, later a
 * chat answer's or a review finding's), so every signal about one thing can be joined by it.
 */
export interface FeedbackEventBase {
  /** Unique per event; the store ignores an id it already has, so resending a batch is harmless. */
  eventId: string;
  /** When it happened: milliseconds since the epoch, on the editor's clock. */
  at: number;
  surface: FeedbackSurface;
  subjectId: string;
}

/** The survival checkpoints: how much of an accepted suggestion is still there this long after. */
export const survivalCheckpoints = ["30s", "2m", "5m", "10m"] as const;
export type SurvivalCheckpoint = (typeof survivalCheckpoints)[number];
export const survivalCheckpointMs: Record<SurvivalCheckpoint, number> = {
  "30s": 30_000,
  "2m": 120_000,
  "5m": 300_000,
  "10m": 600_000,
};

export type InlineRejectReason =
  /** The user typed (or deleted) at the suggestion something it did not contain. */
  | "typedOver"
  /** Escape while the suggestion was visible. */
  | "escape"
  /** The cursor left the suggestion without editing. */
  | "cursorMoved"
  /** A different suggestion replaced it at the same place. */
  | "replaced";

export type InlineIgnoreReason =
  /** Another editor became active. */
  | "editorChanged"
  | "documentClosed"
  /** Visible for `pendingTimeoutMs` with no keystroke at all. */
  | "timeout"
  /** The user typed the whole suggestion themselves instead of accepting it. */
  | "typedThrough"
  /** Collection was switched off or the extension stopped while it was visible. */
  | "stopped";

/** The suggestion reached the screen: the editor was still at the request's position when it arrived. */
export interface InlineShownEvent extends FeedbackEventBase {
  surface: "inline";
  type: "shown";
  /** VS Code's language id of the document. */
  language: string;
  trigger: "automatic" | "invoked";
  /** Request to answer as the editor saw it, ms (includes the server's time and the transport). */
  latencyMs: number;
  /** Length of the text the suggestion would insert, in characters and lines. */
  chars: number;
  lines: number;
  facts: SuggestionFacts;
  /** The suggestion's text; only when the user keeps context for dataset export. */
  text?: string;
}

/** The whole suggestion went in (Tab, or partial accepts that reached its end). */
export interface InlineAcceptedEvent extends FeedbackEventBase {
  surface: "inline";
  type: "accepted";
  /** Characters of the suggestion now in the document (all of it). */
  acceptedChars: number;
  /** Word or line accepts before the end. */
  partialAccepts: number;
  /** Shown to accepted, ms. */
  elapsedMs: number;
}

/** One word or line of the suggestion went in (VS Code's accept next word / line); the rest stays shown. */
export interface InlinePartialAcceptEvent extends FeedbackEventBase {
  surface: "inline";
  type: "partiallyAccepted";
  /** `unknown`: detected from the edit without Hearth's accept command (another key binding). */
  unit: "word" | "line" | "unknown";
  /** Characters this step inserted, and so far in total. */
  chars: number;
  acceptedChars: number;
  /** Characters of the suggestion still shown. */
  remainingChars: number;
  elapsedMs: number;
}

export interface InlineRejectedEvent extends FeedbackEventBase {
  surface: "inline";
  type: "rejected";
  reason: InlineRejectReason;
  /** Characters accepted by partial accepts before the rejection (0: none). */
  acceptedChars: number;
  /** Characters of the suggestion the user had typed themselves before rejecting it. */
  typedChars: number;
  elapsedMs: number;
}

/** The suggestion went away without an answer from the user. */
export interface InlineIgnoredEvent extends FeedbackEventBase {
  surface: "inline";
  type: "ignored";
  reason: InlineIgnoreReason;
  acceptedChars: number;
  typedChars: number;
  elapsedMs: number;
}

/**
 * How much of the accepted text is still there at a checkpoint after the (first) accept: the edit similarity
 * (1 - Levenshtein distance / longer length) between what was accepted and the text of the tracked region now.
 * The region follows edits elsewhere in the file, above it included.
 */
export interface InlineSurvivalEvent extends FeedbackEventBase {
  surface: "inline";
  type: "survival";
  checkpoint: SurvivalCheckpoint;
  /** 0 to 1; 0 when the region was deleted. */
  similarity: number;
  acceptedChars: number;
  /** Length of the region now. */
  currentChars: number;
  /** The region's text now; only when the user keeps context for dataset export. */
  text?: string;
}

/**
 * What the user wrote where a suggestion was rejected, ignored or partly accepted, some time later (the `2m`
 * checkpoint): the text from the suggestion's start over as many lines as it had. Only when the user keeps
 * context, and only if the text before the suggestion on its line is unchanged (the same context).
 */
export interface InlineUserTextEvent extends FeedbackEventBase {
  surface: "inline";
  type: "userText";
  checkpoint: SurvivalCheckpoint;
  text: string;
  /** Edit similarity between the suggestion and `text`. */
  similarity: number;
}

/**
 * Typing activity, per language, over a flush period: the denominator of "per hour of typing" and of the
 * shown rate. `subjectId` is the editor session's id.
 */
export interface EditorActivityEvent extends FeedbackEventBase {
  surface: "editor";
  type: "activity";
  language: string;
  /** Time spent typing: gaps between edits, each counted up to a few seconds (longer ones are pauses). */
  activeMs: number;
  edits: number;
  typedChars: number;
  /** Inline completion answers that arrived while the cursor was still where they were asked for. */
  requests: number;
}

/**
 * A chat answer reached the chat view (finished, stopped, failed in the model, or without a model): the
 * denominator of the chat figures. `subjectId` is the answer's id (`ChatResult.turnId`), as in the events below.
 */
export interface ChatAnsweredEvent extends FeedbackEventBase {
  surface: "chat";
  type: "answered";
  stopReason: "finished" | "maxTokens" | "cancelled" | "error" | "noModel";
  /** Characters of the answer as shown, and its citations (after the server's validation). */
  chars: number;
  citations: number;
  /** As the server measured them. */
  timeToFirstTokenMs?: number;
  totalMs?: number;
}

/** What the user did with a chat answer or one of its code blocks. */
export interface ChatActionEvent extends FeedbackEventBase {
  surface: "chat";
  type: "copied" | "inserted" | "applied" | "regenerated";
  /** Characters copied, inserted or applied. */
  chars?: number;
}

/** Explicit ratings of a chat answer or a review finding. */
export interface RatingEvent extends FeedbackEventBase {
  surface: "chat" | "review";
  type: "rated";
  rating: "up" | "down";
}

/**
 * Review signals: a finding accepted (its fix applied or kept) or dismissed. `subjectId` is the finding's id
 * (`ReviewFinding.id`); `category` and `source` say what kind of finding it was.
 */
export interface FindingEvent extends FeedbackEventBase {
  surface: "review";
  type: "findingAccepted" | "findingDismissed";
  reason?: string;
  category?: string;
  source?: string;
}

export type InlineFeedbackEvent =
  | InlineShownEvent
  | InlineAcceptedEvent
  | InlinePartialAcceptEvent
  | InlineRejectedEvent
  | InlineIgnoredEvent
  | InlineSurvivalEvent
  | InlineUserTextEvent;

export type FeedbackEvent =
  | InlineFeedbackEvent
  | EditorActivityEvent
  | ChatAnsweredEvent
  | ChatActionEvent
  | RatingEvent
  | FindingEvent;

/** `hearth/feedback/stats` (request): the figures behind `hearth stats` and the feedback dashboard. */
export const feedbackStatsRequest = defineRequest<FeedbackStatsParams | undefined, FeedbackStats | null>(
  "hearth/feedback/stats",
  z.union([z.undefined(), z.null().transform(() => undefined), z.object({ sinceMs: z.number().optional() })]),
);

export interface FeedbackStatsParams {
  /** Only suggestions shown since then (ms since the epoch); default: everything kept. */
  sinceMs?: number;
}

/** Counts and rates for one slice of the suggestions (all, one language, one model, ...). */
export interface FeedbackFigures {
  shown: number;
  /** Whole suggestion accepted. */
  accepted: number;
  /** Some words or lines accepted, not all of it. */
  partiallyAccepted: number;
  rejected: number;
  ignored: number;
  /** Still visible or not yet reported. */
  pending: number;
  /** accepted / shown; `null` when nothing was shown. */
  acceptanceRate: number | null;
  /** (accepted + partiallyAccepted) / shown. */
  anyAcceptanceRate: number | null;
  /** Characters that went in by accepts, full and partial. */
  acceptedChars: number;
  /** Median latency as the editor saw it, ms. */
  medianLatencyMs: number | null;
  /** Mean similarity at `5m` over accepted suggestions tracked that long. */
  survival5m: number | null;
}

export interface FeedbackSliceFigures extends FeedbackFigures {
  /** Completion answers while typing (the shown rate's denominator); only per language. */
  requests?: number;
  shownRate?: number | null;
}

export interface SurvivalFigures {
  /** Accepted suggestions measured at this checkpoint. */
  tracked: number;
  /** Mean edit similarity of the tracked regions, 0 to 1. */
  meanSimilarity: number | null;
  /** Suggestions whose text was still exactly there. */
  unchanged: number;
  /** Accepted characters still there: sum of similarity × accepted characters. */
  retainedChars: number;
  /** retainedChars / accepted characters of the tracked suggestions. */
  retainedShare: number | null;
}

export interface LatencyBucket {
  /** Lower bound (inclusive) and upper bound (exclusive, `null` for the last bucket), ms. */
  fromMs: number;
  toMs: number | null;
  shown: number;
  accepted: number;
  acceptanceRate: number | null;
}

export interface DailyFigures {
  /** Local date, `YYYY-MM-DD`. */
  day: string;
  shown: number;
  accepted: number;
  partiallyAccepted: number;
  acceptanceRate: number | null;
}

/** What happened to chat answers in the chat view. */
export interface ChatFeedbackFigures {
  /** Answers that reached the view, and how each ended (`finished`, `cancelled`, `noModel`, ...). */
  answers: number;
  byStopReason: Record<string, number>;
  /** Code-block actions and regenerations, as events (one answer can be copied twice). */
  copies: number;
  inserts: number;
  applies: number;
  regenerations: number;
  /** Answers whose code was copied, inserted or applied at least once; `usedRate`: the share of `answers` used. */
  usedAnswers: number;
  usedRate: number | null;
  /** Rated answers by their latest rating. */
  thumbsUp: number;
  thumbsDown: number;
  /** Medians (nearest rank) of the server's timings over answers that finished, ms. */
  medianTimeToFirstTokenMs: number | null;
  medianAnswerMs: number | null;
}

/** What the user did with review findings: their latest answer per finding. */
export interface ReviewFeedbackFigures {
  accepted: number;
  dismissed: number;
  /** accepted / (accepted + dismissed). */
  acceptedRate: number | null;
  /** Per category (the learned detector's bug kinds, a model's categories). */
  byCategory: Record<string, { accepted: number; dismissed: number }>;
}

export interface FeedbackStats extends FeedbackFigures {
  databasePath: string | null;
  /** Whether collection is on. */
  enabled: boolean;
  sinceMs: number | null;
  generatedAt: number;
  /** Completion answers that arrived while the user was still at the cursor: shown rate's denominator. */
  requests: number;
  /** shown / requests: suppressing suggestions lowers this, so a better acceptance rate cannot hide it. */
  shownRate: number | null;
  /** Word and line accepts, over all suggestions. */
  partialAcceptEvents: number;
  rejectedBy: Record<InlineRejectReason, number>;
  ignoredBy: Record<InlineIgnoreReason, number>;
  /** Hours spent typing (see `EditorActivityEvent.activeMs`). */
  typingHours: number;
  shownPerHour: number | null;
  acceptedCharsPerHour: number | null;
  survival: Record<SurvivalCheckpoint, SurvivalFigures>;
  latency: { p50Ms: number | null; p90Ms: number | null; buckets: LatencyBucket[] };
  byLanguage: Record<string, FeedbackSliceFigures>;
  byModel: Record<string, FeedbackSliceFigures>;
  /** Per cross-file context source; a suggestion with two sources counts in both; `none`: no such context. */
  byContextSource: Record<string, FeedbackSliceFigures>;
  daily: DailyFigures[];
  chat: ChatFeedbackFigures;
  review: ReviewFeedbackFigures;
  /** Events stored (all surfaces). */
  storedEvents: number;
}

/** `hearth/feedback/delete` (request): deletes every stored feedback record of this workspace. */
export const feedbackDeleteRequest = defineRequest0<FeedbackDeleteResult>("hearth/feedback/delete");

export interface FeedbackDeleteResult {
  deletedEvents: number;
  databasePath: string | null;
}
