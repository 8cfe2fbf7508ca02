/**
 * llama.cpp's llama-server, with its native features: fill-in-the-middle through `/infill` (the server builds
 * the prompt from the model's own FIM tokens, with retrieved snippets as `input_extra` repository context and
 * the cursor line as `prompt`, after the middle token, so typing on one line re-evaluates only that line),
 * Hearth-rendered prompts through `/completion` for models without a middle token, `cache_prompt` and a fixed
 * `id_slot` per cache key so each editor sequence keeps its KV cache on the server, chat and embeddings through
 * its OpenAI-compatible API, and `/props`, `/health` and `/tokenize` to learn about the model.
 */

import { streamChat, streamedEmbeddings } from "./openAiCompatibleProvider";
import type { RemoteHttp } from "./remoteHttp";
import { RemoteEngineError } from "./remoteHttp";
import type {
  RemoteGenerationInput,
  RemoteGenerationOutcome,
  RemoteProbe,
  RemoteProvider,
} from "./remoteProvider";

interface LlamaServerEvent {
  content?: string;
  stop?: boolean;
  stop_type?: "eos" | "word" | "limit" | "none";
  tokens_predicted?: number;
  tokens_evaluated?: number;
  tokens_cached?: number;
  timings?: {
    prompt_n?: number;
    cache_n?: number;
    predicted_n?: number;
    predicted_per_second?: number;
    draft_n?: number;
    draft_n_accepted?: number;
  };
}

interface LlamaServerProps {
  default_generation_settings?: { n_ctx?: number };
  total_slots?: number;
  model_alias?: string;
  model_path?: string;
}

export class LlamaServerProvider implements RemoteProvider {
  readonly honoursGrammar = true;
  /** Set when the server said its model cannot infill (no FIM middle token): `/completion` from then on. */
  private infillUnsupported = false;
  private slots: number | null = null;

  constructor(private readonly http: RemoteHttp) {}

  async generate(
    input: RemoteGenerationInput,
    signal: AbortSignal,
    onPiece: (piece: string) => Promise<void>,
  ): Promise<RemoteGenerationOutcome> {
    if ("messages" in input.prompt) {
      return streamChat(this.http, this.modelName(), input, input.prompt.messages, signal, onPiece, {
        cache_prompt: true,
        ...this.slotField(input.cacheKey),
        ...(input.grammar ? { grammar: input.grammar } : {}),
      });
    }
    const sampling = {
      n_predict: input.maxTokens,
      stop: input.stop,
      temperature: input.temperature,
      ...(input.topK !== undefined ? { top_k: input.topK } : {}),
      ...(input.topP !== undefined ? { top_p: input.topP } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      stream: true,
      cache_prompt: true,
      ...this.slotField(input.cacheKey),
      ...(input.grammar ? { grammar: input.grammar } : {}),
    };
    const infill = input.prompt.infill;
    if (infill && !this.infillUnsupported) {
      const lineStart = infill.prefix.lastIndexOf("\n") + 1;
      try {
        return await this.streamCompletion(
          "/infill",
          {
            input_prefix: infill.prefix.slice(0, lineStart),
            input_suffix: infill.suffix,
            input_extra: infill.extra.map((item) => ({ filename: item.filename, text: item.text })),
            prompt: infill.prefix.slice(lineStart),
            ...sampling,
          },
          signal,
          onPiece,
        );
      } catch (error) {
        if (!(error instanceof RemoteEngineError && /infill is not supported/i.test(error.message)))
          throw error;
        this.infillUnsupported = true;
      }
    }
    return this.streamCompletion("/completion", { prompt: input.prompt.text, ...sampling }, signal, onPiece);
  }

  private async streamCompletion(
    route: "/infill" | "/completion",
    body: Record<string, unknown>,
    signal: AbortSignal,
    onPiece: (piece: string) => Promise<void>,
  ): Promise<RemoteGenerationOutcome> {
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
    for await (const raw of this.http.stream(route, body, "sse", signal)) {
      const event = raw as LlamaServerEvent;
      if (event.content) await onPiece(event.content);
      if (!event.stop) continue;
      const timings = event.timings ?? {};
      const reused = timings.cache_n ?? event.tokens_cached ?? null;
      outcome.promptTokens =
        timings.prompt_n !== undefined
          ? timings.prompt_n + (timings.cache_n ?? 0)
          : (event.tokens_evaluated ?? null);
      outcome.reusedPromptTokens = reused;
      outcome.generatedTokens = timings.predicted_n ?? event.tokens_predicted ?? null;
      outcome.decodeTokensPerSecond = timings.predicted_per_second ?? null;
      outcome.draftedTokens = timings.draft_n ?? 0;
      outcome.acceptedTokens = timings.draft_n_accepted ?? 0;
      outcome.finish =
        event.stop_type === "limit" ? "maxTokens" : event.stop_type === "word" ? "stop" : "eog";
    }
    return outcome;
  }

  /** The same cache key always goes to the same slot, so its KV cache is there next time. */
  private slotField(cacheKey: string): { id_slot?: number } {
    if (!this.slots || this.slots < 1) return {};
    return { id_slot: slotFor(cacheKey, this.slots) };
  }

  private modelName(): string {
    return this.http.config.model ?? "default";
  }

  embed(texts: readonly string[], signal: AbortSignal | undefined): Promise<number[][]> {
    return streamedEmbeddings(this.http, this.modelName(), texts, signal);
  }

  async probe(signal: AbortSignal | undefined): Promise<RemoteProbe> {
    await this.http.json("GET", "/health", undefined, signal);
    const props = await this.http.json<LlamaServerProps>("GET", "/props", undefined, signal);
    this.slots = typeof props.total_slots === "number" ? props.total_slots : null;
    const model = props.model_alias || props.model_path || null;
    return {
      model: model ? (model.split(/[\\/]/).pop() ?? model) : null,
      contextSize: props.default_generation_settings?.n_ctx ?? null,
      slots: this.slots,
    };
  }

  async countTokens(text: string, signal: AbortSignal | undefined): Promise<number> {
    const answer = await this.http.json<{ tokens?: unknown[] }>(
      "POST",
      "/tokenize",
      { content: text },
      signal,
    );
    return answer.tokens?.length ?? 0;
  }

  async specialTokens(
    candidates: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const answers = await Promise.all(
      candidates.map((content) =>
        this.http.json<{ tokens?: unknown[] }>("POST", "/tokenize", { content, parse_special: true }, signal),
      ),
    );
    answers.forEach((answer, index) => {
      const tokens = answer.tokens ?? [];
      if (tokens.length === 1 && typeof tokens[0] === "number") found.set(candidates[index]!, tokens[0]);
    });
    return found;
  }

  dispose(): Promise<void> {
    return this.http.dispose();
  }
}

/** A stable slot number for a cache key (FNV-1a). */
export function slotFor(cacheKey: string, slots: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < cacheKey.length; index++) {
    hash ^= cacheKey.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % slots;
}
