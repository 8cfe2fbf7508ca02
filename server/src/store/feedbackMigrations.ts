/**
 * The feedback database's schema as numbered migrations (its own `user_version`, separate from the index's:
 * the two are different files with different lifecycles, see ARCHITECTURE.md, `server/src/feedback/`).
 * Migration N moves a database from version N to N+1; never edit a released migration, add a new one.
 *
 * Layout: `events` is the log, one row per event as it arrived (the JSON in `payload`), any surface, so chat
 * and review signals need no new table; `suggestions` is one row per inline suggestion, kept up to date from
 * its events for statistics and export; `prompts` holds the code around a suggestion when the user keeps
 * context (deleted with its suggestion). Migration 2 adds chat conversations (`conversations`, `chat_turns`):
 * the user's own record too, so they live here, go with Delete All Feedback Data and follow its retention.
 */

import type { Database } from "./database";

export const feedbackMigrations: ((database: Database) => void)[] = [
  (database) => {
    database.exec(`
      create table events (
        id integer primary key,
        event_id text not null unique,
        at integer not null,
        surface text not null,
        type text not null,
        subject_id text not null,
        payload text not null
      );
      create index events_by_subject on events(subject_id);
      create index events_by_at on events(at);
      create index events_by_type on events(type, at);

      create table suggestions (
        id text primary key,
        shown_at integer not null,
        language text not null,
        trigger text not null,
        model text,
        template text,
        prompt_version text,
        source text,
        context_sources text not null default '[]',
        latency_ms real not null,
        server_latency_ms real,
        chars integer not null,
        lines integer not null,
        text text,
        outcome text,
        outcome_reason text,
        outcome_at integer,
        accepted_chars integer not null default 0,
        typed_chars integer not null default 0,
        partial_accepts integer not null default 0,
        survival_30s real,
        survival_2m real,
        survival_5m real,
        survival_10m real,
        final_text text,
        final_checkpoint text,
        user_text text,
        user_text_similarity real
      );
      create index suggestions_by_time on suggestions(shown_at);

      create table prompts (
        suggestion_id text primary key references suggestions(id) on delete cascade,
        path text,
        prefix text not null,
        suffix text not null
      );
    `);
  },
  (database) => {
    database.exec(`
      create table conversations (
        id text primary key,
        title text not null,
        created_at integer not null,
        updated_at integer not null
      );
      create index conversations_by_update on conversations(updated_at);
      create table chat_turns (
        id text primary key,
        conversation_id text not null references conversations(id) on delete cascade,
        at integer not null,
        question text not null,
        answer text not null,
        record text not null
      );
      create index chat_turns_by_conversation on chat_turns(conversation_id, at);
    `);
  },
];
