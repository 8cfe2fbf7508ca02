/**
 * Inline completion's own protocol: the prefetch notification, and what the server attaches to each inline
 * item (the suggestion's id and facts) so the client can report what the user did with it. The inline request
 * itself is LSP 3.18's `textDocument/inlineCompletion`.
 */

import { z } from "zod";
import { defineNotification, positionSchema, textDocumentSchema } from "./descriptors";

/**
 * `hearth/completion/prefetch` (notification, client to server): the user put the cursor here without typing.
 * The server prepares the suggestion for this place in the background, so the first keystroke finds it (or
 * at least the model's cache) ready.
 */
export const prefetchCompletionNotification = defineNotification<PrefetchCompletionParams>(
  "hearth/completion/prefetch",
  z.object({ textDocument: textDocumentSchema, position: positionSchema }),
);

export interface PrefetchCompletionParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
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
  /**
   * The learned show/abstain gate's features of this suggestion (while the gate is on): feedback then labels
   * them with what the user did, and the next training of the gate learns from it.
   */
  gateFeatures?: number[];
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
