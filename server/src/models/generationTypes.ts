/**
 * The shapes of inference requests and answers: what completion, chat and review pass to the engine and get
 * back. Plain data, so callers never need node-llama-cpp's types.
 */

/** The roles a model can have; each role is configured and loaded on its own. */
export type ModelRole = "completion" | "draft" | "chat" | "embedding";

export type SpeculationMode = "none" | "draft" | "inputLookup";

/** What one inference request cost; times in milliseconds. */
export interface GenerationMetrics {
  role: ModelRole;
  speculation: SpeculationMode;
  promptTokens: number;
  /** Prompt tokens whose KV state was reused from the previous request on the same sequence. */
  reusedPromptTokens: number;
  generatedTokens: number;
  /** Waiting for the scheduler and the sequence before any work started. */
  queuedMs: number;
  timeToFirstTokenMs: number;
  /** Generated tokens after the first, per second of decoding. */
  decodeTokensPerSecond: number;
  /** Speculated tokens the target model checked, and how many of them it confirmed. */
  draftedTokens: number;
  acceptedTokens: number;
  /** Time spent producing speculated tokens (the draft model's decoding; next to nothing for input lookup). */
  proposalMs: number;
  /** Target-model evaluations during decoding; generated / this = tokens per evaluation. */
  targetEvaluations: number;
  totalMs: number;
  stopReason: "eog" | "stop" | "stopToken" | "maxTokens" | "hook" | "contextFull" | "aborted";
}

/** The roles that generate text; `draft` only assists them and `embedding` only embeds. */
export type GenerationRole = Extract<ModelRole, "completion" | "chat">;

/**
 * `interactive` (keystroke completion) runs ahead of `user` (chat, review: work the user watches), which runs
 * ahead of `background` (prefetch, embeddings, evals); lower classes give way between tokens or batches, so
 * each waits at most one step of the classes below it. See `priorityScheduler.ts`.
 */
export type RequestPriority = "interactive" | "user" | "background";

/**
 * A priority that its owner may raise while the request waits or runs (`PriorityLane` in
 * `priorityScheduler.ts` is the one to use).
 */
export interface RaisablePriority {
  readonly priority: RequestPriority;
  /** Calls `listener` after each raise; returns the function that stops it. */
  onRaise(listener: () => void): () => void;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * A prompt is text (special tokens such as FIM markers are recognised, since the completion feature writes
 * them), token ids, or chat messages rendered with the model's own chat template.
 */
export type Prompt = string | { tokens: readonly number[] } | { messages: readonly ChatMessage[] };

export type TextHookAnswer = "continue" | "stop";

export interface GenerationRequest {
  role: GenerationRole;
  prompt: Prompt;
  maxTokens: number;
  /** Stop before any of these strings; the answer never contains one. */
  stop?: readonly string[];
  /** Stop at any of these token ids (for example a FIM model's file separator); they are not part of the text. */
  stopTokens?: readonly number[];
  /** 0 (the default) is greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Default: the role's configured `speculation`. */
  speculation?: SpeculationMode;
  /**
   * Requests with the same key share one KV sequence, so a prompt that starts like the previous one only
   * evaluates what changed. Default: the role's name.
   */
  sequenceKey?: string;
  /** Default `interactive`. A `PriorityLane` lets the caller raise it later (a keystroke started early). */
  priority?: RequestPriority | RaisablePriority;
  /** Prepend the model's BOS token when its tokenizer asks for one. Default true; ignored for token prompts. */
  addBos?: boolean;
  /** Called with the whole text so far after each token (stop strings held back); answer `stop` to finish early. */
  onText?: (textSoFar: string) => TextHookAnswer;
  /**
   * Also return the probability the model gave each generated token (the show/abstain gate's features).
   * Off by default: llama.cpp then skips the softmax over the vocabulary.
   */
  tokenProbabilities?: boolean;
  /**
   * A GBNF grammar the answer must follow (llama.cpp's format), or a JSON schema that node-llama-cpp turns into
   * one (`createGrammarForJsonSchema`): tokens it does not allow are never sampled, and generation ends when it
   * is complete. Speculation is off for such a request.
   */
  grammar?: string | { jsonSchema: object };
  /**
   * The parts of a fill-in-the-middle `prompt`, for remote servers that build the FIM prompt themselves
   * (llama-server's `/infill`, Ollama's `suffix`); a local model and OpenAI-compatible servers use `prompt`.
   */
  infill?: InfillParts;
}

/** The parts of a fill-in-the-middle request, for servers that build the FIM prompt from them. */
export interface InfillParts {
  /** The document before the cursor, ending with the cursor line's own prefix. */
  prefix: string;
  suffix: string;
  /** Repository context (retrieved snippets), least relevant first. */
  extra: readonly { filename: string; text: string }[];
}

export interface GenerationResult {
  text: string;
  tokens: number[];
  metrics: GenerationMetrics;
  /** With `tokenProbabilities`: the probability of each of `tokens`, in order (0 to 1). */
  tokenProbabilities?: number[];
}

/**
 * The completion model's fill-in-the-middle vocabulary, read from GGUF metadata. Strings are the token texts
 * to put in a prompt (tokenized with special tokens enabled); `null` where the model has no such token.
 */
export interface InfillTokens {
  /**
   * `psm`: `<prefix>P<suffix>S<middle>`, the model then writes the middle (Qwen2.5-Coder).
   * `spm`: `<suffix>S<prefix>P`, the middle follows the prefix directly; chosen when the model has no middle
   * token, as node-llama-cpp does (Hearth's tiny models).
   */
  order: "psm" | "spm";
  prefix: string;
  suffix: string;
  middle: string | null;
  /** End of text / end of turn: where a completion ends. */
  endOfText: string | null;
  /** Separates files in repository-level FIM prompts (`<|file_sep|>`, `<file_sep>`). */
  fileSeparator: string | null;
  /** The ids of the strings above, for `stopTokens`. */
  ids: {
    prefix: number;
    suffix: number;
    middle: number | null;
    endOfText: number | null;
    fileSeparator: number | null;
  };
}

/** A FIM prompt in the model's own order; what the model generates next is the middle. */
export function infillPrompt(infill: InfillTokens, prefix: string, suffix: string): string {
  return infill.order === "psm"
    ? `${infill.prefix}${prefix}${infill.suffix}${suffix}${infill.middle}`
    : `${infill.suffix}${suffix}${infill.prefix}${prefix}`;
}

/** What `preparePrefix` did to make a fixed prefix resident in a sequence. */
export interface PrefixPreparation {
  source: "resident" | "stateFile" | "evaluated";
  tokens: number;
  ms: number;
  stateFile: string;
}
