/**
 * A role served by a remote engine, behind the same calls as a local model: `generate` streams through the
 * provider with Hearth's stop strings and `onText` hook applied as the text arrives (closing the request as soon
 * as either fires), gives way to higher-priority work between pieces, and reports the same `GenerationMetrics`;
 * `embed` retries with backoff (embedding is idempotent; generation is not retried). Every text is redacted
 * before it is handed to the provider, so nothing leaves the machine unguarded. The role probes its server on
 * first use and again after a failure (at most every few seconds), which is what status shows as reachability
 * and latency.
 */

import { messageOf } from "../../base/errors";
import type { Logger } from "../../base/logger";
import { normalise } from "../embeddingModel";
import type {
  GenerationMetrics,
  GenerationRequest,
  GenerationResult,
  InfillParts,
  ModelRole,
  Prompt,
} from "../generationTypes";
import { GenerationAbortedError, throwIfAborted } from "../modelErrors";
import type { TaskControl } from "../priorityScheduler";
import { LlamaServerProvider } from "./llamaServerProvider";
import { OllamaProvider } from "./ollamaProvider";
import { OpenAiCompatibleProvider } from "./openAiCompatibleProvider";
import type { RemoteRoleConfig, RemoteStatus } from "./remoteConfig";
import type { RemoteCredentials } from "./remoteCredentials";
import { RemoteEngineError, RemoteHttp } from "./remoteHttp";
import type {
  RemoteGenerationInput,
  RemoteGenerationOutcome,
  RemoteProbe,
  RemoteProvider,
} from "./remoteProvider";
import { withRetries } from "./remoteRetry";

export interface RemoteRoleOptions {
  role: ModelRole;
  config: RemoteRoleConfig;
  /** The context Hearth plans prompts for; used where the server does not say its own. */
  contextSize: number;
  credentials: RemoteCredentials;
  /** Applied to every text before it is sent (the guardrails' secret redaction). */
  redact: (text: string) => string;
  logger: Logger;
}

/** After a failed probe, requests fail fast with the same error for this long instead of contacting the server. */
const failedProbeHoldMs = 2_000;

export class RemoteRole {
  private probed: RemoteProbe | null = null;
  private probing: Promise<RemoteProbe> | null = null;
  private failedAt = 0;
  private failure: Error | null = null;
  private reachable: boolean | null = null;
  private latencyMs: number | null = null;
  private checkedAt: string | null = null;
  private lastRoute: string | null = null;
  private dimensions: number | null = null;
  private saidGrammarDropped = false;
  /** Learnt from the server's tokenizer at the first probe, where it has one. */
  private bytesPerToken = defaultBytesPerToken;
  private calibrated = false;

  private constructor(
    private readonly options: RemoteRoleOptions,
    readonly provider: RemoteProvider,
  ) {}

  static create(options: RemoteRoleOptions): RemoteRole {
    const http = new RemoteHttp(options.config, () => options.credentials.get(options.config.endpoint));
    const provider =
      options.config.provider === "llama-server"
        ? new LlamaServerProvider(http)
        : options.config.provider === "ollama"
          ? new OllamaProvider(http, options.contextSize)
          : new OpenAiCompatibleProvider(http);
    return new RemoteRole(options, provider);
  }

  get config(): RemoteRoleConfig {
    return this.options.config;
  }

  /** The server's context when it said, else the configured one. */
  get contextSize(): number {
    return this.probed?.contextSize ?? this.options.contextSize;
  }

  /** The model name for caches and vectors: what the server reported, else the configured name. */
  get modelName(): string | null {
    return this.probed?.model ?? this.options.config.model;
  }

  get state(): "absent" | "loading" | "ready" | "error" {
    if (this.probed) return "ready";
    if (this.probing) return "loading";
    return this.failure ? "error" : "absent";
  }

  get error(): Error | null {
    return this.probed ? null : this.failure;
  }

  /** Contacts the server once (again after a failure), learning its model, context and slots. */
  ready(signal?: AbortSignal): Promise<RemoteProbe> {
    if (this.probed) return Promise.resolve(this.probed);
    if (this.probing) return this.probing;
    if (this.failure && performance.now() - this.failedAt < failedProbeHoldMs)
      return Promise.reject(this.failure);
    return this.probe(signal);
  }

  /** Probes the server now (for `hearth models doctor` and reachability in status). */
  probe(signal?: AbortSignal): Promise<RemoteProbe> {
    const started = performance.now();
    const probing = this.provider.probe(signal).then(
      async (probe) => {
        await this.calibrate(signal);
        this.probed = probe;
        this.failure = null;
        this.failedAt = 0;
        this.reachable = true;
        this.latencyMs = Math.round(performance.now() - started);
        this.checkedAt = new Date().toISOString();
        return probe;
      },
      (error: Error) => {
        this.noteFailure(error);
        throw error;
      },
    );
    this.probing = probing;
    const settled = () => {
      this.probing = null;
    };
    probing.then(settled, settled);
    return probing;
  }

  /** Tokens a text takes in the server's model, estimated from its bytes (calibrated where the server can tell). */
  countTokens(text: string): number {
    return estimateRemoteTokens(text, this.bytesPerToken);
  }

  private async calibrate(signal: AbortSignal | undefined): Promise<void> {
    if (this.calibrated || !this.provider.countTokens) return;
    try {
      this.bytesPerToken = calibratedBytesPerToken(
        await this.provider.countTokens(calibrationSample, signal),
      );
      this.calibrated = true;
    } catch (error) {
      this.options.logger.debug(
        `inference: token estimate not calibrated (${messageOf(error)}): 3 bytes a token`,
      );
    }
  }

  private noteSuccess(): void {
    this.failure = null;
    this.reachable = true;
  }

  /**
   * A failure that may pass (no connection, a timeout, a dropped answer, a 5xx) makes the server unreachable
   * until a probe succeeds; a refusal (4xx) leaves it reachable but in error until the next success.
   */
  private noteFailure(error: unknown): void {
    const transient = !(error instanceof RemoteEngineError) || error.transient;
    this.failure = error instanceof Error ? error : new Error(messageOf(error));
    this.failedAt = performance.now();
    this.checkedAt = new Date().toISOString();
    this.reachable = !transient;
    if (transient) this.probed = null;
    this.options.logger.warn(`inference: ${this.failure.message}`);
  }

  async generate(
    request: GenerationRequest,
    control: TaskControl,
    signal: AbortSignal | undefined,
    timing: { started: number; queuedMs: number },
  ): Promise<GenerationResult> {
    await this.ready(signal);
    throwIfAborted(signal);
    const stops = request.stop ?? [];
    const input: RemoteGenerationInput = {
      prompt: this.redactedPrompt(request.prompt, request.infill),
      maxTokens: request.maxTokens,
      stop: stops,
      temperature: request.temperature ?? 0,
      ...(request.topK !== undefined ? { topK: request.topK } : {}),
      ...(request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      cacheKey: request.sequenceKey ?? request.role,
      ...(request.grammar ? this.grammarField(request.grammar) : {}),
    };
    const closing = new AbortController();
    const forward = () => closing.abort();
    signal?.addEventListener("abort", forward, { once: true });
    const givesWay = (request.priority ?? "interactive") !== "interactive";
    let text = "";
    let pieces = 0;
    let firstPieceAt: number | null = null;
    let stoppedBy: "stop" | "hook" | null = null;
    const onPiece = async (piece: string) => {
      if (stoppedBy || closing.signal.aborted) return;
      firstPieceAt ??= performance.now();
      pieces++;
      text += piece;
      const cut = firstStop(text, stops);
      if (cut !== null) {
        text = text.slice(0, cut);
        stoppedBy = "stop";
        closing.abort();
        return;
      }
      if (request.onText?.(withoutPartialStop(text, stops)) === "stop") {
        stoppedBy = "hook";
        closing.abort();
        return;
      }
      if (givesWay) await control.yieldToHigherPriority();
    };
    const result = (outcome: RemoteGenerationOutcome | null, stopReason: GenerationMetrics["stopReason"]) =>
      this.result(request, text, pieces, outcome, stopReason, timing, firstPieceAt);
    let outcome: RemoteGenerationOutcome | null = null;
    try {
      outcome = await this.provider.generate(input, closing.signal, onPiece);
    } catch (error) {
      if (!stoppedBy) {
        if (signal?.aborted) throw new GenerationAbortedError(result(null, "aborted"));
        this.noteFailure(error);
        throw error;
      }
    } finally {
      signal?.removeEventListener("abort", forward);
    }
    if (stoppedBy) {
      this.noteSuccess();
      return result(outcome, stoppedBy);
    }
    if (signal?.aborted) throw new GenerationAbortedError(result(outcome, "aborted"));
    if (!outcome || outcome.finish === null) {
      const error = new RemoteEngineError(
        this.config.endpoint,
        "interrupted",
        `the answer stopped before the server finished it (${pieces} pieces received): did the server stop?`,
      );
      this.noteFailure(error);
      throw error;
    }
    this.noteSuccess();
    return result(outcome, outcome.finish);
  }

  private result(
    request: GenerationRequest,
    text: string,
    pieces: number,
    outcome: RemoteGenerationOutcome | null,
    stopReason: GenerationMetrics["stopReason"],
    timing: { started: number; queuedMs: number },
    firstPieceAt: number | null,
  ): GenerationResult {
    if (outcome) this.lastRoute = outcome.route;
    const now = performance.now();
    const generated = outcome?.generatedTokens ?? pieces;
    const decodeSeconds = firstPieceAt === null ? 0 : (now - firstPieceAt) / 1000;
    const drafted = outcome?.draftedTokens ?? 0;
    const accepted = outcome?.acceptedTokens ?? 0;
    return {
      text,
      // Token ids stay on the server.
      tokens: [],
      metrics: {
        role: request.role,
        speculation: drafted > 0 ? "draft" : "none",
        promptTokens: outcome?.promptTokens ?? 0,
        reusedPromptTokens: outcome?.reusedPromptTokens ?? 0,
        generatedTokens: generated,
        queuedMs: timing.queuedMs,
        timeToFirstTokenMs: (firstPieceAt ?? now) - timing.started,
        decodeTokensPerSecond:
          outcome?.decodeTokensPerSecond ??
          (generated > 1 && decodeSeconds > 0 ? (generated - 1) / decodeSeconds : 0),
        draftedTokens: drafted,
        acceptedTokens: accepted,
        proposalMs: 0,
        targetEvaluations: Math.max(0, generated - accepted),
        totalMs: now - timing.started,
        stopReason,
      },
    };
  }

  /** The grammar for servers that honour one; elsewhere it is dropped (said once) and the answer is free. */
  /**
   * A GBNF grammar goes to servers that honour one. A JSON schema is not sent: the callers that use one (the
   * review's model pass) validate the answer against it and ask again, so remote answers are checked after.
   */
  private grammarField(grammar: string | { jsonSchema: object }): { grammar?: string } {
    if (typeof grammar === "string" && this.provider.honoursGrammar) return { grammar };
    if (!this.saidGrammarDropped) {
      this.saidGrammarDropped = true;
      this.options.logger.info(
        typeof grammar === "string"
          ? `inference: ${this.config.provider} has no GBNF grammars; ${this.options.role} answers are unconstrained`
          : `inference: JSON-schema grammars are not sent to remote engines; ${this.options.role} answers are validated after`,
      );
    }
    return {};
  }

  private redactedPrompt(prompt: Prompt, infill: InfillParts | undefined): RemoteGenerationInput["prompt"] {
    const redact = this.options.redact;
    if (typeof prompt === "string") {
      if (!infill) return { text: redact(prompt) };
      return {
        text: redact(prompt),
        infill: {
          prefix: redact(infill.prefix),
          suffix: redact(infill.suffix),
          extra: infill.extra.map((item) => ({ filename: item.filename, text: redact(item.text) })),
        },
      };
    }
    if ("messages" in prompt) {
      return {
        messages: prompt.messages.map((message) => ({ ...message, content: redact(message.content) })),
      };
    }
    throw new RemoteEngineError(
      this.config.endpoint,
      "protocol",
      "token-id prompts cannot be sent to a remote engine (token ids belong to a local model)",
    );
  }

  /** Vectors for texts (redacted first), L2-normalised; transient failures are retried with backoff. */
  async embed(texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.ready(signal);
    const inputs = texts.map((text) => this.options.redact(text));
    try {
      const vectors = await withRetries(() => this.provider.embed(inputs, signal), {
        attempts: 3,
        baseDelayMs: 250,
        signal,
        retryable: (error) => error instanceof RemoteEngineError && error.transient,
      });
      this.dimensions ??= vectors[0]?.length ?? null;
      this.noteSuccess();
      return vectors.map((vector) => normalise(vector));
    } catch (error) {
      if (signal?.aborted) throw new GenerationAbortedError(null);
      this.noteFailure(error);
      throw error;
    }
  }

  /** The embedding size, learned from one embedding if no request has shown it yet. */
  async embeddingDimensions(signal?: AbortSignal): Promise<number> {
    if (this.dimensions === null) await this.embed(["dimensions"], signal);
    return this.dimensions!;
  }

  status(): RemoteStatus {
    const status: RemoteStatus = {
      endpoint: this.config.endpoint,
      provider: this.config.provider,
      model: this.modelName,
      reachable: this.reachable,
      latencyMs: this.latencyMs,
      checkedAt: this.checkedAt,
      route: this.lastRoute,
    };
    if (this.failure) status.error = this.failure.message;
    return status;
  }

  dispose(): Promise<void> {
    return this.provider.dispose();
  }
}

/** Where the first stop string starts, or `null`. */
export function firstStop(text: string, stops: readonly string[]): number | null {
  let first: number | null = null;
  for (const stop of stops) {
    if (!stop) continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (first === null || at < first)) first = at;
  }
  return first;
}

/** The text without a tail that could still grow into a stop string (the hook never sees half a stop). */
export function withoutPartialStop(text: string, stops: readonly string[]): string {
  let held = 0;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, text.length); length > held; length--) {
      if (text.endsWith(stop.slice(0, length))) {
        held = length;
        break;
      }
    }
  }
  return held ? text.slice(0, text.length - held) : text;
}

/**
 * Tokens of a text for a model Hearth cannot tokenize locally: about three bytes of UTF-8 per token, which
 * is what code tokenizers (BPE with byte fallback) average; used for prompt and chunk budgets only.
 */
export function estimateRemoteTokens(text: string, bytesPerToken = defaultBytesPerToken): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / bytesPerToken);
}

const defaultBytesPerToken = 3;

/** Code the server tokenizes once to calibrate `estimateRemoteTokens` (ordinary code: names, operators, indents). */
export const calibrationSample = `export function totalOf(items: readonly { price: number; count: number }[]): number {
  let total = 0;
  for (const item of items) {
    if (item.count <= 0) continue; // returns are booked elsewhere
    total += item.price * item.count;
  }
  return Math.round(total * 100) / 100;
}
`;

/**
 * Bytes per token of the server's tokenizer on the calibration sample, kept within 1 to 4 (a character-level
 * model to a large code BPE), so budgets neither overflow the server's context nor waste it.
 */
export function calibratedBytesPerToken(sampleTokens: number): number {
  if (!(sampleTokens > 0)) return defaultBytesPerToken;
  return Math.min(4, Math.max(1, Buffer.byteLength(calibrationSample, "utf8") / sampleTokens));
}
