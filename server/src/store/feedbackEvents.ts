/**
 * The feedback events as the store keeps them: every event is stored whole (its JSON) with its surface, type
 * and subject, and inline events also update the per-suggestion summary. These are the store's own types, the
 * fields it reads; the feedback capability checks the editor's events (the wire format in `protocol/`) and
 * hands them over, so the store never depends on the protocol.
 */

export const storedCheckpoints = ["30s", "2m", "5m", "10m"] as const;
export type StoredCheckpoint = (typeof storedCheckpoints)[number];

interface StoredEventBase {
  eventId: string;
  at: number;
  subjectId: string;
}

/** What the server said about how a suggestion was made, as far as the summary keeps it. */
export interface StoredSuggestionFacts {
  model?: string;
  template?: string;
  promptVersion?: string;
  source?: string;
  contextSources?: string[];
  serverLatencyMs?: number;
  /** The learned gate's features of the suggestion (see `protocol/completion.ts`). */
  gateFeatures?: number[];
}

export type StoredInlineEvent = StoredEventBase & { surface: "inline" } & (
    | {
        type: "shown";
        language: string;
        trigger: string;
        latencyMs: number;
        chars: number;
        lines: number;
        facts?: StoredSuggestionFacts;
        text?: string;
      }
    | { type: "partiallyAccepted"; acceptedChars: number }
    | { type: "accepted"; acceptedChars: number; partialAccepts: number }
    | { type: "rejected" | "ignored"; reason: string; acceptedChars: number; typedChars: number }
    | { type: "survival"; checkpoint: StoredCheckpoint; similarity: number; text?: string }
    | { type: "userText"; text: string; similarity: number }
  );

/** Events of other surfaces (typing activity, chat, review) are stored as they came. */
export type StoredOtherEvent = StoredEventBase & { surface: "editor" | "chat" | "review"; type: string };

export type StoredFeedbackEvent = StoredInlineEvent | StoredOtherEvent;

/** The code around a suggestion, as the server saw it when it answered. */
export interface PromptContext {
  path: string | undefined;
  prefix: string;
  suffix: string;
}
