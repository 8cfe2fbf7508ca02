/**
 * The inference engine's configuration: the typed `ModelsConfig` the engine takes (every value explicit, no
 * defaults inside the engine) and `resolveModelsConfig`, the one place where defaults live: Hearth's tiny
 * models per role, measured thread count, context sizes and speculation settings.
 */

import * as os from "node:os";
import * as path from "node:path";
import type { ModelRole, SpeculationMode } from "./generationTypes";
import { findNativeModelsDirectory, loadModelCatalog, type ModelCatalog } from "./modelCatalog";
import {
  isEndpoint,
  normaliseEndpoint,
  type RemoteProviderName,
  type RemoteRoleConfig,
} from "./remote/remoteConfig";

export type GpuChoice = "auto" | false | "cuda" | "vulkan" | "metal";

export interface RoleModelConfig {
  /** A catalog id, a path to a `.gguf` file, or a remote engine's address (then `remote` says how to use it). */
  model: string;
  /** Set when the role runs on a remote engine rather than in this process. */
  remote?: RemoteRoleConfig;
  /** Tokens of KV cache per sequence; clamped to what the model was trained on. */
  contextSize: number;
  /** Tokens per llama.cpp decode call; also the step at which a long prompt checks for cancellation. */
  batchSize: number;
  /** Independent KV sequences (one per `sequenceKey` in use at a time). */
  sequences: number;
  /** `auto`: as many layers as free VRAM holds, falling back to fewer, then to the CPU. */
  gpuLayers: "auto" | number;
  /**
   * `gpuOnly`: llama.cpp's choice on a GPU, off on the CPU. On the CPU flash attention made prefill of long
   * prompts ~20% faster but a few tokens after a long cached prefix 8x slower (13 tokens at position 1,000:
   * 81 ms instead of 10 ms), and that is the keystroke case: a reused prefix plus what changed.
   */
  flashAttention: boolean | "gpuOnly";
}

export interface DraftPredictionConfig {
  /** Most tokens drafted per target evaluation; fewer when the measured acceptance does not pay for more. */
  maxTokens: number;
  /** Stop drafting at a token the draft model is less sure of than this (0 disables). */
  minConfidence: number;
  /** `false`: always draft `maxTokens` (for measuring fixed lengths). */
  adaptive: boolean;
}

export interface InputLookupConfig {
  /** Shortest run of recent tokens that must reappear in the prompt before its continuation is proposed. */
  patternMinLength: number;
  /** Most tokens proposed per lookup; fewer when the measured acceptance does not pay for more. */
  predictionMaxLength: number;
  adaptive: boolean;
}

export interface GenerationRoleConfig extends RoleModelConfig {
  /** Used when a request does not choose. */
  speculation: SpeculationMode;
  draft: DraftPredictionConfig;
  inputLookup: InputLookupConfig;
}

export interface ModelsConfig {
  gpu: GpuChoice;
  /** CPU threads one evaluation uses; see `defaultThreadCount` for why this is never left to the library. */
  threads: number;
  /**
   * Threads all concurrent evaluations may use together (a draft model drafting while the target verifies, an
   * embedding batch next to a completion); node-llama-cpp makes evaluations wait for threads beyond this.
   */
  maxThreads: number;
  /** Where `hearth models pull` stores downloads. */
  modelsDirectory: string;
  /** Hearth's bundled models and catalog (`native-models/`). */
  nativeModelsDirectory: string;
  /** Saved KV states of fixed prompt prefixes. */
  stateDirectory: string;
  catalog: ModelCatalog;
  roles: {
    completion: GenerationRoleConfig | null;
    chat: GenerationRoleConfig | null;
    draft: RoleModelConfig | null;
    embedding: RoleModelConfig | null;
  };
  /** Most tokens of background embedding work between two chances for interactive requests to run. */
  embeddingBatchTokens: number;
}

/** What a user may set (settings, CLI flags); everything is optional and `resolveModelsConfig` fills the rest. */
export interface ModelsSettings {
  /** Per role: a catalog id, a `.gguf` path, or `null` for none. */
  models?: Partial<Record<ModelRole, string | null>>;
  gpu?: GpuChoice;
  threads?: number;
  maxThreads?: number;
  contextSize?: Partial<Record<ModelRole, number>>;
  speculation?: Partial<Record<"completion" | "chat", SpeculationMode>>;
  draft?: Partial<DraftPredictionConfig>;
  inputLookup?: Partial<InputLookupConfig>;
  modelsDirectory?: string;
  nativeModelsDirectory?: string;
  stateDirectory?: string;
  catalog?: ModelCatalog;
  /** How roles whose model is an `http(s)://` address reach their server. */
  remote?: RemoteSettings;
}

export interface RemoteSettings {
  /** Per role; default `openai-compatible`, which llama-server, vLLM, LM Studio, TGI and Ollama all speak. */
  providers?: Partial<Record<ModelRole, RemoteProviderName>>;
  /** Per role: the model name the server knows. */
  models?: Partial<Record<ModelRole, string>>;
  fimTemplate?: string;
  timeoutSeconds?: number;
  caFile?: string;
}

/** Remote requests wait this long to connect, for an answer to start, or for the next piece of one. */
export const defaultRemoteTimeoutSeconds = 30;

/** The role defaults: Hearth's own tiny models, so completion and indexing work out of the box. */
export const defaultRoleModels: Record<ModelRole, string | null> = {
  completion: "hearth-tiny-code",
  draft: "hearth-tiny-draft",
  // Hearth's tiny chat model answers only by citing a definition it was given (and often the wrong one, see
  // native-models/README.md): enough for chat to work offline and for the tests; real use needs a real model.
  chat: "hearth-tiny-chat",
  embedding: "hearth-tiny-embed",
};

/**
 * llama.cpp's CPU threads spin while they wait for each other, so more threads than free cores is
 * catastrophic: node-llama-cpp's default of 4 on a 2-core machine ran ~500x slower. One core is left to the
 * editor, the language server and the indexer. Measured on 2 cores with another job running: hearth-tiny-code
 * decoded ~500 tokens/s with 1 thread and 4-27 tokens/s with 2 (prefill 5,500 vs 700-2,500 tokens/s).
 */
export function defaultThreadCount(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(cores - 1, 8));
}

/** Downloads: `$XDG_CACHE_HOME/hearth/models`, else `~/.cache/hearth/models`. */
export function defaultModelsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheHome(env), "hearth", "models");
}

export function defaultStateDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheHome(env), "hearth", "kv-states");
}

function cacheHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)
    ? env.XDG_CACHE_HOME
    : path.join(os.homedir(), ".cache");
}

/**
 * Measured with `hearth bench inference` on the tiny models (2 shared cores, medians of paired runs): input
 * lookup was neutral on FIM completion (0.98-1.05x, within noise) and 2.9-4.6x faster on an edit that copies
 * its input; the tiny draft model lost at every fixed length (best 0.90x at one token), because each drafted
 * token costs ~1.7 ms of calls against 2.5 ms for a target token. So `inputLookup` is the default, and `draft`
 * adapts its length and switches itself off where it does not pay.
 */
export const defaultSpeculation: SpeculationMode = "inputLookup";

export const defaultDraftPrediction: DraftPredictionConfig = {
  maxTokens: 8,
  minConfidence: 0.4,
  adaptive: true,
};
export const defaultInputLookup: InputLookupConfig = {
  patternMinLength: 2,
  predictionMaxLength: 16,
  adaptive: true,
};

const defaultContextSizes: Record<ModelRole, number> = {
  completion: 4096,
  draft: 4096,
  chat: 8192,
  embedding: 1024,
};

export function resolveModelsConfig(
  settings: ModelsSettings = {},
  env: NodeJS.ProcessEnv = process.env,
): ModelsConfig {
  const catalog = settings.catalog ?? loadModelCatalog(catalogFile(settings));
  const modelFor = (role: ModelRole): string | null => {
    const chosen = settings.models?.[role];
    // A remote server drafts for itself (llama-server's --model-draft, vLLM's speculative_config).
    if (role === "draft" && chosen && isEndpoint(chosen)) return null;
    return chosen === undefined ? defaultRoleModels[role] : chosen;
  };
  const base = (role: ModelRole, sequences: number): RoleModelConfig | null => {
    const model = modelFor(role);
    if (!model) return null;
    const contextSize = settings.contextSize?.[role] ?? defaultContextSizes[role];
    const remote = isEndpoint(model) ? remoteRoleConfig(role, model, settings.remote ?? {}) : undefined;
    return {
      model: remote ? remote.endpoint : isModelPath(model) ? path.resolve(model) : model,
      ...(remote ? { remote } : {}),
      contextSize,
      // Embeddings must see a whole input in one batch; generation uses llama.cpp's usual 512.
      batchSize: role === "embedding" ? contextSize : Math.min(512, contextSize),
      sequences,
      gpuLayers: "auto",
      flashAttention: "gpuOnly",
    };
  };
  const generation = (role: "completion" | "chat", sequences: number): GenerationRoleConfig | null => {
    const config = base(role, sequences);
    if (!config) return null;
    return {
      ...config,
      speculation: settings.speculation?.[role] ?? defaultSpeculation,
      draft: { ...defaultDraftPrediction, ...settings.draft },
      inputLookup: { ...defaultInputLookup, ...settings.inputLookup },
    };
  };
  return {
    gpu: settings.gpu ?? "auto",
    threads: settings.threads ?? defaultThreadCount(),
    // One thread per evaluation never spins on a barrier, so concurrent evaluations may use every core.
    maxThreads: Math.max(settings.maxThreads ?? os.availableParallelism(), settings.threads ?? 1),
    modelsDirectory: settings.modelsDirectory ?? defaultModelsDirectory(env),
    nativeModelsDirectory: settings.nativeModelsDirectory ?? path.dirname(catalogFile(settings)),
    stateDirectory: settings.stateDirectory ?? defaultStateDirectory(env),
    catalog,
    roles: {
      // Two completion sequences: the file being edited keeps its KV cache while another file is completed.
      completion: generation("completion", 2),
      chat: generation("chat", 1),
      draft: base("draft", 1),
      embedding: base("embedding", 1),
    },
    embeddingBatchTokens: 512,
  };
}

function remoteRoleConfig(role: ModelRole, model: string, remote: RemoteSettings): RemoteRoleConfig {
  return {
    endpoint: normaliseEndpoint(model),
    provider: remote.providers?.[role] ?? "openai-compatible",
    model: remote.models?.[role] ?? null,
    fimTemplate: remote.fimTemplate ?? null,
    timeoutMs: Math.round((remote.timeoutSeconds ?? defaultRemoteTimeoutSeconds) * 1000),
    caFile: remote.caFile ? path.resolve(remote.caFile) : null,
  };
}

function catalogFile(settings: ModelsSettings): string {
  return path.join(settings.nativeModelsDirectory ?? findNativeModelsDirectory(), "catalog.json");
}

/**
 * A model setting is a path when it names a `.gguf` file or contains a path separator (and is not an
 * `http(s)://` address); otherwise a catalog id.
 */
export function isModelPath(model: string): boolean {
  if (isEndpoint(model)) return false;
  return model.endsWith(".gguf") || model.includes("/") || model.includes("\\");
}
