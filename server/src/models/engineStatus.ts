/**
 * What the engine reports about itself: the inference backend and each role's model. The language server
 * turns these into `hearth/status`'s wire types; the engine never sees the protocol.
 */

import type { GenerationMetrics, ModelRole } from "./generationTypes";
import type { RemoteStatus } from "./remote/remoteConfig";

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
  /** Set when the role runs on a remote engine: where, how, and whether it answers. */
  remote?: RemoteStatus;
}
