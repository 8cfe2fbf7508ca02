/**
 * What the user did with each inline suggestion, decided from the editor's events: shown, then accepted,
 * partially accepted (word or line), rejected (typed over, Escape, cursor moved away, replaced by a newer
 * suggestion) or ignored; then, for accepted text, how much survives at each checkpoint, and for the rest
 * what the user wrote in its place. Pure: the VS Code glue (`feedbackCapture.ts`) turns editor events into
 * offsets and calls in; events come out through `emit`; time is passed in, so tests need no clock.
 *
 * One suggestion at a time is visible per document (`pending`). Typing the suggestion's own next characters
 * keeps it visible (VS Code does too) and moves its anchor; a multi-character insertion of its next text is an
 * accept (Tab inserts it all in one edit; accept next word / line insert a prefix, announced by Hearth's
 * wrapper commands, see `partialAcceptIntent`). Anything else at the anchor rejects it.
 */

import { editSimilarity } from "../../../server/src/base/editSimilarity";
import { round } from "../../../server/src/base/numbers";
import type {
  FeedbackEvent,
  InlineIgnoreReason,
  InlineRejectReason,
  SuggestionFacts,
  SurvivalCheckpoint,
} from "../../../server/src/protocol";
import { type OffsetEdit, TrackedRegion } from "./trackedRegion";

export interface TrackerConfig {
  /** When to measure survival after the first accept, in order. Tests shorten them. */
  checkpoints: readonly { name: SurvivalCheckpoint; afterMs: number }[];
  /** Which checkpoint captures what the user wrote instead of a suggestion (see `InlineUserTextEvent`). */
  userTextCheckpoint: SurvivalCheckpoint;
  /** A suggestion visible this long with no keystroke is ignored. */
  pendingTimeoutMs: number;
  /** How long after Hearth's accept-word/line command an insertion counts as that partial accept. */
  partialIntentMs: number;
  /** Send code (the region's text, the user's text) for dataset export. */
  keepContext: boolean;
  /** Longest text sent in one event. */
  maxTextChars: number;
  /** Most accepted regions and rejection sites followed at once (oldest dropped first). */
  maxWatches: number;
}

export interface ShownSuggestion {
  /** The server's suggestion id. */
  id: string;
  /** The document (its URI). */
  documentKey: string;
  language: string;
  trigger: "automatic" | "invoked";
  /** Offset of the cursor, where the suggestion's text would go. */
  anchor: number;
  /** The text it would insert at `anchor`. */
  text: string;
  /** Offset of the start of the anchor's line; the text from there to the anchor is the suggestion's context. */
  lineStart: number;
  lineLead: string;
  latencyMs: number;
  facts: SuggestionFacts;
}

interface Pending {
  subjectId: string;
  documentKey: string;
  shownAt: number;
  lastActivityAt: number;
  /** The whole suggestion as shown. */
  text: string;
  lines: number;
  /** Where what is left of it would go now, and what is left. */
  anchor: number;
  remaining: string;
  acceptedChars: number;
  partialAccepts: number;
  typedChars: number;
  /** The inserted part (accepted, or typed after a first accept), once something was accepted. */
  region: TrackedRegion | undefined;
  regionText: string;
  firstAcceptAt: number | undefined;
  /** The text before the suggestion on its line, followed so a later capture can check the context. */
  lead: TrackedRegion;
  leadText: string;
}

interface SurvivalWatch {
  subjectId: string;
  documentKey: string;
  region: TrackedRegion;
  acceptedText: string;
  acceptedChars: number;
  startedAt: number;
  nextCheckpoint: number;
}

interface SiteWatch {
  subjectId: string;
  documentKey: string;
  lead: TrackedRegion;
  leadText: string;
  suggestion: string;
  lines: number;
  dueAt: number;
}

interface Finished {
  subjectId: string;
  outcome: "accepted" | "rejected" | "ignored";
  remainingChars: number;
  at: number;
}

export const defaultTrackerConfig: TrackerConfig = {
  checkpoints: [
    { name: "30s", afterMs: 30_000 },
    { name: "2m", afterMs: 120_000 },
    { name: "5m", afterMs: 300_000 },
    { name: "10m", afterMs: 600_000 },
  ],
  userTextCheckpoint: "2m",
  pendingTimeoutMs: 60_000,
  partialIntentMs: 1_000,
  keepContext: true,
  maxTextChars: 4_000,
  maxWatches: 200,
};

/** Keeps `recentlyFinished` entries this long, for an accept command that arrives after a misreading. */
const finishedMemoryMs = 10_000;

export class SuggestionTracker {
  private readonly pending = new Map<string, Pending>();
  /** Server ids that continue a visible suggestion (typed-ahead answers), to the subject they continue. */
  private readonly aliases = new Map<string, string>();
  private readonly shownIds = new Map<string, number>();
  private readonly recentlyFinished = new Map<string, Finished>();
  private survivalWatches: SurvivalWatch[] = [];
  private siteWatches: SiteWatch[] = [];
  private partialIntent: { unit: "word" | "line"; at: number } | undefined;

  constructor(
    private readonly config: TrackerConfig,
    private readonly emit: (event: FeedbackEvent) => void,
    private readonly newId: () => string,
  ) {}

  /**
   * A suggestion reached the screen. Returns the subject id its accept command must carry: the visible
   * suggestion's when this one merely continues it (the user typed its first characters), else a new one.
   */
  shown(suggestion: ShownSuggestion, now: number): string {
    const current = this.pending.get(suggestion.documentKey);
    if (current) {
      const continues =
        this.aliases.get(suggestion.id) === current.subjectId ||
        current.subjectId === suggestion.id ||
        (suggestion.anchor === current.anchor && suggestion.text === current.remaining);
      if (continues) {
        this.rememberAlias(suggestion.id, current.subjectId);
        current.lastActivityAt = now;
        return current.subjectId;
      }
      this.finish(current, now, { type: "rejected", reason: "replaced" });
    }
    const times = (this.shownIds.get(suggestion.id) ?? 0) + 1;
    this.shownIds.set(suggestion.id, times);
    trimMap(this.shownIds, 1000);
    // The server may show the same suggestion again later (from its cache): a new subject each time.
    const subjectId = times === 1 ? suggestion.id : `${suggestion.id}#${times}`;
    this.pending.set(suggestion.documentKey, {
      subjectId,
      documentKey: suggestion.documentKey,
      shownAt: now,
      lastActivityAt: now,
      text: suggestion.text,
      lines: lineCount(suggestion.text),
      anchor: suggestion.anchor,
      remaining: suggestion.text,
      acceptedChars: 0,
      partialAccepts: 0,
      typedChars: 0,
      region: undefined,
      regionText: "",
      firstAcceptAt: undefined,
      lead: new TrackedRegion(suggestion.lineStart, suggestion.anchor),
      leadText: suggestion.lineLead,
    });
    this.send({
      surface: "inline",
      type: "shown",
      subjectId,
      at: now,
      language: suggestion.language,
      trigger: suggestion.trigger,
      latencyMs: Math.round(suggestion.latencyMs),
      chars: suggestion.text.length,
      lines: lineCount(suggestion.text),
      facts: suggestion.facts,
    });
    return subjectId;
  }

  /** Hearth's accept-next-word / accept-next-line command ran: the insertion that follows is that accept. */
  partialAcceptIntent(unit: "word" | "line", now: number): void {
    this.partialIntent = { unit, at: now };
  }

  /** The document changed; `edits` in the order the editor applied them. */
  documentChanged(documentKey: string, edits: readonly OffsetEdit[], now: number): void {
    for (const edit of edits) {
      // Watches first: a suggestion that ends at this edit hands its trackers, already moved, to new watches.
      for (const watch of this.survivalWatches)
        if (watch.documentKey === documentKey) watch.region.apply(edit);
      for (const watch of this.siteWatches) if (watch.documentKey === documentKey) watch.lead.apply(edit);
      const pending = this.pending.get(documentKey);
      if (pending) this.classify(pending, edit, now);
    }
  }

  /** The selections of the document's editor changed (after any edit that moved them). */
  selectionChanged(
    documentKey: string,
    selections: readonly { start: number; end: number }[],
    now: number,
  ): void {
    const pending = this.pending.get(documentKey);
    if (!pending) return;
    const [only] = selections;
    if (selections.length === 1 && only && only.start === only.end && only.start === pending.anchor) return;
    this.finish(pending, now, { type: "rejected", reason: "cursorMoved" });
  }

  /** Escape hid the suggestion in this document. */
  escape(documentKey: string, now: number): void {
    const pending = this.pending.get(documentKey);
    if (pending) this.finish(pending, now, { type: "rejected", reason: "escape" });
  }

  /**
   * VS Code ran the item's command: the whole suggestion was accepted. Usually the insertion was seen first;
   * otherwise (an edit shaped differently, or misread) this decides. `insertedEnd` is the cursor offset now.
   */
  acceptCommand(subjectId: string, now: number, documentKey: string | undefined, insertedEnd?: number): void {
    const id = this.aliases.get(subjectId) ?? subjectId;
    const pending = [...this.pending.values()].find((entry) => entry.subjectId === id);
    if (pending) {
      const chars = pending.remaining.length;
      const end =
        insertedEnd !== undefined && documentKey === pending.documentKey
          ? insertedEnd
          : pending.anchor + chars;
      this.grow(pending, Math.max(pending.anchor, end - chars), pending.remaining, now);
      pending.acceptedChars += chars;
      pending.remaining = "";
      this.finish(pending, now, { type: "accepted" });
      return;
    }
    const finished = this.recentlyFinished.get(id);
    if (finished && finished.outcome !== "accepted") {
      // It was read as rejected or ignored, but VS Code says it went in: the accept wins (the server keeps
      // the strongest outcome), without survival tracking since where it went is unknown.
      finished.outcome = "accepted";
      this.send({
        surface: "inline",
        type: "accepted",
        subjectId: id,
        at: now,
        acceptedChars: finished.remainingChars,
        partialAccepts: 0,
        elapsedMs: 0,
      });
    }
  }

  /** Another editor became active: suggestions elsewhere are gone. */
  activeDocumentChanged(documentKey: string | undefined, now: number): void {
    for (const pending of [...this.pending.values()]) {
      if (pending.documentKey !== documentKey)
        this.finish(pending, now, { type: "ignored", reason: "editorChanged" });
    }
  }

  documentClosed(documentKey: string, now: number): void {
    const pending = this.pending.get(documentKey);
    if (pending) this.finish(pending, now, { type: "ignored", reason: "documentClosed" });
    // Its regions cannot be followed any more; later checkpoints are not measured (not counted as lost).
    this.survivalWatches = this.survivalWatches.filter((watch) => watch.documentKey !== documentKey);
    this.siteWatches = this.siteWatches.filter((watch) => watch.documentKey !== documentKey);
  }

  /**
   * Emits what is due: timeouts, survival checkpoints, user text. `textOf` returns a document's text, or
   * undefined when it is not open.
   */
  tick(now: number, textOf: (documentKey: string) => string | undefined): void {
    for (const pending of [...this.pending.values()]) {
      if (now - pending.lastActivityAt >= this.config.pendingTimeoutMs) {
        this.finish(pending, now, { type: "ignored", reason: "timeout" });
      }
    }
    for (const watch of [...this.survivalWatches]) {
      let checkpoint = this.config.checkpoints[watch.nextCheckpoint];
      while (checkpoint && now - watch.startedAt >= checkpoint.afterMs) {
        const text = textOf(watch.documentKey);
        if (text === undefined) {
          this.survivalWatches = this.survivalWatches.filter((other) => other !== watch);
          break;
        }
        const current = watch.region.textIn(text);
        this.send({
          surface: "inline",
          type: "survival",
          subjectId: watch.subjectId,
          at: now,
          checkpoint: checkpoint.name,
          similarity: round(editSimilarity(watch.acceptedText, current)),
          acceptedChars: watch.acceptedChars,
          currentChars: current.length,
          ...(this.config.keepContext ? { text: current.slice(0, this.config.maxTextChars) } : {}),
        });
        watch.nextCheckpoint++;
        checkpoint = this.config.checkpoints[watch.nextCheckpoint];
      }
      if (!checkpoint) this.survivalWatches = this.survivalWatches.filter((other) => other !== watch);
    }
    for (const watch of [...this.siteWatches]) {
      if (now < watch.dueAt) continue;
      this.siteWatches = this.siteWatches.filter((other) => other !== watch);
      const text = textOf(watch.documentKey);
      if (text === undefined || watch.lead.textIn(text) !== watch.leadText) continue;
      const written = linesFrom(text, watch.lead.end, watch.lines).slice(0, this.config.maxTextChars);
      this.send({
        surface: "inline",
        type: "userText",
        subjectId: watch.subjectId,
        at: now,
        checkpoint: this.config.userTextCheckpoint,
        text: written,
        similarity: round(editSimilarity(watch.suggestion, written)),
      });
    }
    if (this.partialIntent && now - this.partialIntent.at > this.config.partialIntentMs)
      this.partialIntent = undefined;
    for (const [id, finished] of this.recentlyFinished) {
      if (now - finished.at > finishedMemoryMs) this.recentlyFinished.delete(id);
    }
  }

  /** Collection stops (switched off, extension deactivated): visible suggestions end as ignored. */
  stop(now: number): void {
    for (const pending of [...this.pending.values()])
      this.finish(pending, now, { type: "ignored", reason: "stopped" });
    this.clear();
  }

  /** Forgets everything without emitting (after the user deleted all feedback data). */
  clear(): void {
    this.pending.clear();
    this.aliases.clear();
    this.recentlyFinished.clear();
    this.survivalWatches = [];
    this.siteWatches = [];
    this.partialIntent = undefined;
  }

  /** What is being followed, for tests and diagnostics. */
  snapshot(): { pending: number; survivalWatches: number; siteWatches: number } {
    return {
      pending: this.pending.size,
      survivalWatches: this.survivalWatches.length,
      siteWatches: this.siteWatches.length,
    };
  }

  private classify(pending: Pending, edit: OffsetEdit, now: number): void {
    const touches = edit.offset <= pending.anchor && edit.offset + edit.length >= pending.anchor;
    if (!touches) {
      // An edit elsewhere (another cursor, a formatter, a line above): the suggestion moves with the text.
      if (edit.offset + edit.length < pending.anchor) pending.anchor += edit.text.length - edit.length;
      pending.lead.apply(edit);
      pending.region?.apply(edit);
      return;
    }
    const inserted = edit.text;
    const isInsertionAtAnchor = edit.length === 0 && edit.offset === pending.anchor && inserted.length > 0;
    if (!isInsertionAtAnchor || !pending.remaining.startsWith(inserted)) {
      pending.lead.apply(edit);
      pending.region?.apply(edit);
      this.finish(pending, now, { type: "rejected", reason: "typedOver" });
      return;
    }
    const intent =
      this.partialIntent && now - this.partialIntent.at <= this.config.partialIntentMs
        ? this.partialIntent
        : undefined;
    const whole = inserted === pending.remaining;
    // Typing inserts one character (two with an auto-closed pair); accepts insert words, lines or all of it.
    const accepted = intent !== undefined || inserted.length >= 3 || (whole && inserted.length >= 2);
    pending.lastActivityAt = now;
    if (!accepted) {
      this.grow(pending, pending.anchor, inserted, now, false);
      pending.typedChars += inserted.length;
      pending.anchor += inserted.length;
      pending.remaining = pending.remaining.slice(inserted.length);
      if (pending.remaining === "") this.finish(pending, now, { type: "ignored", reason: "typedThrough" });
      return;
    }
    this.partialIntent = undefined;
    this.grow(pending, pending.anchor, inserted, now);
    pending.acceptedChars += inserted.length;
    pending.anchor += inserted.length;
    pending.remaining = pending.remaining.slice(inserted.length);
    if (pending.remaining === "") {
      this.finish(pending, now, { type: "accepted" });
      return;
    }
    pending.partialAccepts++;
    this.send({
      surface: "inline",
      type: "partiallyAccepted",
      subjectId: pending.subjectId,
      at: now,
      unit: intent?.unit ?? "unknown",
      chars: inserted.length,
      acceptedChars: pending.acceptedChars,
      remainingChars: pending.remaining.length,
      elapsedMs: now - pending.shownAt,
    });
  }

  /**
   * Adds inserted suggestion text at `at` to the pending suggestion's region (starting the region at the first
   * accept; typed characters join it only once something was accepted).
   */
  private grow(pending: Pending, at: number, text: string, now: number, isAccept = true): void {
    if (!pending.region) {
      if (!isAccept) return;
      pending.region = new TrackedRegion(at, at + text.length);
      pending.regionText = text;
      pending.firstAcceptAt = now;
      return;
    }
    if (pending.region.end === at) pending.region.extend(text.length);
    else pending.region = new TrackedRegion(pending.region.start, at + text.length);
    pending.regionText += text;
  }

  private finish(
    pending: Pending,
    now: number,
    outcome:
      | { type: "accepted" }
      | { type: "rejected"; reason: InlineRejectReason }
      | { type: "ignored"; reason: InlineIgnoreReason },
  ): void {
    this.pending.delete(pending.documentKey);
    const elapsedMs = now - pending.shownAt;
    if (outcome.type === "accepted") {
      this.send({
        surface: "inline",
        type: "accepted",
        subjectId: pending.subjectId,
        at: now,
        acceptedChars: pending.acceptedChars,
        partialAccepts: pending.partialAccepts,
        elapsedMs,
      });
    } else {
      this.send({
        surface: "inline",
        type: outcome.type,
        reason: outcome.reason,
        subjectId: pending.subjectId,
        at: now,
        acceptedChars: pending.acceptedChars,
        typedChars: pending.typedChars,
        elapsedMs,
      } as FeedbackEvent);
    }
    this.recentlyFinished.set(pending.subjectId, {
      subjectId: pending.subjectId,
      outcome: outcome.type,
      remainingChars: pending.remaining.length,
      at: now,
    });
    if (pending.region && pending.firstAcceptAt !== undefined) {
      this.survivalWatches.push({
        subjectId: pending.subjectId,
        documentKey: pending.documentKey,
        region: pending.region,
        acceptedText: pending.regionText,
        acceptedChars: pending.acceptedChars,
        startedAt: pending.firstAcceptAt,
        nextCheckpoint: 0,
      });
      if (this.survivalWatches.length > this.config.maxWatches) this.survivalWatches.shift();
    }
    const userTextAfter = this.config.checkpoints.find(
      (checkpoint) => checkpoint.name === this.config.userTextCheckpoint,
    );
    if (outcome.type !== "accepted" && this.config.keepContext && userTextAfter) {
      this.siteWatches.push({
        subjectId: pending.subjectId,
        documentKey: pending.documentKey,
        lead: pending.lead,
        leadText: pending.leadText,
        suggestion: pending.text,
        lines: pending.lines,
        dueAt: now + userTextAfter.afterMs,
      });
      if (this.siteWatches.length > this.config.maxWatches) this.siteWatches.shift();
    }
  }

  private rememberAlias(serverId: string, subjectId: string): void {
    if (serverId === subjectId) return;
    this.aliases.set(serverId, subjectId);
    trimMap(this.aliases, 1000);
  }

  private send(event: Omit<FeedbackEvent, "eventId"> | FeedbackEvent): void {
    this.emit({ ...event, eventId: this.newId() } as FeedbackEvent);
  }
}

/** The text from `offset` to the end of its line, and `lines - 1` more lines. */
export function linesFrom(text: string, offset: number, lines: number): string {
  let end = offset;
  for (let line = 0; line < Math.max(1, lines); line++) {
    const newline = text.indexOf("\n", end);
    if (newline < 0) return text.slice(offset);
    end = line === Math.max(1, lines) - 1 ? newline : newline + 1;
  }
  return text.slice(offset, end);
}

function lineCount(text: string): number {
  let lines = 1;
  for (const character of text) if (character === "\n") lines++;
  return lines;
}

function trimMap<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}
