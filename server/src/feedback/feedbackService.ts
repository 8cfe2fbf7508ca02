/**
 * The feedback capability in the server: receives events from the editor, keeps them in the workspace's
 * feedback database, and uses them. It is the database's single writer in the server process.
 *
 * Off the keystroke path: events are validated and applied to the in-memory policy when they arrive, and
 * written in one transaction per batch a moment later (`flushDelayMs`). The completer reads only memory
 * through `SuggestionGate`: the adaptive trigger's pause and the rejected-suggestion memory.
 */

import type { Logger } from "../base/logger";
import type { FeedbackDeleteResult, FeedbackEvent, FeedbackStats, FeedbackStatsParams } from "../protocol";
import type { ConversationStore } from "../store/conversationStore";
import type { PromptContext } from "../store/feedbackEvents";
import { FeedbackStore } from "../store/feedbackStore";
import { AdaptiveTrigger, glimpsedWithinMs } from "./adaptiveTrigger";
import type { FeedbackConfig } from "./feedbackConfig";
import { computeFeedbackStats } from "./feedbackStats";
import { parseFeedbackEvents } from "./parseFeedbackEvents";
import { type CursorContext, RejectionMemory } from "./rejectionMemory";

/** Where a suggestion was made, as the completer saw it. */
export interface SuggestionContext extends CursorContext {
  /** Workspace-relative path, for export. */
  path?: string;
  language: string;
}

/** What the completer asks before and after answering; every method answers from memory. */
export interface SuggestionGate {
  /** False while automatic requests are paused after a run of rejections (see `adaptiveTrigger.ts`). */
  allowRequest(trigger: "automatic" | "invoked", nowMs: number): boolean;
  /** False when the user rejected this very text in this very context. */
  allowSuggestion(context: CursorContext, text: string, nowMs: number): boolean;
  /** Remembers an answer by id, so that feedback about it (arriving later) finds its context. */
  answered(id: string, context: SuggestionContext, text: string): void;
}

export interface FeedbackServiceOptions {
  /** `null`: nothing is stored (no storage, or SQLite does not load); the policy still works. */
  databasePath: string | null;
  config: FeedbackConfig;
  logger: Logger;
  now?: () => number;
  flushDelayMs?: number;
  pruneIntervalMs?: number;
  /**
   * Applied to every text before it is stored (the code around a suggestion, the suggestion, what the user
   * wrote): the guardrails' secret redaction. What memory keeps for the adaptive policy is never stored.
   */
  redact?: (text: string) => string;
}

interface Answer {
  context: SuggestionContext;
  text: string;
}

/** Prompt context kept per answer: enough for fill-in-the-middle training examples, bounded in size. */
const keptPrefixChars = 3000;
const keptSuffixChars = 1000;
const maxAnswers = 512;

export class FeedbackService implements SuggestionGate {
  private readonly answers = new Map<string, Answer>();
  private readonly rejections = new RejectionMemory();
  private readonly trigger = new AdaptiveTrigger();
  private readonly outcomeListeners: ((accepted: boolean) => void)[] = [];
  private queue: FeedbackEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly now: () => number;
  private storeError: string | undefined;

  private constructor(
    private store: FeedbackStore | null,
    readonly databasePath: string | null,
    private config: FeedbackConfig,
    private readonly logger: Logger,
    private readonly options: FeedbackServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.pruneTimer = setInterval(() => this.prune(), options.pruneIntervalMs ?? 6 * 3_600_000);
    this.pruneTimer.unref();
  }

  static open(options: FeedbackServiceOptions): FeedbackService {
    const service = new FeedbackService(null, options.databasePath, options.config, options.logger, options);
    service.openStore();
    return service;
  }

  private openStore(): void {
    if (!this.databasePath || !this.config.enabled || this.store) return;
    this.storeError = undefined;
    try {
      this.store = FeedbackStore.open(this.databasePath, {
        readonly: false,
        onRecreated: (movedTo, reason, recovered) =>
          this.logger.warn(
            `the feedback database was damaged (${reason}); kept it as ${movedTo} and started a new one ` +
              `with the ${recovered.events} event(s) that could be read from it` +
              (recovered.unreadableEvents ? ` (about ${recovered.unreadableEvents} could not be read)` : ""),
          ),
      });
      this.prune();
    } catch (caught) {
      this.storeError = caught instanceof Error ? caught.message : String(caught);
      this.logger.error(`feedback is not stored: cannot open ${this.databasePath}`, caught);
    }
  }

  /**
   * New settings: switching collection off stores what is queued and closes the database, switching it on
   * opens it, new retention limits prune at once. What memory learned (pauses, rejected texts) is kept.
   */
  reconfigure(config: FeedbackConfig): void {
    this.config = config;
    if (config.enabled) {
      this.openStore();
      this.prune();
    } else {
      this.flush();
      this.store?.close();
      this.store = null;
    }
  }

  /** Called with true for each suggestion accepted (whole or in part), false for each rejected. */
  onOutcome(listener: (accepted: boolean) => void): () => void {
    this.outcomeListeners.push(listener);
    return () => {
      const index = this.outcomeListeners.indexOf(listener);
      if (index >= 0) this.outcomeListeners.splice(index, 1);
    };
  }

  allowRequest(trigger: "automatic" | "invoked", nowMs: number): boolean {
    return this.trigger.allows(trigger, nowMs);
  }

  allowSuggestion(context: CursorContext, text: string, nowMs: number): boolean {
    return !this.rejections.isRejected(context, text, nowMs);
  }

  answered(id: string, context: SuggestionContext, text: string): void {
    this.answers.delete(id);
    this.answers.set(id, {
      context: {
        ...context,
        prefix: context.prefix.slice(-keptPrefixChars),
        suffix: context.suffix.slice(0, keptSuffixChars),
      },
      text,
    });
    while (this.answers.size > maxAnswers) this.answers.delete(this.answers.keys().next().value!);
  }

  /** A batch from the editor (`hearth/feedback/events`). Malformed events are dropped and logged. */
  record(input: unknown): void {
    if (!this.config.enabled) return;
    const parsed = parseFeedbackEvents(input);
    if (parsed.invalid > 0) {
      this.logger.warn(
        `dropped ${parsed.invalid} malformed feedback event(s): ${parsed.problems.join("; ")}`,
      );
    }
    for (const event of parsed.events) this.learn(event);
    if (!this.store) return;
    this.queue.push(...parsed.events.map((event) => this.withoutContextUnlessKept(event)));
    if (this.queue.length >= 2000) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushDelayMs ?? 1000);
  }

  /** Writes queued events now. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const events = this.queue;
    this.queue = [];
    if (!this.store || events.length === 0) return;
    const prompts = new Map<string, PromptContext>();
    if (this.config.keepContext) {
      for (const event of events) {
        if (event.type !== "shown") continue;
        const answer = this.answers.get(serverId(event.subjectId));
        if (answer) {
          prompts.set(event.subjectId, {
            path: answer.context.path,
            prefix: this.redact(answer.context.prefix),
            suffix: this.redact(answer.context.suffix),
          });
        }
      }
    }
    try {
      this.store.append(events, prompts);
    } catch (error) {
      this.logger.error(`could not store ${events.length} feedback event(s)`, error);
    }
  }

  stats(params: FeedbackStatsParams = {}): FeedbackStats {
    this.flush();
    const context = {
      databasePath: this.databasePath,
      enabled: this.config.enabled,
      sinceMs: params.sinceMs ?? null,
      now: this.now(),
      storedEvents: this.store?.eventCount() ?? 0,
    };
    if (!this.store) return computeFeedbackStats([], [], context);
    return computeFeedbackStats(
      this.store.suggestions(params.sinceMs),
      this.store.activity(params.sinceMs),
      context,
      this.store.chatEvents(params.sinceMs),
      this.store.reviewEvents(params.sinceMs),
    );
  }

  /** Deletes every stored record and forgets what memory learned from them. */
  deleteAll(): FeedbackDeleteResult {
    this.queue = [];
    this.answers.clear();
    this.rejections.clear();
    this.trigger.reset();
    const deletedEvents = this.store ? this.store.deleteAll() : 0;
    this.logger.info(
      `deleted all feedback data (${deletedEvents} events) from ${this.databasePath ?? "memory"}`,
    );
    return { deletedEvents, databasePath: this.databasePath };
  }

  /** The chat conversations kept in the same database; `null` when nothing is stored. */
  conversations(): ConversationStore | null {
    return this.store?.conversations() ?? null;
  }

  /** Why nothing is stored, when that is the case. */
  storageProblem(): string | undefined {
    if (!this.config.enabled) return "feedback collection is off (hearth.feedback.enabled)";
    if (!this.databasePath) return "no storage folder";
    return this.storeError;
  }

  dispose(): void {
    this.flush();
    clearInterval(this.pruneTimer);
    this.store?.close();
    this.store = null;
  }

  private prune(): void {
    if (!this.store) return;
    try {
      const cutoff = this.now() - this.config.retentionDays * 86_400_000;
      const deleted = this.store.prune(cutoff, this.config.maxEvents);
      if (deleted > 0) this.logger.info(`feedback retention: deleted ${deleted} old event(s)`);
    } catch (error) {
      this.logger.error("feedback retention failed", error);
    }
  }

  /** Updates the in-memory policy from one event. */
  private learn(event: FeedbackEvent): void {
    if (event.surface !== "inline") return;
    const now = this.now();
    switch (event.type) {
      case "partiallyAccepted":
        this.trigger.record("accepted", now);
        return;
      case "accepted":
        this.trigger.record("accepted", now);
        this.notify(true);
        return;
      case "rejected": {
        const answer = this.answers.get(serverId(event.subjectId));
        if (answer) {
          // The context where the user said no: after what they had typed or accepted of the suggestion.
          const consumed = Math.min(answer.text.length, event.acceptedChars + event.typedChars);
          this.rejections.reject(
            { ...answer.context, prefix: answer.context.prefix + answer.text.slice(0, consumed) },
            answer.text.slice(consumed),
            now,
          );
        }
        const glimpsed = event.reason === "typedOver" && event.elapsedMs < glimpsedWithinMs;
        if (event.acceptedChars > 0) {
          this.notify(true);
        } else if (event.reason !== "replaced" && !glimpsed) {
          this.trigger.record("rejected", now);
          this.notify(false);
        }
        return;
      }
      case "ignored":
        if (event.acceptedChars > 0) this.notify(true);
        return;
    }
  }

  private notify(accepted: boolean): void {
    for (const listener of this.outcomeListeners) {
      try {
        listener(accepted);
      } catch (error) {
        this.logger.error("a feedback outcome listener failed", error);
      }
    }
  }

  private redact(text: string): string {
    return this.options.redact ? this.options.redact(text) : text;
  }

  private withoutContextUnlessKept(event: FeedbackEvent): FeedbackEvent {
    if (!("text" in event) || typeof event.text !== "string") return event;
    if (this.config.keepContext) return { ...event, text: this.redact(event.text) } as FeedbackEvent;
    if (event.type === "userText") return { ...event, text: "" };
    const { text: _text, ...rest } = event as FeedbackEvent & { text?: string };
    return rest as FeedbackEvent;
  }
}

/** The server's id of a subject: the client appends `#n` when the same suggestion is shown again. */
function serverId(subjectId: string): string {
  const hash = subjectId.indexOf("#");
  return hash < 0 ? subjectId : subjectId.slice(0, hash);
}
