/**
 * Chat over the codebase: one request per turn (`hearth/chat`) whose answer streams as `hearth/chat/delta`
 * notifications while the final result carries the validated answer, its citations and the context used;
 * conversations are kept in the workspace's feedback database (user data: listed, resumed, deleted, pruned
 * with feedback's retention).
 */

import { z } from "zod";
import { defineNotification, defineRequest, defineRequest0, positionSchema } from "./descriptors";

const rangeSchema = z.object({ start: positionSchema, end: positionSchema });

/** What the user pointed at besides the question (the view's selection; `@file` etc. are written in the text). */
export interface ChatSelection {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

export interface ChatParams {
  /** Absent: a new conversation. */
  conversationId?: string | undefined;
  /**
   * The question. `@file:path`, `@symbol:Name`, `@selection`, `@diff` (working tree against HEAD) and `@recent`
   * (recently edited files) pull that context in.
   */
  question: string;
  /** The editor's selection, used for `@selection` (and offered as context when the question names it). */
  selection?: ChatSelection | undefined;
  /** Replace the conversation's last answer instead of adding a turn (the question must be that turn's). */
  regenerate?: boolean | undefined;
  /** Sent back in every `hearth/chat/delta` of this turn, so the client can route them. */
  clientTurnId?: string | undefined;
}

export const chatRequest = defineRequest<ChatParams, ChatResult>(
  "hearth/chat",
  z.object({
    conversationId: z.string().min(1).optional(),
    question: z.string().trim().min(1, "question must not be empty").max(20_000),
    selection: z.object({ uri: z.string().min(1), range: rangeSchema, text: z.string() }).optional(),
    regenerate: z.boolean().optional(),
    clientTurnId: z.string().max(200).optional(),
  }),
);

/** A citation kept in the answer: it points into context that was given to the model. */
export interface ChatCitation {
  /** Workspace-relative path, and the file's URI for opening it. */
  path: string;
  uri: string;
  /** 1-based, inclusive, as written in the answer. */
  startLine: number;
  endLine: number;
  /** Where the citation sits in `answer` (UTF-16 offsets). */
  start: number;
  end: number;
}

/** One piece of context, given to the model or left out. */
export interface ChatContextItem {
  kind: "system" | "map" | "retrieved" | "file" | "symbol" | "selection" | "diff" | "recent" | "history";
  /** Workspace-relative path, when the item is code of one file. */
  path?: string;
  startLine?: number;
  endLine?: number;
  tokens: number;
  /** Why it was left out or cut (`budget`, `truncated to fit`, ...); absent when given whole. */
  note?: string;
}

export interface ChatWarning {
  kind: "dangerousCommand";
  /** Where in `answer` (UTF-16 offsets). */
  start: number;
  end: number;
  reason: string;
}

export interface ChatResult {
  conversationId: string;
  turnId: string;
  /** The answer with citations that did not point into the given context removed. */
  answer: string;
  citations: ChatCitation[];
  /** Citations the model wrote that pointed elsewhere; removed from `answer`. */
  removedCitations: number;
  contextUsed: ChatContextItem[];
  leftOut: ChatContextItem[];
  /** Plain-language notes for the user: no chat model, index still building, an unknown @file, truncations. */
  notes: string[];
  warnings: ChatWarning[];
  /** `cancelled`: Stop; the answer is what came before it. `error`: the model failed; `notes` says why. */
  stopReason: "finished" | "maxTokens" | "cancelled" | "error" | "noModel";
  model: string | null;
  timings: {
    timeToFirstTokenMs: number | null;
    totalMs: number;
    promptTokens: number;
    reusedPromptTokens: number;
    generatedTokens: number;
  };
}

/** Server to client while an answer is written: the text so far (`hearth/chat` still answers at the end). */
export interface ChatDeltaParams {
  conversationId: string;
  turnId: string;
  clientTurnId?: string | undefined;
  /** The whole answer so far (not just the new part), so a lost notification loses nothing. */
  text: string;
}

export const chatDeltaNotification = defineNotification<ChatDeltaParams>(
  "hearth/chat/delta",
  z.object({
    conversationId: z.string(),
    turnId: z.string(),
    clientTurnId: z.string().optional(),
    text: z.string(),
  }),
);

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  turns: number;
}

export interface ConversationTurn {
  turnId: string;
  at: number;
  question: string;
  answer: string;
  citations: ChatCitation[];
  contextUsed: ChatContextItem[];
  /** Dangerous commands in the answer, checked again when the conversation is opened. */
  warnings: ChatWarning[];
}

export const listConversationsRequest = defineRequest0<ConversationSummary[]>("hearth/chat/conversations");

export const getConversationRequest = defineRequest<{ conversationId: string }, ConversationTurn[] | null>(
  "hearth/chat/conversation",
  z.object({ conversationId: z.string().min(1) }),
);

/** Deletes one conversation, or every one when `conversationId` is absent. */
export const deleteConversationsRequest = defineRequest<
  { conversationId?: string | undefined },
  { deleted: number }
>("hearth/chat/delete", z.object({ conversationId: z.string().min(1).optional() }));
