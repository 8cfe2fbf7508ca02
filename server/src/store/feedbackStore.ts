/**
 * The feedback database: one SQLite file per workspace (WAL), written by one process (the language server,
 * or a CLI command run by the user), with its own numbered migrations (`feedbackMigrations.ts`). Appends
 * events in one transaction per batch and keeps the per-suggestion summary up to date; prunes by age and
 * count; deletes everything on request, leaving no copy in free pages or the WAL.
 *
 * Unlike the index this is the user's own record, not derived data: a damaged file, found on open or by any
 * later statement, is moved aside (kept, and deleted along with the rest by `deleteAll`), and a new one starts
 * with every event that could still be read from it (`salvageFeedback.ts`); the operation then runs again on
 * the new file. A read-only store cannot move the file: it marks it for the next writer and says so.
 */

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { ConversationStore } from "./conversationStore";
import {
  type PromptContext,
  type StoredCheckpoint,
  type StoredFeedbackEvent,
  type StoredInlineEvent,
  storedCheckpoints,
} from "./feedbackEvents";
import { feedbackMigrations } from "./feedbackMigrations";
import { type SalvagedFeedback, salvageFeedback } from "./salvageFeedback";
import {
  DamagedDatabaseError,
  type Database,
  damageDetail,
  isDamagedDatabase,
  markSuspect,
  moveAside,
  openReader,
  openWriter,
  type SqliteFileKind,
} from "./sqliteFile";

const feedbackFile: SqliteFileKind = {
  label: "the feedback database",
  migrations: feedbackMigrations,
  vectors: false,
  error: (message) => new FeedbackDatabaseError(message),
};

export class FeedbackDatabaseError extends Error {
  override name = "FeedbackDatabaseError";
}

/** One inline suggestion as the statistics read it. */
export interface SuggestionRow {
  id: string;
  shownAt: number;
  language: string;
  trigger: string;
  model: string | null;
  template: string | null;
  source: string | null;
  contextSources: string[];
  latencyMs: number;
  chars: number;
  outcome: "accepted" | "partiallyAccepted" | "rejected" | "ignored" | null;
  outcomeReason: string | null;
  acceptedChars: number;
  partialAccepts: number;
  survival: Partial<Record<StoredCheckpoint, number>>;
}

/** One suggestion with the text needed to build training examples. */
export interface ExportRow extends SuggestionRow {
  text: string | null;
  finalText: string | null;
  finalCheckpoint: StoredCheckpoint | null;
  userText: string | null;
  userTextSimilarity: number | null;
  prompt: PromptContext | null;
}

export interface ActivityTotals {
  language: string;
  activeMs: number;
  requests: number;
  typedChars: number;
}

/** One chat event (an answer shown, a code-block action, a regeneration, a rating) as the chat figures read it. */
export interface ChatEventRow {
  at: number;
  type: string;
  subjectId: string;
  rating: string | null;
  chars: number | null;
  stopReason: string | null;
  timeToFirstTokenMs: number | null;
  totalMs: number | null;
}

/** One review event (a finding accepted or dismissed) as the review figures read it. */
export interface ReviewEventRow {
  type: string;
  subjectId: string;
  category: string | null;
}

export interface StoredEvent {
  id: number;
  event: StoredFeedbackEvent;
}

export interface OpenFeedbackOptions {
  readonly: boolean;
  /**
   * Told each time a damaged file was moved aside and a new one started, with how many of its events were
   * read back into the new one (suggestions and their stored context follow from those events).
   */
  onRecreated?: (movedTo: string, reason: string, recovered: FeedbackRecovery) => void;
}

export interface FeedbackRecovery {
  events: number;
  /** Rows the damaged file still had that could not be read (an estimate from its row ids). */
  unreadableEvents: number;
}

/** Rows read per statement by the iterators, so damage found half-way is repaired and the walk goes on. */
const pageSize = 500;

/** Strength of outcomes: a later event never downgrades a suggestion (an accept after a misread reject wins). */
const outcomeRank: Record<string, number> = { ignored: 1, rejected: 2, partiallyAccepted: 3, accepted: 4 };

export class FeedbackStore {
  private constructor(
    readonly file: string,
    private database: Database,
    readonly readonly: boolean,
    private readonly options: OpenFeedbackOptions,
  ) {}

  static open(file: string, options: OpenFeedbackOptions): FeedbackStore {
    if (options.readonly) return new FeedbackStore(file, openReader(file, feedbackFile), true, options);
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      return new FeedbackStore(file, openWriter(file, feedbackFile), false, options);
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      return new FeedbackStore(
        file,
        FeedbackStore.recreate(file, damageDetail(error), options),
        false,
        options,
      );
    }
  }

  close(): void {
    this.database.close();
  }

  /**
   * Moves a damaged file aside and starts a new one holding every event that could be read from it: the
   * events are appended again, in their order, so the suggestion summaries follow, with the stored context
   * of the suggestions they show.
   */
  private static recreate(file: string, reason: string, options: OpenFeedbackOptions): Database {
    const movedTo = moveAside(file);
    const salvaged: SalvagedFeedback = salvageFeedback(movedTo);
    const database = openWriter(file, feedbackFile);
    const recovered = new FeedbackStore(file, database, false, { readonly: false }).append(
      salvaged.events,
      salvaged.prompts,
    );
    options.onRecreated?.(movedTo, reason, {
      events: recovered,
      unreadableEvents: salvaged.unreadableEvents,
    });
    return database;
  }

  /**
   * Stores a batch in one transaction. Events whose `eventId` is already stored are skipped. `prompts` gives
   * the code around suggestions shown in this batch (by subject id), when the user keeps context.
   */
  append(
    events: readonly StoredFeedbackEvent[],
    prompts: ReadonlyMap<string, PromptContext> = new Map(),
  ): number {
    return this.guard(() => this.appendNow(events, prompts));
  }

  /** Deletes events and suggestions older than `olderThanMs`, then the oldest events beyond `maxEvents`. */
  prune(olderThanMs: number, maxEvents: number): number {
    return this.guard(() => {
      let deleted = 0;
      this.database.transaction(() => {
        deleted += this.database.prepare("delete from events where at < ?").run(olderThanMs).changes;
        this.database.prepare("delete from suggestions where shown_at < ?").run(olderThanMs);
        this.database.prepare("delete from conversations where updated_at < ?").run(olderThanMs);
        const cut = this.database
          .prepare("select id, at from events order by id desc limit 1 offset ?")
          .get(maxEvents) as { id: number; at: number } | undefined;
        if (cut) {
          deleted += this.database.prepare("delete from events where id <= ?").run(cut.id).changes;
          this.database.prepare("delete from suggestions where shown_at <= ?").run(cut.at);
        }
      })();
      return deleted;
    });
  }

  /**
   * Deletes every record, then rewrites the file (VACUUM) and empties the WAL so nothing deleted stays on disk,
   * and removes damaged copies moved aside earlier. Safe while another process has the file open.
   */
  deleteAll(): number {
    const deleted = this.guard(() => {
      const count = this.eventCount();
      this.database.transaction(() => {
        this.database.exec(
          "delete from prompts; delete from suggestions; delete from events; delete from chat_turns; delete from conversations;",
        );
      })();
      this.database.exec("vacuum");
      this.database.pragma("wal_checkpoint(TRUNCATE)");
      return count;
    });
    const folder = path.dirname(this.file);
    const damagedPrefix = `${path.basename(this.file)}.damaged-`;
    if (existsSync(folder)) {
      for (const entry of readdirSync(folder)) {
        if (entry.startsWith(damagedPrefix)) rmSync(path.join(folder, entry), { force: true });
      }
    }
    return deleted;
  }

  /** Chat conversations kept in the same file (see `conversationStore.ts`). */
  conversations(): ConversationStore {
    return new ConversationStore(this.database);
  }

  eventCount(): number {
    return this.guard(
      () => (this.database.prepare("select count(*) as count from events").get() as { count: number }).count,
    );
  }

  /** Suggestions shown since `sinceMs` (all when undefined), oldest first. */
  *suggestions(sinceMs?: number): IterableIterator<SuggestionRow> {
    for (const row of this.suggestionPages("select s.*", "", sinceMs)) yield toSuggestionRow(row);
  }

  /** Suggestions with their texts and prompt context, for export. */
  *exportRows(sinceMs?: number): IterableIterator<ExportRow> {
    const rows = this.suggestionPages(
      "select s.*, p.path as prompt_path, p.prefix as prompt_prefix, p.suffix as prompt_suffix",
      "left join prompts p on p.suggestion_id = s.id",
      sinceMs,
    );
    for (const row of rows) {
      yield {
        ...toSuggestionRow(row),
        text: (row.text as string | null) ?? null,
        finalText: (row.final_text as string | null) ?? null,
        finalCheckpoint: (row.final_checkpoint as StoredCheckpoint | null) ?? null,
        userText: (row.user_text as string | null) ?? null,
        userTextSimilarity: (row.user_text_similarity as number | null) ?? null,
        prompt:
          typeof row.prompt_prefix === "string"
            ? {
                path: (row.prompt_path as string | null) ?? undefined,
                prefix: row.prompt_prefix,
                suffix: (row.prompt_suffix as string) ?? "",
              }
            : null,
      };
    }
  }

  /** Typing time and completion answers per language, from `activity` events since `sinceMs`. */
  activity(sinceMs?: number): ActivityTotals[] {
    const rows = this.guard(
      () =>
        this.database
          .prepare(
            `select json_extract(payload, '$.language') as language,
                    sum(json_extract(payload, '$.activeMs')) as activeMs,
                    sum(json_extract(payload, '$.requests')) as requests,
                    sum(json_extract(payload, '$.typedChars')) as typedChars
             from events where type = 'activity' and at >= ? group by 1 order by 1`,
          )
          .all(sinceMs ?? 0) as {
          language: string;
          activeMs: number;
          requests: number;
          typedChars: number;
        }[],
    );
    return rows.map((row) => ({
      language: String(row.language),
      activeMs: Number(row.activeMs) || 0,
      requests: Number(row.requests) || 0,
      typedChars: Number(row.typedChars) || 0,
    }));
  }

  /** Review finding events since `sinceMs`, oldest first (one or two per finding the user answered). */
  reviewEvents(sinceMs?: number): ReviewEventRow[] {
    const rows = this.database
      .prepare(
        `select type, subject_id as subjectId, json_extract(payload, '$.category') as category
         from events where surface = 'review' and at >= ? order by id`,
      )
      .all(sinceMs ?? 0) as Record<string, unknown>[];
    return rows.map((row) => ({
      type: String(row.type),
      subjectId: String(row.subjectId),
      category: typeof row.category === "string" ? row.category : null,
    }));
  }

  /** Chat events since `sinceMs`, oldest first (people click these: a few per answer, never millions). */
  chatEvents(sinceMs?: number): ChatEventRow[] {
    const rows = this.database
      .prepare(
        `select at, type, subject_id as subjectId,
                json_extract(payload, '$.rating') as rating,
                json_extract(payload, '$.chars') as chars,
                json_extract(payload, '$.stopReason') as stopReason,
                json_extract(payload, '$.timeToFirstTokenMs') as timeToFirstTokenMs,
                json_extract(payload, '$.totalMs') as totalMs
         from events where surface = 'chat' and at >= ? order by id`,
      )
      .all(sinceMs ?? 0) as Record<string, unknown>[];
    const numberOrNull = (value: unknown) => (typeof value === "number" ? value : null);
    const stringOrNull = (value: unknown) => (typeof value === "string" ? value : null);
    return rows.map((row) => ({
      at: Number(row.at),
      type: String(row.type),
      subjectId: String(row.subjectId),
      rating: stringOrNull(row.rating),
      chars: numberOrNull(row.chars),
      stopReason: stringOrNull(row.stopReason),
      timeToFirstTokenMs: numberOrNull(row.timeToFirstTokenMs),
      totalMs: numberOrNull(row.totalMs),
    }));
  }

  /** The most recent events, newest first; all of them about one subject when `subjectId` is given. */
  recentEvents(limit: number, subjectId?: string): StoredEvent[] {
    const rows = this.guard(
      () =>
        (subjectId === undefined
          ? this.database.prepare("select id, payload from events order by id desc limit ?").all(limit)
          : this.database
              .prepare("select id, payload from events where subject_id = ? order by id desc limit ?")
              .all(subjectId, limit)) as { id: number; payload: string }[],
    );
    return rows.map((row) => ({ id: row.id, event: JSON.parse(row.payload) as StoredFeedbackEvent }));
  }

  /**
   * Runs one operation; when SQLite reports the file damaged, a writer moves it aside, starts a new one with
   * what could be read, and runs the operation again (once); a reader marks the file for the next writer.
   */
  private guard<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      const reason = damageDetail(error);
      if (this.readonly) {
        markSuspect(this.file, reason);
        throw new DamagedDatabaseError(
          `the feedback database ${this.file} is damaged (${reason}); the next process that writes it ` +
            "(the language server, or any `hearth stats` or `hearth feedback` command) keeps a copy " +
            "and recovers what it can",
          reason,
        );
      }
      try {
        this.database.close();
      } catch {}
      this.database = FeedbackStore.recreate(this.file, reason, this.options);
      return operation();
    }
  }

  /** Suggestions in (shown_at, id) order, a page per statement, each page guarded on its own. */
  private *suggestionPages(
    select: string,
    join: string,
    sinceMs?: number,
  ): IterableIterator<Record<string, unknown>> {
    let after: [number, string] = [Number.MIN_SAFE_INTEGER, ""];
    for (;;) {
      const page = this.guard(
        () =>
          this.database
            .prepare(
              `${select} from suggestions s ${join}
               where s.shown_at >= ? and (s.shown_at, s.id) > (?, ?) order by s.shown_at, s.id limit ?`,
            )
            .all(sinceMs ?? 0, after[0], after[1], pageSize) as Record<string, unknown>[],
      );
      yield* page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1]!;
      after = [Number(last.shown_at), String(last.id)];
    }
  }

  private appendNow(
    events: readonly StoredFeedbackEvent[],
    prompts: ReadonlyMap<string, PromptContext>,
  ): number {
    const insertEvent = this.database.prepare(
      "insert or ignore into events (event_id, at, surface, type, subject_id, payload) values (?, ?, ?, ?, ?, ?)",
    );
    let stored = 0;
    this.database.transaction(() => {
      for (const event of events) {
        const result = insertEvent.run(
          event.eventId,
          Math.round(event.at),
          event.surface,
          event.type,
          event.subjectId,
          JSON.stringify(event),
        );
        if (result.changes === 0) continue;
        stored++;
        if (event.surface === "inline") this.applyToSuggestion(event, prompts);
      }
    })();
    return stored;
  }

  private applyToSuggestion(event: StoredInlineEvent, prompts: ReadonlyMap<string, PromptContext>): void {
    const id = event.subjectId;
    switch (event.type) {
      case "shown": {
        const facts = event.facts ?? {};
        const inserted = this.database
          .prepare(
            `insert or ignore into suggestions (id, shown_at, language, trigger, model, template, prompt_version, source,
               context_sources, latency_ms, server_latency_ms, chars, lines, text)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            id,
            Math.round(event.at),
            event.language,
            event.trigger,
            facts.model ?? null,
            facts.template ?? null,
            facts.promptVersion ?? null,
            facts.source ?? null,
            JSON.stringify(facts.contextSources ?? []),
            event.latencyMs,
            facts.serverLatencyMs ?? null,
            event.chars,
            event.lines,
            event.text ?? null,
          );
        const prompt = prompts.get(id);
        if (inserted.changes > 0 && prompt) {
          this.database
            .prepare(
              "insert or replace into prompts (suggestion_id, path, prefix, suffix) values (?, ?, ?, ?)",
            )
            .run(id, prompt.path ?? null, prompt.prefix, prompt.suffix);
        }
        return;
      }
      case "partiallyAccepted":
        this.database
          .prepare(
            `update suggestions set partial_accepts = partial_accepts + 1,
               accepted_chars = max(accepted_chars, ?) where id = ?`,
          )
          .run(event.acceptedChars, id);
        return;
      case "accepted":
        this.setOutcome(id, "accepted", null, event.at, event.acceptedChars, 0);
        this.database
          .prepare("update suggestions set partial_accepts = max(partial_accepts, ?) where id = ?")
          .run(event.partialAccepts, id);
        return;
      case "rejected":
      case "ignored": {
        const outcome = event.acceptedChars > 0 ? "partiallyAccepted" : event.type;
        this.setOutcome(id, outcome, event.reason, event.at, event.acceptedChars, event.typedChars);
        // Context of a suggestion that went away unanswered is of no use to export: do not keep the code.
        if (outcome === "ignored" && event.reason !== "typedThrough") {
          this.database.prepare("delete from prompts where suggestion_id = ?").run(id);
        }
        return;
      }
      case "survival": {
        this.database
          .prepare(`update suggestions set ${survivalColumn(event.checkpoint)} = ? where id = ?`)
          .run(event.similarity, id);
        // The latest checkpoint's text is the user's final version of the accepted text.
        this.database
          .prepare(
            `update suggestions set final_text = coalesce(?, final_text), final_checkpoint = ?
             where id = ? and ? >= ${checkpointOrderSql("final_checkpoint")}`,
          )
          .run(event.text ?? null, event.checkpoint, id, storedCheckpoints.indexOf(event.checkpoint));
        return;
      }
      case "userText":
        this.database
          .prepare("update suggestions set user_text = ?, user_text_similarity = ? where id = ?")
          .run(event.text, event.similarity, id);
        return;
    }
  }

  private setOutcome(
    id: string,
    outcome: string,
    reason: string | null,
    at: number,
    acceptedChars: number,
    typedChars: number,
  ): void {
    const current = this.database.prepare("select outcome from suggestions where id = ?").get(id) as
      | { outcome: string | null }
      | undefined;
    if (!current) return;
    if (current.outcome && (outcomeRank[current.outcome] ?? 0) > (outcomeRank[outcome] ?? 0)) return;
    this.database
      .prepare(
        `update suggestions set outcome = ?, outcome_reason = ?, outcome_at = ?,
           accepted_chars = max(accepted_chars, ?), typed_chars = max(typed_chars, ?) where id = ?`,
      )
      .run(outcome, reason, Math.round(at), acceptedChars, typedChars, id);
  }
}

function survivalColumn(checkpoint: StoredCheckpoint): string {
  const columns: Record<StoredCheckpoint, string> = {
    "30s": "survival_30s",
    "2m": "survival_2m",
    "5m": "survival_5m",
    "10m": "survival_10m",
  };
  return columns[checkpoint];
}

function checkpointOrderSql(column: string): string {
  return `case ${column} ${storedCheckpoints.map((name, index) => `when '${name}' then ${index}`).join(" ")} else -1 end`;
}

function toSuggestionRow(row: Record<string, unknown>): SuggestionRow {
  const survival: Partial<Record<StoredCheckpoint, number>> = {};
  for (const checkpoint of storedCheckpoints) {
    const value = row[survivalColumn(checkpoint)];
    if (typeof value === "number") survival[checkpoint] = value;
  }
  let contextSources: string[] = [];
  try {
    const parsed = JSON.parse(String(row.context_sources ?? "[]"));
    if (Array.isArray(parsed)) contextSources = parsed.map(String);
  } catch {
    // A damaged cell counts as no context rather than failing the whole report.
  }
  return {
    id: String(row.id),
    shownAt: Number(row.shown_at),
    language: String(row.language),
    trigger: String(row.trigger),
    model: (row.model as string | null) ?? null,
    template: (row.template as string | null) ?? null,
    source: (row.source as string | null) ?? null,
    contextSources,
    latencyMs: Number(row.latency_ms),
    chars: Number(row.chars),
    outcome: (row.outcome as SuggestionRow["outcome"]) ?? null,
    outcomeReason: (row.outcome_reason as string | null) ?? null,
    acceptedChars: Number(row.accepted_chars),
    partialAccepts: Number(row.partial_accepts),
    survival,
  };
}
