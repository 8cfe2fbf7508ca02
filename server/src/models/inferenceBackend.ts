/**
 * Loads llama.cpp through node-llama-cpp: the GPU build (CUDA, Vulkan or Metal) where one works, else the CPU
 * build. It never compiles (`build: "never"`): a missing binary is reported, not built at run time.
 *
 * One Llama instance per process and GPU choice, shared by every engine: llama.cpp's log callback is global to
 * the native addon (the last Llama created would receive every engine's log), and loading the binary costs
 * about half a second. llama.cpp's log goes to each engine's logger (never stdout, which carries JSON-RPC), and
 * recent errors are kept so that a failed load can say what llama.cpp complained about.
 */

import type { Llama, LlamaLogLevel } from "node-llama-cpp";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import type { BackendStatus } from "./engineStatus";
import { importLlamaCpp } from "./llamaCppModule";
import type { GpuChoice } from "./modelsConfig";

export interface InferenceBackend {
  readonly llama: Llama;
  readonly threads: number;
  status(): BackendStatus;
  /** Re-reads free VRAM (for status and for choosing GPU layers). */
  refreshVram(): Promise<void>;
  /** llama.cpp errors logged since `mark`, oldest first; used to explain a failed load. */
  recentErrors(mark: number): string[];
  logMark(): number;
  /**
   * Releases this engine's use. The loaded binary stays for the process, for the next engine: a Llama created
   * after another was disposed lets llama.cpp's log through to stdout (measured: a second engine's embeddings
   * printed "init: embeddings required..." there), and stdout carries JSON-RPC and `--json` output. Models and
   * contexts are freed by their engines.
   */
  dispose(): Promise<void>;
}

interface SharedLlama {
  llama: Llama;
  devices: string[];
  vram: { total: number; free: number };
  errors: { at: number; message: string }[];
  counter: number;
  loggers: Set<Logger>;
}

const shared = new Map<string, Promise<SharedLlama>>();

export async function openInferenceBackend(options: {
  gpu: GpuChoice;
  threads: number;
  maxThreads: number;
  logger: Logger;
}): Promise<InferenceBackend> {
  const key = String(options.gpu);
  let opening = shared.get(key);
  if (!opening) {
    opening = openShared(options.gpu, options.logger);
    shared.set(key, opening);
    opening.catch(() => shared.delete(key));
  }
  const state = await opening;
  state.loggers.add(options.logger);
  // The instance-wide cap on concurrent threads: the largest any engine asked for.
  const cap = Math.max(options.maxThreads, options.threads);
  if (state.llama.maxThreads < cap) state.llama.maxThreads = cap;
  let released = false;
  const backend: InferenceBackend = {
    llama: state.llama,
    threads: options.threads,
    status: () => ({
      state: "ready",
      gpu: state.llama.gpu,
      threads: options.threads,
      devices: state.devices,
      ...(state.llama.gpu === false
        ? {}
        : { vramTotalBytes: state.vram.total, vramFreeBytes: state.vram.free }),
      llamaCpp: state.llama.llamaCppRelease.release,
    }),
    refreshVram: async () => {
      if (state.llama.gpu === false) return;
      const vram = await state.llama.getVramState();
      state.vram = { total: vram.total, free: vram.free };
    },
    recentErrors: (mark) => state.errors.filter((entry) => entry.at > mark).map((entry) => entry.message),
    logMark: () => state.counter,
    dispose: async () => {
      if (released) return;
      released = true;
      state.loggers.delete(options.logger);
    },
  };
  await backend.refreshVram();
  options.logger.info(
    `inference: llama.cpp ${state.llama.llamaCppRelease.release} on ${state.llama.gpu || "cpu"}` +
      `${state.devices.length ? ` (${state.devices.join(", ")})` : ""}, ${options.threads} threads`,
  );
  return backend;
}

async function openShared(gpu: GpuChoice, logger: Logger): Promise<SharedLlama> {
  const { getLlama, LlamaLogLevel } = await importLlamaCpp();
  // One object, filled in once the binary loads: the log callback below holds on to it.
  const state = {
    llama: null as unknown as Llama,
    devices: [] as string[],
    vram: { total: 0, free: 0 },
    errors: [] as { at: number; message: string }[],
    counter: 0,
    loggers: new Set<Logger>(),
  };
  const llamaLogger = (level: LlamaLogLevel, message: string) => {
    const text = message.trim();
    if (!text) return;
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
      state.errors.push({ at: ++state.counter, message: text });
      if (state.errors.length > 20) state.errors.shift();
      for (const sink of state.loggers) sink.warn(`llama.cpp: ${text}`);
    } else if (level === LlamaLogLevel.warn) {
      for (const sink of state.loggers) sink.debug(`llama.cpp: ${text}`);
    }
  };
  const open = (choice: GpuChoice) =>
    getLlama({
      gpu: choice,
      build: "never",
      skipDownload: true,
      progressLogs: false,
      // Raised per engine to its `maxThreads`; node-llama-cpp's own default (4 on 2 cores) is the 500x trap.
      maxThreads: 1,
      logLevel: LlamaLogLevel.warn,
      logger: llamaLogger,
    });
  let llama: Llama;
  try {
    llama = await open(gpu);
  } catch (error) {
    if (gpu === false) throw error;
    logger.warn(`inference: no ${gpu} GPU build loads (${messageOf(error)}); using the CPU`);
    llama = await open(false);
  }
  state.llama = llama;
  state.devices = llama.gpu === false ? [] : await llama.getGpuDeviceNames().catch(() => []);
  return state as SharedLlama;
}
