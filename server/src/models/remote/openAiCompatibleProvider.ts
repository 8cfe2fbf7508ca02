/**
 * OpenAI-compatible servers (vLLM, LM Studio, TGI, llama-server's `/v1`), through the `openai` package on the
 * endpoint's own connection pool. Completion sends the FIM prompt Hearth rendered with the model's own template
 * to `/v1/completions`, because vLLM rejects `suffix` ("suffix is not currently supported"); chat streams
 * `/v1/chat/completions`; embeddings come from `/v1/embeddings`; `/v1/models` names the model and, on vLLM,
 * its context length (`max_model_len`).
 */

import type { ChatMessage } from "../generationTypes";
import type { RemoteHttp } from "./remoteHttp";
import { RemoteEngineError } from "./remoteHttp";
import type {
  RemoteGenerationInput,
  RemoteGenerationOutcome,
  RemoteProbe,
  RemoteProvider,
} from "./remoteProvider";

interface ServerUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

export class OpenAiCompatibleProvider implements RemoteProvider {
  readonly honoursGrammar = false;
  private listedModel: string | null = null;

  constructor(private readonly http: RemoteHttp) {}

  private model(): string {
    const model = this.http.config.model ?? this.listedModel;
    if (!model) {
      throw new RemoteEngineError(
        this.http.endpoint,
        "protocol",
        "the server lists no model; set hearth.models.remoteModels.<role> to the model's name",
      );
    }
    return model;
  }

  async generate(
    input: RemoteGenerationInput,
    signal: AbortSignal,
    onPiece: (piece: string) => Promise<void>,
  ): Promise<RemoteGenerationOutcome> {
    if ("messages" in input.prompt) {
      return streamChat(this.http, this.model(), input, input.prompt.messages, signal, onPiece, {});
    }
    const route = "/v1/completions";
    const outcome = emptyOutcome(route);
    try {
      const stream = await this.http.openAi().completions.create(
        {
          model: this.model(),
          prompt: input.prompt.text,
          max_tokens: input.maxTokens,
          temperature: input.temperature,
          ...(input.topP !== undefined ? { top_p: input.topP } : {}),
          ...(input.seed !== undefined ? { seed: input.seed } : {}),
          ...(input.stop.length ? { stop: [...input.stop] } : {}),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.text) await onPiece(choice.text);
        if (choice?.finish_reason) outcome.finish = finishOf(choice.finish_reason);
        if (chunk.usage) applyUsage(outcome, chunk.usage as ServerUsage);
      }
    } catch (error) {
      throw this.http.openAiFailure(error, route, signal);
    }
    return outcome;
  }

  embed(texts: readonly string[], signal: AbortSignal | undefined): Promise<number[][]> {
    return streamedEmbeddings(this.http, this.model(), texts, signal);
  }

  async probe(signal: AbortSignal | undefined): Promise<RemoteProbe> {
    const route = "/v1/models";
    try {
      const page = await this.http.openAi().models.list({ signal });
      // vLLM adds `max_model_len` to each model; some servers say `context_length`.
      const models = page.data as unknown as {
        id: string;
        max_model_len?: number;
        context_length?: number;
      }[];
      const wanted = this.http.config.model;
      const entry = wanted ? models.find((model) => model.id === wanted) : models[0];
      if (wanted && !entry) {
        throw new RemoteEngineError(
          this.http.endpoint,
          "http",
          `the server does not list the model "${wanted}" (it lists ${models.map((model) => model.id).join(", ") || "none"})`,
          404,
        );
      }
      this.listedModel = entry?.id ?? null;
      return {
        model: entry?.id ?? null,
        contextSize: entry?.max_model_len ?? entry?.context_length ?? null,
        slots: null,
      };
    } catch (error) {
      throw this.http.openAiFailure(error, route, signal);
    }
  }

  dispose(): Promise<void> {
    return this.http.dispose();
  }
}

/** Streams `/v1/chat/completions`; `extra` carries a server's own fields (llama-server's `cache_prompt`, `id_slot`). */
export async function streamChat(
  http: RemoteHttp,
  model: string,
  input: RemoteGenerationInput,
  messages: readonly ChatMessage[],
  signal: AbortSignal,
  onPiece: (piece: string) => Promise<void>,
  extra: Record<string, unknown>,
): Promise<RemoteGenerationOutcome> {
  const route = "/v1/chat/completions";
  const outcome = emptyOutcome(route);
  try {
    const body = {
      model,
      messages: messages.map((message) => ({ role: message.role, content: message.content })),
      max_tokens: input.maxTokens,
      temperature: input.temperature,
      ...(input.topP !== undefined ? { top_p: input.topP } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      ...(input.stop.length ? { stop: [...input.stop] } : {}),
      stream: true as const,
      stream_options: { include_usage: true },
      ...extra,
    };
    const stream = await http.openAi().chat.completions.create(body, { signal });
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta?.content) await onPiece(choice.delta.content);
      if (choice?.finish_reason) outcome.finish = finishOf(choice.finish_reason);
      if (chunk.usage) applyUsage(outcome, chunk.usage as ServerUsage);
      const timings = (chunk as { timings?: { cache_n?: number; predicted_per_second?: number } }).timings;
      if (timings?.cache_n !== undefined) outcome.reusedPromptTokens = timings.cache_n;
      if (timings?.predicted_per_second !== undefined)
        outcome.decodeTokensPerSecond = timings.predicted_per_second;
    }
  } catch (error) {
    throw http.openAiFailure(error, route, signal);
  }
  return outcome;
}

/** `/v1/embeddings` for a batch of texts, as plain float arrays in input order. */
export async function streamedEmbeddings(
  http: RemoteHttp,
  model: string,
  texts: readonly string[],
  signal: AbortSignal | undefined,
): Promise<number[][]> {
  const route = "/v1/embeddings";
  try {
    const answer = await http
      .openAi()
      .embeddings.create({ model, input: [...texts], encoding_format: "float" }, { signal });
    const vectors = [...answer.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    if (vectors.length !== texts.length) {
      throw new RemoteEngineError(
        http.endpoint,
        "protocol",
        `${route} returned ${vectors.length} vectors for ${texts.length} inputs`,
      );
    }
    return vectors;
  } catch (error) {
    throw http.openAiFailure(error, route, signal);
  }
}

function emptyOutcome(route: string): RemoteGenerationOutcome {
  return {
    route,
    promptTokens: null,
    reusedPromptTokens: null,
    generatedTokens: null,
    draftedTokens: 0,
    acceptedTokens: 0,
    decodeTokensPerSecond: null,
    finish: null,
  };
}

function finishOf(reason: string): RemoteGenerationOutcome["finish"] {
  // OpenAI's "stop" covers both the end of the text and a stop string; Hearth cuts at stop strings itself.
  return reason === "length" ? "maxTokens" : "eog";
}

function applyUsage(outcome: RemoteGenerationOutcome, usage: ServerUsage): void {
  if (usage.prompt_tokens !== undefined) outcome.promptTokens = usage.prompt_tokens;
  if (usage.completion_tokens !== undefined) outcome.generatedTokens = usage.completion_tokens;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached !== undefined && cached !== null) outcome.reusedPromptTokens = cached;
}
