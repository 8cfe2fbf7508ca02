/**
 * `hearth/status`: what the server reports about itself and each capability, for the status bar,
 * `hearth status` and tests. Each capability contributes its own part.
 */

import { defineRequest0 } from "./descriptors";

/** `hearth/status`: a snapshot of the server's state, for the status bar, `hearth status` and tests. */
export const statusRequest = defineRequest0<HearthStatus>("hearth/status");

export interface HearthStatus {
  version: string;
  server: ServerProcessStatus;
  /** Native modules the server needs, and whether they loaded in this runtime. */
  nativeModules: NativeModuleStatus[];
  /** The inference backend (GPU kind, threads); `null` until an engine has been asked for. */
  backend: BackendStatus | null;
  /** One entry per configured model role; `null` until the inference engine exists. */
  models: ModelStatus[] | null;
  /** One entry per indexed workspace folder. */
  indexes: IndexStatus[];
  /** Inline completion counters since the server started; `null` before the core starts. */
  completion: CompletionStatus | null;
  /** What each guard did since the server started; absent before the core starts. */
  guardrails?: GuardrailsStatus;
}

/** Per guard (`secrets`, `injection`, `toolApproval`, ...): what it withheld, masked and marked. */
export type GuardrailsStatus = Record<string, { blocks: number; redactions: number; flags: number }>;

export interface ServerProcessStatus {
  pid: number;
  node: string;
  /** `process.versions.modules`: the ABI that native modules must have been built for. */
  nodeAbi: string;
  platform: string;
  arch: string;
  startedAt: string;
  uptimeMs: number;
}

export interface NativeModuleStatus {
  name: string;
  ok: boolean;
  error?: string;
}

export interface BackendStatus {
  /** `idle` until a model is first needed; `error` when no llama.cpp binary loads. */
  state?: "idle" | "loading" | "ready" | "error";
  /** `false` when running on the CPU. */
  gpu: string | false;
  threads: number;
  devices: string[];
  vramTotalBytes?: number;
  vramFreeBytes?: number;
  /** The llama.cpp release the binary was built from. */
  llamaCpp?: string;
  error?: string;
}

export type ModelRole = "completion" | "draft" | "chat" | "embedding";

export interface ModelStatus {
  role: ModelRole;
  id: string | null;
  path: string | null;
  /**
   * `absent`: no model configured for the role, or configured and not loaded yet (`configured` says which);
   * `error`: the file is missing or does not load (`error` names the file and the fix).
   */
  state: "absent" | "loading" | "ready" | "error";
  error?: string;
  configured?: boolean;
  sizeBytes?: number;
  /** Layers offloaded to the GPU (0 on the CPU). */
  gpuLayers?: number;
  contextSize?: number;
  /** Requests served since the model loaded. */
  requests?: number;
  /** The figures of the most recent request on this role. */
  lastRequest?: GenerationMetrics;
  /** Set when the role runs on a remote engine (`hearth.models.<role>` is an address). */
  remote?: RemoteEngineStatus;
}

export interface RemoteEngineStatus {
  endpoint: string;
  provider: "llama-server" | "openai-compatible" | "ollama";
  /** The model the server reported, else the configured name. */
  model: string | null;
  /** `null` until the server was first contacted. */
  reachable: boolean | null;
  /** Round trip of the last successful check, in milliseconds. */
  latencyMs: number | null;
  checkedAt: string | null;
  /** The API route of the last generation (`/infill`, `/v1/completions`, ...). */
  route: string | null;
  error?: string;
}

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

export interface IndexStatus {
  root: string;
  state: "starting" | "idle" | "indexing" | "error";
  files: number;
  chunks: number;
  /** Chunk contents that have a vector; less than `chunks` while embedding runs or without a model. */
  embeddedChunks: number;
  embeddingModel: string | null;
  databasePath: string;
  /** Saved or changed files waiting for their update (at most about a second while saves keep coming). */
  queuedFiles: number;
  /** Files in the update the index host is working on now. `state` is `indexing` while either is above 0. */
  updatingFiles: number;
  lastPass?: { seconds: number; changedFiles: number; embeddedChunks: number; finishedAt: string };
  /** The last fault the index recovered from on its own: a damaged database rebuilt, a dead index host restarted. */
  lastRecovery?: { at: string; message: string };
  error?: string;
}

export interface CompletionStatus {
  requests: number;
  /** Answered from the typed-ahead cache, without a model call. */
  cacheAnswers: number;
  /** Answered by joining a generation already running for a shorter prefix. */
  inFlightAnswers: number;
  modelCalls: number;
  /** Requests made stale by a newer keystroke, during the debounce or the generation. */
  supersededRequests: number;
  /** Generations stopped part-way because their request (or prefetch) went stale. */
  cancelledGenerations: number;
  /** Background generations for where the user is likely to be next (after an answer, or a cursor move). */
  prefetches: number;
  /** Keystroke generations started before typing paused, at background priority. */
  earlyStarts: number;
  /** Early starts still running when typing paused, raised to interactive then. */
  promotions: number;
  /** Prompt tokens of every generation, prefetches included, and how many came from the KV cache. */
  promptTokens: number;
  reusedPromptTokens: number;
  /** The same for generations a keystroke waited for (prefetches left out). */
  requestPromptTokens: number;
  requestReusedPromptTokens: number;
}
