/**
 * The messages between the chat view's webview and the extension, both ways, and the check the extension
 * runs on what the webview posts (it is page script: typed at compile time, checked at run time). Pure.
 */

import type {
  ChatCitation,
  ChatContextItem,
  ChatResult,
  ChatWarning,
  ConversationSummary,
} from "../../../server/src/protocol/chat";

/** One question and its answer as the view shows it. */
export interface TurnView {
  /** The client's id for the turn (`clientTurnId`). */
  id: string;
  /** The server's id for the answer (`ChatResult.turnId`), once known: the subject of its feedback events. */
  answerId?: string;
  question: string;
  /** The answer so far while streaming, then the validated answer. */
  text: string;
  state: "streaming" | "done" | "failed";
  citations: ChatCitation[];
  warnings: ChatWarning[];
  notes: string[];
  contextUsed: ChatContextItem[];
  leftOut: ChatContextItem[];
  removedCitations: number;
  stopReason?: ChatResult["stopReason"];
  model?: string | null;
  timings?: ChatResult["timings"];
  /** Why the turn failed, in words (never a stack trace). */
  error?: string;
  rating?: "up" | "down";
  /** Loaded from a stored conversation: notes, warnings and timings were not kept. */
  fromHistory?: boolean;
}

export interface ChatViewState {
  conversationId?: string;
  turns: TurnView[];
  /** A question is being answered (Stop is shown instead of Send). */
  busy: boolean;
}

export interface MentionItem {
  /** What goes after `@file:` or `@symbol:`. */
  value: string;
  detail?: string;
}

/** Extension to webview. */
export type HostMessage =
  | { type: "state"; state: ChatViewState }
  | { type: "delta"; turn: string; text: string }
  | { type: "history"; conversations: ConversationSummary[]; error?: string }
  | { type: "showHistory" }
  | { type: "mentionItems"; requestId: number; items: MentionItem[] }
  | { type: "prefill"; text: string };

export type CodeAction = "copy" | "insert" | "apply";

/** Webview to extension. */
export type ViewMessage =
  | { type: "ready" }
  | { type: "ask"; question: string }
  | { type: "stop" }
  | { type: "regenerate"; turn: string }
  | { type: "newChat" }
  | { type: "openCitation"; turn: string; citation: number }
  | { type: "openLink"; href: string }
  | { type: "codeAction"; action: CodeAction; turn: string; block: number; code: string; info: string }
  | { type: "rate"; turn: string; rating: "up" | "down" }
  | { type: "listHistory" }
  | { type: "openConversation"; conversationId: string }
  | { type: "deleteConversation"; conversationId?: string }
  | { type: "mentionQuery"; requestId: number; kind: "file" | "symbol"; query: string }
  | { type: "openChatModelSetting" };

const maxTextChars = 200_000;

/** The message if it is well formed, else `undefined` (dropped). */
export function parseViewMessage(value: unknown): ViewMessage | undefined {
  if (!value || typeof value !== "object") return undefined;
  const message = value as Record<string, unknown>;
  const text = (key: string) =>
    typeof message[key] === "string" && (message[key] as string).length <= maxTextChars;
  const id = (key: string) => typeof message[key] === "string" && (message[key] as string).length > 0;
  const index = (key: string) => Number.isInteger(message[key]) && (message[key] as number) >= 0;
  const valid = (() => {
    switch (message.type) {
      case "ready":
      case "stop":
      case "newChat":
      case "listHistory":
      case "openChatModelSetting":
        return true;
      case "ask":
        return text("question");
      case "regenerate":
        return id("turn");
      case "openCitation":
        return id("turn") && index("citation");
      case "openLink":
        return text("href");
      case "codeAction":
        return (
          ["copy", "insert", "apply"].includes(message.action as string) &&
          id("turn") &&
          index("block") &&
          text("code") &&
          text("info")
        );
      case "rate":
        return id("turn") && (message.rating === "up" || message.rating === "down");
      case "openConversation":
        return id("conversationId");
      case "deleteConversation":
        return message.conversationId === undefined || id("conversationId");
      case "mentionQuery":
        return index("requestId") && (message.kind === "file" || message.kind === "symbol") && text("query");
      default:
        return false;
    }
  })();
  return valid ? (message as unknown as ViewMessage) : undefined;
}
