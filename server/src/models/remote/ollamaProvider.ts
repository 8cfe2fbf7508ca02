/**
 * Ollama's own API: fill-in-the-middle through `/api/generate` with `suffix` (Ollama applies the model's FIM
 * template), Hearth-rendered prompts with `raw` where there is no suffix to give, `/api/chat` for chat and
 * `/api/embed` (with `truncate`) for embeddings, all streamed as newline-delimited JSON. `num_ctx` asks for
 * the context Hearth plans its prompts for (Ollama's default is smaller), and `/api/show` reports the model's
 * own context length.
 */

import type { RemoteHttp } from "./remoteHttp";
import { RemoteEngineError } from "./remoteHttp";
import type {
  RemoteGenerationInput,
  RemoteGenerationOutcome,
  RemoteProbe,
  RemoteProvider,
} from "./remoteProvider";

interface OllamaEvent {
  response?: string;
  message?: { content?: string };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  /** Nanoseconds. */
  eval_duration?: number;
}

export class OllamaProvider implements RemoteProvider {
  readonly honoursGrammar = false;
  constructor(
    private readonly http: RemoteHttp,
    /** The context Hearth plans prompts for; sent as `num_ctx`. */
    private readonly contextSize: number,
  ) {}

  private model(): string {
    const model = this.http.config.model;
    if (!model) {
      throw new RemoteEngineError(
        this.http.endpoint,
        "protocol",
        "Ollama needs a model name: set hearth.models.remoteModels.<role> (for example qwen2.5-coder:1.5b)",
      );
    }
    return model;
  }

  async generate(
    input: RemoteGenerationInput,
    signal: AbortSignal,
    onPiece: (piece: string) => Promise<void>,
  ): Promise<RemoteGenerationOutcome> {
    const options = {
      num_predict: input.maxTokens,
      num_ctx: this.contextSize,
      temperature: input.temperature,
      ...(input.topK !== undefined ? { top_k: input.topK } : {}),
      ...(input.topP !== undefined ? { top_p: input.topP } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      ...(input.stop.length ? { stop: [...input.stop] } : {}),
    };
    let route: string;
    let body: Record<string, unknown>;
    if ("messages" in input.prompt) {
      route = "/api/chat";
      body = { model: this.model(), messages: input.prompt.messages, stream: true, options };
    } else if (input.prompt.infill) {
      route = "/api/generate";
      const { prefix, suffix } = input.prompt.infill;
      body = { model: this.model(), prompt: prefix, suffix, stream: true, options };
    } else {
      route = "/api/generate";
      body = { model: this.model(), prompt: input.prompt.text, raw: true, stream: true, options };
    }
    const outcome: RemoteGenerationOutcome = {
      route,
      promptTokens: null,
      reusedPromptTokens: null,
      generatedTokens: null,
      draftedTokens: 0,
      acceptedTokens: 0,
      decodeTokensPerSecond: null,
      finish: null,
    };
    for await (const raw of this.http.stream(route, body, "ndjson", signal)) {
      const event = raw as OllamaEvent;
      const piece = event.response ?? event.message?.content;
      if (piece) await onPiece(piece);
      if (!event.done) continue;
      outcome.promptTokens = event.prompt_eval_count ?? null;
      outcome.generatedTokens = event.eval_count ?? null;
      if (event.eval_count && event.eval_duration) {
        outcome.decodeTokensPerSecond = event.eval_count / (event.eval_duration / 1e9);
      }
      outcome.finish = event.done_reason === "length" ? "maxTokens" : "eog";
    }
    return outcome;
  }

  async embed(texts: readonly string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const answer = await this.http.json<{ embeddings?: number[][] }>(
      "POST",
      "/api/embed",
      { model: this.model(), input: texts, truncate: true },
      signal,
    );
    const vectors = answer.embeddings ?? [];
    if (vectors.length !== texts.length) {
      throw new RemoteEngineError(
        this.http.endpoint,
        "protocol",
        `/api/embed returned ${vectors.length} vectors for ${texts.length} inputs`,
      );
    }
    return vectors;
  }

  async probe(signal: AbortSignal | undefined): Promise<RemoteProbe> {
    const shown = await this.http.json<{ model_info?: Record<string, unknown> }>(
      "POST",
      "/api/show",
      { model: this.model() },
      signal,
    );
    const info = shown.model_info ?? {};
    const key = Object.keys(info).find((name) => name.endsWith(".context_length"));
    const trained = key && typeof info[key] === "number" ? (info[key] as number) : null;
    return {
      model: this.model(),
      contextSize: trained === null ? this.contextSize : Math.min(trained, this.contextSize),
      slots: null,
    };
  }

  dispose(): Promise<void> {
    return this.http.dispose();
  }
}
