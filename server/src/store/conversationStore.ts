/**
 * Chat conversations in the feedback database: one row per conversation, one per turn (the question, the
 * validated answer, and the turn's record: citations and context as JSON). Written by the server's chat
 * capability; pruned and deleted with the feedback (`feedbackStore.ts`).
 */

import type { Database } from "./database";

export interface StoredConversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  turns: number;
}

export interface StoredTurn<Record> {
  id: string;
  at: number;
  question: string;
  answer: string;
  record: Record;
}

export class ConversationStore {
  constructor(private readonly database: Database) {}

  /** Adds a turn (creating the conversation, titled by its first question), or replaces one with the same id. */
  saveTurn<Record>(conversationId: string, turn: StoredTurn<Record>): void {
    this.database.transaction(() => {
      this.database
        .prepare(
          `insert into conversations (id, title, created_at, updated_at) values (?, ?, ?, ?)
           on conflict(id) do update set updated_at = excluded.updated_at`,
        )
        .run(conversationId, turn.question.slice(0, 80), turn.at, turn.at);
      this.database
        .prepare(
          `insert into chat_turns (id, conversation_id, at, question, answer, record) values (?, ?, ?, ?, ?, ?)
           on conflict(id) do update set answer = excluded.answer, record = excluded.record, at = excluded.at`,
        )
        .run(turn.id, conversationId, turn.at, turn.question, turn.answer, JSON.stringify(turn.record));
    })();
  }

  /** Most recently used first. */
  list(limit = 200): StoredConversation[] {
    return this.database
      .prepare(
        `select c.id, c.title, c.created_at as createdAt, c.updated_at as updatedAt,
                (select count(*) from chat_turns t where t.conversation_id = c.id) as turns
         from conversations c order by c.updated_at desc limit ?`,
      )
      .all(limit) as StoredConversation[];
  }

  /** The turns of a conversation, oldest first; `null` when there is no such conversation. */
  turns<Record>(conversationId: string): StoredTurn<Record>[] | null {
    const exists = this.database.prepare("select 1 from conversations where id = ?").get(conversationId);
    if (!exists) return null;
    const rows = this.database
      .prepare(
        "select id, at, question, answer, record from chat_turns where conversation_id = ? order by at, rowid",
      )
      .all(conversationId) as { id: string; at: number; question: string; answer: string; record: string }[];
    return rows.map((row) => ({ ...row, record: JSON.parse(row.record) as Record }));
  }

  /** Deletes one conversation, or all of them; returns how many went. */
  delete(conversationId?: string): number {
    return conversationId === undefined
      ? this.database.prepare("delete from conversations").run().changes
      : this.database.prepare("delete from conversations where id = ?").run(conversationId).changes;
  }
}
