/**
 * What every remote provider (llama-server, OpenAI-compatible, Ollama) offers the engine: a streamed
 * generation, embeddings and a probe of the server, in Hearth's terms. Providers speak their server's own
 * API and use its native features; prompts reach them already redacted.
 */

import type { ChatMessage, InfillParts } from "../generationTypes";

export interface RemoteGenerationInput {
  /** Text with special tokens written out (Hearth's FIM templates), or chat messages. */
  prompt: { text: string; infill?: InfillParts } | { messages: readonly ChatMessage[] };
  maxTokens: number;
  stop: readonly string[];
  temperature: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Requests with the same key should land in the same server-side KV cache (llama-server's slots). */
  cacheKey: string;
  /** A GBNF grammar the answer must follow; only given to providers whose `honoursGrammar` is true. */
  grammar?: string;
}

/** What the server said about a finished generation; counts are `null` where it did not say. */
export interface RemoteGenerationOutcome {
  /** The API route that served it, for status and tests (`/infill`, `/v1/completions`, ...). */
  route: string;
  promptTokens: number | null;
  /** Prompt tokens the server took from its KV cache. */
  reusedPromptTokens: number | null;
  generatedTokens: number | null;
  /** Server-side speculative decoding (llama-server started with a draft model). */
  draftedTokens: number;
  acceptedTokens: number;
  /** Decoding speed as the server measured it. */
  decodeTokensPerSecond: number | null;
  /** `null`: the stream ended without saying why (the server went away). */
  finish: "eog" | "stop" | "maxTokens" | null;
}

export interface RemoteProbe {
  /** The model the server serves (its name or file), when it says. */
  model: string | null;
  /** Tokens of context one request may use, when the server says. */
  contextSize: number | null;
  /** Parallel KV slots (llama-server). */
  slots: number | null;
}

export interface RemoteProvider {
  /**
   * Whether the server constrains sampling with a GBNF grammar (llama-server's `grammar` field). Others have
   * no GBNF (Ollama takes only JSON schemas; OpenAI-compatible servers differ), so their answers are free.
   */
  readonly honoursGrammar: boolean;
  /**
   * Streams the answer: `onPiece` gets each piece of text as it arrives and is awaited (so lower-priority
   * work can give way between pieces). Aborting `signal` closes the request.
   */
  generate(
    input: RemoteGenerationInput,
    signal: AbortSignal,
    onPiece: (piece: string) => Promise<void>,
  ): Promise<RemoteGenerationOutcome>;
  /** One vector per text, in order (not normalised). */
  embed(texts: readonly string[], signal: AbortSignal | undefined): Promise<number[][]>;
  probe(signal: AbortSignal | undefined): Promise<RemoteProbe>;
  /**
   * Which of `candidates` (special-token spellings) the server's model has as single tokens, with their ids;
   * `null` where the server cannot tell.
   */
  /**
   * How many tokens the server's tokenizer makes of `text`, for calibrating Hearth's estimate of a remote
   * model's tokens (a character-level model takes three times what a code BPE does); absent where the server
   * cannot tokenize.
   */
  countTokens?(text: string, signal: AbortSignal | undefined): Promise<number>;
  specialTokens?(
    candidates: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Map<string, number> | null>;
  dispose(): Promise<void>;
}
