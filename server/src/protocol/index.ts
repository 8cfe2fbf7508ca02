/**
 * Hearth's own LSP methods and their data types, declared once for both sides.
 *
 * This is the only server folder the client may import. It holds plain data and method names:
 * no `vscode`, no `node:*`, no side effects.
 */

/** `hearth/status`: a snapshot of the server's state, for the status bar, `hearth status` and tests. */
export const statusMethod = "hearth/status";

export interface HearthStatus {
  version: string;
  server: ServerProcessStatus;
  /** Native modules the server needs, and whether they loaded in this runtime. */
  nativeModules: NativeModuleStatus[];
  /** The inference backend (GPU kind, threads); `null` until an engine has been asked for. */
  backend: BackendStatus | null;
  /** One entry per configured model role; `null` until the inference engine exists. */
  models: ModelStatus[] | null;
  /** One entry per indexed workspace folder. */
  indexes: IndexStatus[];
  /** Inline completion counters since the server started; `null` before the core starts. */
  completion: CompletionStatus | null;
}

export interface ServerProcessStatus {
  pid: number;
  node: string;
  /** `process.versions.modules`: the ABI that native modules must have been built for. */
  nodeAbi: string;
  platform: string;
  arch: string;
  startedAt: string;
  uptimeMs: number;
}

export interface NativeModuleStatus {
  name: string;
  ok: boolean;
  error?: string;
}

export interface BackendStatus {
  /** `idle` until a model is first needed; `error` when no llama.cpp binary loads. */
  state?: "idle" | "loading" | "ready" | "error";
  /** `false` when running on the CPU. */
  gpu: string | false;
  threads: number;
  devices: string[];
  vramTotalBytes?: number;
  vramFreeBytes?: number;
  /** The llama.cpp release the binary was built from. */
  llamaCpp?: string;
  error?: string;
}

export type ModelRole = "completion" | "draft" | "chat" | "embedding";

export interface ModelStatus {
  role: ModelRole;
  id: string | null;
  path: string | null;
  /**
   * `absent`: no model configured for the role, or configured and not loaded yet (`configured` says which);
   * `error`: the file is missing or does not load (`error` names the file and the fix).
   */
  state: "absent" | "loading" | "ready" | "error";
  error?: string;
  configured?: boolean;
  sizeBytes?: number;
  /** Layers offloaded to the GPU (0 on the CPU). */
  gpuLayers?: number;
  contextSize?: number;
  /** Requests served since the model loaded. */
  requests?: number;
  /** The figures of the most recent request on this role. */
  lastRequest?: GenerationMetrics;
}

export type SpeculationMode = "none" | "draft" | "inputLookup";

/** What one inference request cost; times in milliseconds. */
export interface GenerationMetrics {
  role: ModelRole;
  speculation: SpeculationMode;
  promptTokens: number;
  /** Prompt tokens whose KV state was reused from the previous request on the same sequence. */
  reusedPromptTokens: number;
  generatedTokens: number;
  /** Waiting for the scheduler and the sequence before any work started. */
  queuedMs: number;
  timeToFirstTokenMs: number;
  /** Generated tokens after the first, per second of decoding. */
  decodeTokensPerSecond: number;
  /** Speculated tokens the target model checked, and how many of them it confirmed. */
  draftedTokens: number;
  acceptedTokens: number;
  /** Time spent producing speculated tokens (the draft model's decoding; next to nothing for input lookup). */
  proposalMs: number;
  /** Target-model evaluations during decoding; generated / this = tokens per evaluation. */
  targetEvaluations: number;
  totalMs: number;
  stopReason: "eog" | "stop" | "stopToken" | "maxTokens" | "hook" | "contextFull" | "aborted";
}

export interface IndexStatus {
  root: string;
  state: "starting" | "idle" | "indexing" | "error";
  files: number;
  chunks: number;
  /** Chunk contents that have a vector; less than `chunks` while embedding runs or without a model. */
  embeddedChunks: number;
  embeddingModel: string | null;
  databasePath: string;
  /** Saved or changed files waiting for their update (at most about a second while saves keep coming). */
  queuedFiles: number;
  /** Files in the update the index host is working on now. `state` is `indexing` while either is above 0. */
  updatingFiles: number;
  lastPass?: { seconds: number; changedFiles: number; embeddedChunks: number; finishedAt: string };
  /** The last fault the index recovered from on its own: a damaged database rebuilt, a dead index host restarted. */
  lastRecovery?: { at: string; message: string };
  error?: string;
}

export interface CompletionStatus {
  requests: number;
  /** Answered from the typed-ahead cache, without a model call. */
  cacheAnswers: number;
  /** Answered by joining a generation already running for a shorter prefix. */
  inFlightAnswers: number;
  modelCalls: number;
  /** Requests made stale by a newer keystroke, during the debounce or the generation. */
  supersededRequests: number;
  /** Generations stopped part-way because their request (or prefetch) went stale. */
  cancelledGenerations: number;
  /** Background generations for where the user is likely to be next (after an answer, or a cursor move). */
  prefetches: number;
  /** Prompt tokens of every generation, prefetches included, and how many came from the KV cache. */
  promptTokens: number;
  reusedPromptTokens: number;
  /** The same for generations a keystroke waited for (prefetches left out). */
  requestPromptTokens: number;
  requestReusedPromptTokens: number;
}

/**
 * `hearth/completion/prefetch` (notification, client to server): the user put the cursor here without typing.
 * The server prepares the suggestion for this place in the background, so the first keystroke finds it (or
 * at least the model's cache) ready.
 */
export const prefetchCompletionMethod = "hearth/completion/prefetch";

export interface PrefetchCompletionParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
}

/** `hearth/search`: hybrid search over the workspace index. */
export const searchMethod = "hearth/search";

export interface SearchParams {
  query: string;
  /** Number of hits; default 10. */
  k?: number;
  mode?: "hybrid" | "lexical" | "vector";
}

export interface SearchResult {
  hits: SearchHitInfo[];
  milliseconds: number;
}

export interface SearchHitInfo {
  /** The file's URI. */
  uri: string;
  /** Relative to the workspace folder. */
  path: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  score: number;
  retrievers: ("lexical" | "vector" | "symbol")[];
  text: string;
}

/**
 * `hearth/feedback/events` (notification, client to server): what the user did with what Hearth showed, in
 * batches. Events are facts, recorded where only the editor sees them; the server stores them in the
 * workspace's feedback database and interprets them later. Nothing is sent anywhere else.
 */
export const feedbackEventsMethod = "hearth/feedback/events";

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

/** What the server knows about how a suggestion was made; carried to the client in the item's command. */
export interface SuggestionFacts {
  /** The completion model's id (catalog id or file name). */
  model?: string;
  /** The prompt template (FIM family), e.g. `qwen2.5-coder`. */
  template?: string;
  /** Version of Hearth's prompt building for that template, so a change of prompt can be compared. */
  promptVersion?: string;
  /** Cross-file context in the prompt, by source (`retrieval`, `recentEdit`, ...); empty: none. */
  contextSources?: string[];
  /** `cache`: typed-ahead reuse; `inFlight`: a running generation; `model`: a new generation. */
  source?: "cache" | "model" | "inFlight";
  /** Request to answer inside the server, ms. */
  serverLatencyMs?: number;
  promptTokens?: number;
  reusedPromptTokens?: number;
}

/**
 * The argument of an inline completion item's `command` (`arguments[0]`): the server puts the suggestion's
 * id and facts there (LSP inline items have no `data` field), the client reads them when the item is shown.
 */
export interface InlineSuggestionRef extends SuggestionFacts {
  id: string;
}

/** The item's command name when the server fills it in; the client runs its own command in its place. */
export const suggestionAcceptedCommand = "hearth.feedback.accepted";

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

/** Chat signals (no client emits them yet; the store keeps any event it can parse). */
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

/** Review signals: a finding accepted (its fix applied or kept) or dismissed. */
export interface FindingEvent extends FeedbackEventBase {
  surface: "review";
  type: "findingAccepted" | "findingDismissed";
  reason?: string;
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
  | ChatActionEvent
  | RatingEvent
  | FindingEvent;

/** `hearth/feedback/stats` (request): the figures behind `hearth stats` and the feedback dashboard. */
export const feedbackStatsMethod = "hearth/feedback/stats";

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
  /** Events stored (all surfaces). */
  storedEvents: number;
}

/** `hearth/feedback/delete` (request): deletes every stored feedback record of this workspace. */
export const feedbackDeleteMethod = "hearth/feedback/delete";

export interface FeedbackDeleteResult {
  deletedEvents: number;
  databasePath: string | null;
}
