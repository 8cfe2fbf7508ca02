/**
 * The inference engine: one object the rest of Hearth calls for every model request. It loads models by role
 * (`completion`, `draft`, `chat`, `embedding`) lazily and in the background, reports per-role state, orders
 * work by priority, and keeps each request cancellable. Only this folder imports node-llama-cpp.
 *
 * `create` returns at once and loads nothing: server startup never waits for a model, and a role whose file is
 * missing or corrupt reports `error` while every other role (and the rest of Hearth) keeps working.
 *
 * A role whose model is an `http(s)://` address runs on that remote engine instead (`remote/`): the same
 * requests, metrics and priorities (one scheduler per server), with every text redacted by the guardrails
 * before it leaves the machine.
 */

import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { Token } from "node-llama-cpp";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import { redactSecrets } from "../guardrails";
import { EmbeddingModel } from "./embeddingModel";
import type { BackendStatus, ModelStatus } from "./engineStatus";
import { generateText } from "./generateText";
import { GenerationModel } from "./generationModel";
import type {
  ChatMessage,
  GenerationMetrics,
  GenerationRequest,
  GenerationResult,
  GenerationRole,
  InfillTokens,
  ModelRole,
  PrefixPreparation,
  Prompt,
  RequestPriority,
} from "./generationTypes";
import { type InferenceBackend, openInferenceBackend } from "./inferenceBackend";
import { type LoadedModelFile, loadModelFile } from "./loadModelFile";
import { modelRoles } from "./modelCatalog";
import { GenerationAbortedError, ModelLoadError, ModelUnavailableError, throwIfAborted } from "./modelErrors";
import { type ResolvedModelFile, resolveModelFile } from "./modelFiles";
import type { GenerationRoleConfig, ModelsConfig, RoleModelConfig } from "./modelsConfig";
import { prefixStateFile } from "./prefixStates";
import { PriorityScheduler } from "./priorityScheduler";
import { promptTokens } from "./promptTokens";
import { RemoteCredentials } from "./remote/remoteCredentials";
import { remoteInfillTokens } from "./remote/remoteInfillTokens";
import { RemoteRole } from "./remote/remoteRole";

type RoleRuntime = GenerationModel | EmbeddingModel | LoadedModelFile;

interface RoleEntry {
  role: ModelRole;
  config: RoleModelConfig | GenerationRoleConfig | null;
  /** Set when the role runs on a remote engine; then no file is resolved or loaded. */
  remote: RemoteRole | null;
  state: ModelStatus["state"];
  resolved: ResolvedModelFile | null;
  runtime: RoleRuntime | null;
  loading: Promise<RoleRuntime> | null;
  failure: Error | null;
  requests: number;
  lastRequest: GenerationMetrics | null;
}

export interface EngineStatus {
  backend: BackendStatus | null;
  models: ModelStatus[];
}

export interface EmbeddingInfo {
  dimensions: number;
  /** Most content tokens one input keeps; longer inputs are cut to this. */
  maxInputTokens: number;
  /** From the catalog: what to put before queries and documents (empty when the model needs nothing). */
  queryPrefix: string;
  documentPrefix: string;
}

/**
 * The embedding role as the indexer and retrieval use it: synchronous token counts (the model is loaded),
 * documents and queries embedded with the model's own prefixes. It matches `index/`'s `ChunkEmbedder`.
 */
export interface Embedder {
  /** Changes when the model file changes, so stored vectors from another model are never mixed in. */
  modelId: string;
  dimension: number;
  /** Longest text in the model's tokens, the document prefix already subtracted; longer texts are cut. */
  maxTokens: number;
  countTokens(text: string): number;
  /** Documents (chunks), at background priority unless told otherwise. */
  embed(texts: string[], signal?: AbortSignal, priority?: RequestPriority): Promise<Float32Array[]>;
  /** Search queries, at interactive priority. */
  embedQueries(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** What an engine needs for remote roles besides their configuration. */
export interface EngineOptions {
  /** API keys by endpoint, kept in memory; default: only `HEARTH_REMOTE_API_KEY`. */
  credentials?: RemoteCredentials;
  /**
   * Applied to every text sent to a remote engine. Default: the guardrails' secret redaction with its default
   * rules; the server passes its guardrails policy (the user's allowed values, counted in status).
   */
  redactRemote?: (text: string) => string;
}

/** Texts per remote embedding request, each request one step for the scheduler. */
const remoteEmbeddingBatch = 32;

export class ModelEngine {
  private readonly entries: Record<ModelRole, RoleEntry>;
  private readonly scheduler = new PriorityScheduler();
  /** Remote roles queue per server: its capacity is not this machine's. */
  private readonly remoteSchedulers = new Map<string, PriorityScheduler>();
  private readonly credentials: RemoteCredentials;
  private readonly redactRemote: (text: string) => string;
  private readonly files = new Map<string, Promise<LoadedModelFile>>();
  private backend: Promise<InferenceBackend> | null = null;
  private backendState: BackendStatus | null = null;
  private disposed = false;

  private constructor(
    private currentConfig: ModelsConfig,
    private readonly logger: Logger,
    options: EngineOptions,
  ) {
    this.credentials = options.credentials ?? RemoteCredentials.fromEnvironment();
    this.redactRemote = options.redactRemote ?? ((text) => redactSecrets(text).text);
    this.entries = {
      completion: this.freshEntry("completion"),
      draft: this.freshEntry("draft"),
      chat: this.freshEntry("chat"),
      embedding: this.freshEntry("embedding"),
    };
  }

  get config(): ModelsConfig {
    return this.currentConfig;
  }

  private freshEntry(role: ModelRole): RoleEntry {
    const entry: RoleEntry = {
      role,
      config: this.currentConfig.roles[role],
      remote: null,
      state: "absent",
      resolved: null,
      runtime: null,
      loading: null,
      failure: null,
      requests: 0,
      lastRequest: null,
    };
    if (entry.config?.remote) {
      try {
        entry.remote = RemoteRole.create({
          role,
          config: entry.config.remote,
          contextSize: entry.config.contextSize,
          credentials: this.credentials,
          redact: this.redactRemote,
          logger: this.logger,
        });
      } catch (error) {
        entry.state = "error";
        entry.failure = error as Error;
      }
    } else if (entry.config) {
      try {
        entry.resolved = resolveModelFile(entry.config.model, role, this.currentConfig);
      } catch (error) {
        entry.state = "error";
        entry.failure = error as Error;
      }
    }
    return entry;
  }

  /**
   * Whether `config` can be applied to this engine by `reconfigure`: the same backend, threads and folders.
   * Otherwise the caller builds a new engine.
   */
  canReconfigure(config: ModelsConfig): boolean {
    const { roles: _ours, ...ours } = this.currentConfig;
    const { roles: _theirs, ...theirs } = config;
    return JSON.stringify({ ...ours, catalog: null }) === JSON.stringify({ ...theirs, catalog: null });
  }

  /**
   * Applies a new role configuration: each role whose config changed is unloaded and loads again on its next
   * use; every other role stays loaded, its KV caches intact. A changed draft model reloads the generation
   * roles too (their contexts hold the draft's). Callers stop requests on the changed roles first.
   * Returns the roles that changed.
   */
  async reconfigure(config: ModelsConfig): Promise<ModelRole[]> {
    const changed = modelRoles.filter(
      (role) => JSON.stringify(config.roles[role]) !== JSON.stringify(this.currentConfig.roles[role]),
    );
    if (changed.includes("draft")) {
      for (const role of ["completion", "chat"] as const) if (!changed.includes(role)) changed.push(role);
    }
    this.currentConfig = config;
    for (const role of changed) await this.unload(role);
    for (const role of changed) this.entries[role] = this.freshEntry(role);
    return changed;
  }

  /** Frees a role's context, and its weights when no other role shares the file. */
  private async unload(role: ModelRole): Promise<void> {
    const entry = this.entries[role];
    await entry.remote?.dispose();
    const runtime = await entry.loading?.catch(() => null);
    if (runtime && "dispose" in runtime) await runtime.dispose().catch(() => {});
    const file = entry.resolved?.path;
    entry.runtime = null;
    entry.loading = null;
    entry.resolved = null;
    const shared = modelRoles.some((other) => other !== role && this.entries[other].resolved?.path === file);
    if (file && !shared) {
      const loaded = this.files.get(file);
      this.files.delete(file);
      await (await loaded?.catch(() => null))?.model.dispose();
    }
  }

  /** Returns at once; nothing loads until `preload` or the first request for a role. */
  static create(config: ModelsConfig, logger: Logger, options: EngineOptions = {}): ModelEngine {
    return new ModelEngine(config, logger, options);
  }

  /** Starts loading the given roles (default: all configured) in the background; failures show in `status()`. */
  preload(roles: readonly ModelRole[] = modelRoles): void {
    for (const role of roles) {
      if (this.entries[role].config) this.load(role).catch(() => {});
    }
  }

  /**
   * Loads a role (once), or for a remote role contacts its server; throws `ModelUnavailableError` when none is
   * configured, `ModelLoadError` when a file fails, `RemoteEngineError` when a server does not answer.
   */
  async load(role: ModelRole): Promise<void> {
    const remote = this.entries[role].remote;
    if (remote) await remote.ready();
    else await this.runtime(role);
  }

  /** Contacts a remote role's server now (for `hearth models doctor`); `null` for a local role. */
  async probeRemote(role: ModelRole, signal?: AbortSignal): Promise<{ latencyMs: number } | null> {
    const remote = this.entries[role].remote;
    if (!remote) return null;
    const started = performance.now();
    await remote.probe(signal);
    return { latencyMs: Math.round(performance.now() - started) };
  }

  /** `hearth/status`'s `backend` and `models`. */
  status(): EngineStatus {
    return { backend: this.backendStatus(), models: this.modelStatuses() };
  }

  backendStatus(): BackendStatus | null {
    return this.backendState;
  }

  modelStatuses(): ModelStatus[] {
    return modelRoles.map((role) => {
      const entry = this.entries[role];
      if (entry.remote) return this.remoteStatus(entry, entry.remote);
      const status: ModelStatus = {
        role,
        id: entry.resolved?.id ?? null,
        path: entry.resolved?.path ?? null,
        state: entry.state,
        configured: entry.config !== null,
        requests: entry.requests,
      };
      if (entry.failure) status.error = entry.failure.message;
      const runtime = entry.runtime;
      if (runtime) {
        const loaded = "loaded" in runtime ? runtime.loaded : runtime;
        status.sizeBytes = loaded.sizeBytes;
        status.gpuLayers = loaded.model.gpuLayers;
        if (!("loaded" in runtime)) status.contextSize = loaded.model.trainContextSize;
        else status.contextSize = runtime.contextSize;
      }
      if (entry.lastRequest) status.lastRequest = entry.lastRequest;
      return status;
    });
  }

  private remoteStatus(entry: RoleEntry, remote: RemoteRole): ModelStatus {
    const status: ModelStatus = {
      role: entry.role,
      id: remote.modelName,
      path: null,
      state: remote.state,
      configured: true,
      requests: entry.requests,
      contextSize: remote.contextSize,
      remote: remote.status(),
    };
    if (remote.error) status.error = remote.error.message;
    if (entry.lastRequest) status.lastRequest = entry.lastRequest;
    return status;
  }

  /** Generates text for a completion or chat request; rejects with `GenerationAbortedError` when `signal` fires. */
  async generate(request: GenerationRequest, signal?: AbortSignal): Promise<GenerationResult> {
    const started = performance.now();
    throwIfAborted(signal);
    const entry = this.entries[request.role];
    const remote = entry.remote;
    if (remote) {
      return this.counted(entry, async () => {
        await remote.ready(signal);
        const { value } = await this.schedulerFor(entry).run(
          request.priority ?? "interactive",
          signal,
          (control) =>
            remote.generate(request, control, signal, { started, queuedMs: performance.now() - started }),
        );
        return value;
      });
    }
    const generation = await this.generationModel(request.role);
    const prompt = promptTokens(generation.model, request.prompt, request.addBos ?? true);
    return this.counted(entry, async () => {
      const { value } = await this.scheduler.run(
        request.priority ?? "interactive",
        signal,
        async (control) => {
          const { slot, release } = await generation.acquire(request.sequenceKey ?? request.role, signal);
          try {
            const input = {
              tokens: prompt.tokens,
              stop: [...(request.stop ?? []), ...prompt.stop],
              stopTokens: [...((request.stopTokens ?? []) as Token[]), ...prompt.stopTokens],
              speculation: request.speculation ?? generation.config.speculation,
            };
            const timing = { started, queuedMs: performance.now() - started };
            return await generateText(generation, slot, request, input, timing, signal, control);
          } finally {
            release();
          }
        },
      );
      return value;
    });
  }

  /** Runs a generation and records it in the role's status (a cancelled one with what it did so far). */
  private async counted(entry: RoleEntry, run: () => Promise<GenerationResult>): Promise<GenerationResult> {
    try {
      const value = await run();
      entry.requests++;
      entry.lastRequest = value.metrics;
      return value;
    } catch (error) {
      if (error instanceof GenerationAbortedError && error.partial) entry.lastRequest = error.partial.metrics;
      throw error;
    }
  }

  private schedulerFor(entry: RoleEntry): PriorityScheduler {
    if (!entry.remote) return this.scheduler;
    const endpoint = entry.remote.config.endpoint;
    let scheduler = this.remoteSchedulers.get(endpoint);
    if (!scheduler) {
      scheduler = new PriorityScheduler();
      this.remoteSchedulers.set(endpoint, scheduler);
    }
    return scheduler;
  }

  /**
   * Embeds texts, L2-normalised, each cut to the model's context (see `embeddingInfo`). Work is split into
   * batches of about `embeddingBatchTokens` tokens, each scheduled separately, so at `background` priority an
   * interactive request waits for one batch at most.
   */
  async embed(
    texts: readonly string[],
    signal?: AbortSignal,
    priority: RequestPriority = "background",
  ): Promise<Float32Array[]> {
    throwIfAborted(signal);
    const entry = this.entries.embedding;
    const remote = entry.remote;
    if (remote) {
      await remote.ready(signal);
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += remoteEmbeddingBatch) {
        const batch = texts.slice(start, start + remoteEmbeddingBatch);
        const { value } = await this.schedulerFor(entry).run(priority, signal, () =>
          remote.embed(batch, signal),
        );
        vectors.push(...value);
      }
      entry.requests++;
      return vectors;
    }
    const embedding = (await this.runtime("embedding")) as EmbeddingModel;
    const inputs = texts.map((text) => embedding.tokenize(text).slice(0, embedding.maxInputTokens));
    const vectors: Float32Array[] = [];
    for (let start = 0; start < inputs.length; ) {
      let end = start;
      let budget = 0;
      while (
        end < inputs.length &&
        (end === start || budget + inputs[end]!.length <= this.config.embeddingBatchTokens)
      ) {
        budget += inputs[end]!.length;
        end++;
      }
      const batch = inputs.slice(start, end);
      await this.scheduler.run(priority, signal, async () => {
        for (const tokens of batch) {
          throwIfAborted(signal);
          vectors.push(
            tokens.length ? await embedding.embedTokens(tokens) : new Float32Array(embedding.dimensions),
          );
        }
      });
      start = end;
    }
    this.entries.embedding.requests++;
    return vectors;
  }

  async embeddingInfo(): Promise<EmbeddingInfo> {
    const remote = this.entries.embedding.remote;
    if (remote) {
      await remote.ready();
      return {
        dimensions: await remote.embeddingDimensions(),
        maxInputTokens: remoteInputTokens(remote),
        queryPrefix: "",
        documentPrefix: "",
      };
    }
    const embedding = (await this.runtime("embedding")) as EmbeddingModel;
    const entry = this.entries.embedding.resolved?.entry;
    return {
      dimensions: embedding.dimensions,
      maxInputTokens: embedding.maxInputTokens,
      queryPrefix: entry?.queryPrefix ?? "",
      documentPrefix: entry?.documentPrefix ?? "",
    };
  }

  /** Loads the embedding model (or reaches its server) and returns it as an `Embedder`. */
  async embedder(): Promise<Embedder> {
    const remote = this.entries.embedding.remote;
    if (remote) {
      const info = await this.embeddingInfo();
      return {
        // The server's model, not its address: moving the server keeps the vectors, changing the model does not.
        modelId: `${remote.config.provider}:${remote.modelName ?? "default"}`,
        dimension: info.dimensions,
        maxTokens: info.maxInputTokens,
        countTokens: (text) => remote.countTokens(text),
        embed: (texts, signal, priority = "background") => this.embed(texts, signal, priority),
        embedQueries: (texts, signal) => this.embed(texts, signal, "interactive"),
      };
    }
    const embedding = (await this.runtime("embedding")) as EmbeddingModel;
    const info = await this.embeddingInfo();
    const loaded = embedding.loaded;
    const name = loaded.file.id ?? path.basename(loaded.file.path, ".gguf");
    const prefixTokens = info.documentPrefix ? embedding.tokenize(info.documentPrefix).length : 0;
    return {
      modelId: `${name}@${loaded.sizeBytes}-${Math.round(loaded.modifiedMs)}`,
      dimension: info.dimensions,
      maxTokens: info.maxInputTokens - prefixTokens,
      countTokens: (text) => embedding.tokenize(text).length,
      embed: (texts, signal, priority = "background") =>
        this.embed(
          texts.map((text) => info.documentPrefix + text),
          signal,
          priority,
        ),
      embedQueries: (texts, signal) =>
        this.embed(
          texts.map((text) => info.queryPrefix + text),
          signal,
          "interactive",
        ),
    };
  }

  /** Token ids of `text` for a role's model. `special` recognises special-token text such as FIM markers. */
  async tokenize(role: ModelRole, text: string, options: { special?: boolean } = {}): Promise<number[]> {
    this.refuseRemote(role, "token ids");
    return this.modelOf(await this.runtime(role)).tokenize(text, options.special ?? false);
  }

  /** Tokens `text` takes in a role's model, for prompt budgets (special-token text counted as plain text). */
  async countTokens(role: ModelRole, text: string): Promise<number> {
    const remote = this.entries[role].remote;
    if (remote) {
      await remote.ready();
      return remote.countTokens(text);
    }
    return (await this.tokenize(role, text)).length;
  }

  async detokenize(role: ModelRole, tokens: readonly number[]): Promise<string> {
    this.refuseRemote(role, "token ids");
    return this.modelOf(await this.runtime(role)).detokenize(tokens as never, true);
  }

  /** The context size a generation role actually got (configured, clamped to what the model was trained on). */
  async contextSize(role: GenerationRole): Promise<number> {
    const remote = this.entries[role].remote;
    if (remote) {
      await remote.ready();
      return remote.contextSize;
    }
    return (await this.generationModel(role)).contextSize;
  }

  /**
   * The completion model's FIM tokens from its GGUF metadata (for a remote model, from the server's
   * vocabulary where it can tell), or `null` when it has none or cannot say.
   */
  async infillTokens(): Promise<InfillTokens | null> {
    const remote = this.entries.completion.remote;
    if (remote) {
      await remote.ready();
      return remoteInfillTokens(remote.provider);
    }
    const model = (await this.generationModel("completion")).model;
    const { prefix, suffix, middle } = model.tokens.infill;
    if (prefix === null || suffix === null) return null;
    const metadata = model.fileInfo.metadata.tokenizer?.ggml as Record<string, unknown> | undefined;
    const separator =
      typeof metadata?.fim_sep_token_id === "number" ? (metadata.fim_sep_token_id as number) : null;
    const endOfText = model.tokens.eot ?? model.tokens.eos;
    const text = (token: number | null) => (token === null ? null : model.detokenize([token as never], true));
    return {
      order: middle === null ? "spm" : "psm",
      prefix: text(prefix)!,
      suffix: text(suffix)!,
      middle: text(middle),
      endOfText: text(endOfText),
      fileSeparator: text(separator),
      ids: { prefix, suffix, middle, endOfText, fileSeparator: separator },
    };
  }

  /**
   * Makes a fixed prefix (a chat system prompt, a stable completion header) resident in a sequence: already
   * there, loaded from its saved state file, or evaluated once and saved for next time. A later `generate` on
   * the same `sequenceKey` whose prompt starts with the prefix then evaluates only the rest.
   */
  async preparePrefix(
    request: { role: GenerationRole; prefix: Prompt; sequenceKey?: string; priority?: RequestPriority },
    signal?: AbortSignal,
  ): Promise<PrefixPreparation> {
    const started = performance.now();
    this.refuseRemote(request.role, "prefix states (the server keeps its own KV cache)");
    const generation = await this.generationModel(request.role);
    const { tokens } = promptTokens(generation.model, request.prefix, true);
    const loaded = generation.loaded;
    const file = prefixStateFile(
      this.config.stateDirectory,
      {
        modelPath: loaded.file.path,
        modelSizeBytes: loaded.sizeBytes,
        modelModifiedMs: loaded.modifiedMs,
        contextSize: generation.contextSize,
        kvCacheTypes: `${generation.context.kvCacheKeyType}/${generation.context.kvCacheValueType}`,
      },
      tokens,
    );
    const { value } = await this.scheduler.run(request.priority ?? "interactive", signal, async () => {
      const { slot, release } = await generation.acquire(request.sequenceKey ?? request.role, signal);
      try {
        const sequence = slot.sequence;
        const common = sequence.compareContextTokens(tokens).firstDifferentIndex;
        if (common >= tokens.length) return "resident" as const;
        if (existsSync(file)) {
          try {
            await sequence.loadStateFromFile(file, { acceptRisk: true });
            return "stateFile" as const;
          } catch (error) {
            this.logger.warn(`inference: ignoring unreadable KV state ${file}: ${messageOf(error)}`);
            rmSync(file, { force: true });
          }
        }
        if (common < sequence.nextTokenIndex) {
          await sequence.eraseContextTokenRanges([{ start: common, end: sequence.nextTokenIndex }]);
        }
        const rest = tokens.slice(common);
        const step = generation.context.batchSize;
        for (let offset = 0; offset < rest.length; offset += step) {
          throwIfAborted(signal);
          await sequence.evaluateWithoutGeneratingNewTokens(rest.slice(offset, offset + step));
        }
        mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        await sequence.saveStateToFile(temporary);
        renameSync(temporary, file);
        return "evaluated" as const;
      } finally {
        release();
      }
    });
    return {
      source: value,
      tokens: tokens.length,
      ms: Math.round(performance.now() - started),
      stateFile: file,
    };
  }

  /**
   * The tokens every conversation with this system message starts with, as the model's own chat template
   * renders it: the common start of two renders that differ only in the first user message. A chat keeps
   * this prefix resident (`preparePrefix`) and saved as a state file, so its first turn need not evaluate it.
   */
  async chatPrefixTokens(role: GenerationRole, system: ChatMessage): Promise<number[]> {
    this.refuseRemote(role, "chat prefix tokens");
    const model = (await this.generationModel(role)).model;
    const render = (content: string) =>
      promptTokens(model, { messages: [system, { role: "user", content }] }, true).tokens;
    const first = render("a");
    const second = render("b");
    let common = 0;
    while (common < first.length && common < second.length && first[common] === second[common]) common++;
    return first.slice(0, common);
  }

  /** Forgets a sequence's KV cache, so the next request on it starts cold (benchmarks, tests). */
  async clearSequence(role: GenerationRole, sequenceKey: string = role): Promise<void> {
    // A remote server's KV cache is its own business.
    if (this.entries[role].remote) return;
    const generation = await this.generationModel(role);
    const { slot, release } = await generation.acquire(sequenceKey, undefined);
    try {
      await slot.sequence.clearHistory();
    } finally {
      release();
    }
  }

  /** Whether a role can use draft speculation (a draft model is loaded and shares its vocabulary). */
  async hasDraft(role: GenerationRole): Promise<boolean> {
    if (this.entries[role].remote) return false;
    return (await this.generationModel(role)).hasDraft;
  }

  /**
   * A synchronous token counter for a role's model (loading it if needed), for prompt budgets on the
   * keystroke path where awaiting the tokenizer per line would cost more than counting.
   */
  async tokenCounter(role: ModelRole): Promise<(text: string) => number> {
    const remote = this.entries[role].remote;
    if (remote) {
      await remote.ready();
      return (text) => remote.countTokens(text);
    }
    const model = this.modelOf(await this.runtime(role));
    return (text) => model.tokenize(text, false).length;
  }

  /** Whether a role runs on a remote engine (which keeps its own KV cache, so there are no prefix states). */
  isRemote(role: ModelRole): boolean {
    return this.entries[role].config?.remote != null;
  }

  /** What identifies a role's model in caches: its catalog id, else its file path; `null` when none is configured. */
  configuredModelId(role: ModelRole): string | null {
    const entry = this.entries[role];
    if (!entry.config) return null;
    if (entry.config.remote) return entry.config.remote.model ?? entry.config.remote.endpoint;
    return entry.resolved?.id ?? entry.resolved?.path ?? entry.config.model;
  }

  /** The FIM template family the catalog names for the completion model, when it is a catalog model. */
  fimTemplate(): string | null {
    const remote = this.entries.completion.config?.remote;
    if (remote) return remote.fimTemplate;
    return this.entries.completion.resolved?.entry?.fimTemplate ?? null;
  }

  /** Model file size and path per loaded role, for benchmarks (decode ceiling = bytes / bandwidth). */
  loadedModelFile(role: ModelRole): { path: string; sizeBytes: number } | null {
    const runtime = this.entries[role].runtime;
    if (!runtime) return null;
    const loaded = "loaded" in runtime ? runtime.loaded : runtime;
    return { path: loaded.file.path, sizeBytes: loaded.sizeBytes };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(modelRoles.map((role) => this.entries[role].remote?.dispose()));
    const runtimes = await Promise.allSettled(modelRoles.map((role) => this.entries[role].loading));
    for (const outcome of runtimes) {
      const runtime = outcome.status === "fulfilled" ? outcome.value : null;
      if (runtime && "dispose" in runtime) await runtime.dispose().catch(() => {});
    }
    for (const file of this.files.values()) await (await file.catch(() => null))?.model.dispose();
    if (this.backend) await (await this.backend.catch(() => null))?.dispose();
  }

  private refuseRemote(role: ModelRole, what: string): void {
    if (this.entries[role].remote) {
      throw new ModelUnavailableError(
        role,
        `${what} are for local models; this role runs on a remote engine`,
      );
    }
  }

  private modelOf(runtime: RoleRuntime) {
    return "loaded" in runtime ? runtime.loaded.model : runtime.model;
  }

  private async generationModel(role: GenerationRole): Promise<GenerationModel> {
    return (await this.runtime(role)) as GenerationModel;
  }

  private runtime(role: ModelRole): Promise<RoleRuntime> {
    const entry = this.entries[role];
    if (this.disposed)
      return Promise.reject(new ModelUnavailableError(role, "the inference engine was shut down"));
    if (!entry.config) {
      return Promise.reject(
        new ModelUnavailableError(
          role,
          "none configured; choose a catalog id (`hearth models list`) or the path of a local .gguf file",
        ),
      );
    }
    if (entry.runtime) return Promise.resolve(entry.runtime);
    if (entry.loading) return entry.loading;
    // A failed role stays failed (no retry storm on every keystroke) until the missing file appears.
    if (entry.failure && !(entry.failure instanceof ModelLoadError && existsSync(entry.failure.file))) {
      return Promise.reject(entry.failure);
    }
    entry.state = "loading";
    entry.failure = null;
    const loading = this.loadRuntime(entry);
    entry.loading = loading;
    loading.then(
      (runtime) => {
        entry.runtime = runtime;
        entry.state = "ready";
      },
      (error: Error) => {
        entry.loading = null;
        entry.state = "error";
        entry.failure = error;
        this.logger.error(`inference: ${error.message}`);
      },
    );
    return loading;
  }

  private async loadRuntime(entry: RoleEntry): Promise<RoleRuntime> {
    const config = entry.config!;
    const resolved = entry.resolved ?? resolveModelFile(config.model, entry.role, this.config);
    entry.resolved = resolved;
    const backend = await this.openBackend(entry.role, resolved.path);
    const loaded = await this.loadFile(entry.role, resolved, config, backend);
    if (entry.role === "embedding") return EmbeddingModel.create(loaded, config, backend.threads);
    if (entry.role === "draft") return loaded;
    const draft = this.config.roles.draft ? await this.runtime("draft").catch(() => null) : null;
    return GenerationModel.create({
      role: entry.role,
      loaded,
      config: config as GenerationRoleConfig,
      draft: draft as LoadedModelFile | null,
      threads: backend.threads,
      logger: this.logger,
    });
  }

  private loadFile(
    role: ModelRole,
    file: ResolvedModelFile,
    config: RoleModelConfig,
    backend: InferenceBackend,
  ): Promise<LoadedModelFile> {
    // Roles configured with the same file share one copy of the weights.
    let loaded = this.files.get(file.path);
    if (!loaded) {
      loaded = loadModelFile({
        role,
        file,
        gpuLayers: config.gpuLayers,
        contextSize: config.contextSize,
        embedding: role === "embedding",
        backend,
        logger: this.logger,
      });
      this.files.set(file.path, loaded);
      loaded.catch(() => this.files.delete(file.path));
    }
    return loaded;
  }

  private async openBackend(role: ModelRole, file: string): Promise<InferenceBackend> {
    if (!this.backend) {
      this.backendState = { state: "loading", gpu: false, threads: this.config.threads, devices: [] };
      this.backend = openInferenceBackend({
        gpu: this.config.gpu,
        threads: this.config.threads,
        maxThreads: this.config.maxThreads,
        logger: this.logger,
      });
      this.backend.then(
        (backend) => {
          this.backendState = backend.status();
        },
        (error) => {
          this.backendState = { ...this.backendState!, state: "error", error: messageOf(error) };
        },
      );
    }
    try {
      const backend = await this.backend;
      this.backendState = backend.status();
      return backend;
    } catch (error) {
      throw new ModelLoadError(role, file, `no llama.cpp backend loads in this runtime: ${messageOf(error)}`);
    }
  }
}

/** Most tokens (estimated) one remote embedding input should have: the server's context less a margin. */
function remoteInputTokens(remote: RemoteRole): number {
  return Math.max(16, remote.contextSize - 8);
}
