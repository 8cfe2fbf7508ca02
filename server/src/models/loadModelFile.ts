/**
 * Loads one GGUF file with the GPU layer fallback, turning every way it can fail (missing, unreadable, not a
 * GGUF, truncated, rejected by llama.cpp) into a `ModelLoadError` that names the file and says what to do.
 */

import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { LlamaModel } from "node-llama-cpp";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import type { ModelRole } from "./generationTypes";
import { type GpuLayerAttempt, gpuLayerAttempts, loadWithGpuFallback } from "./gpuLayerFallback";
import type { InferenceBackend } from "./inferenceBackend";
import { importLlamaCpp } from "./llamaCppModule";
import { ModelLoadError } from "./modelErrors";
import type { ResolvedModelFile } from "./modelFiles";

export interface LoadedModelFile {
  model: LlamaModel;
  file: ResolvedModelFile;
  sizeBytes: number;
  /** Modification time, part of the fingerprint that keeps saved KV states from loading into another model. */
  modifiedMs: number;
}

export async function loadModelFile(options: {
  role: ModelRole;
  file: ResolvedModelFile;
  gpuLayers: "auto" | number;
  /** The context the role will create, so `fit` leaves VRAM for it. */
  contextSize: number;
  embedding: boolean;
  backend: InferenceBackend;
  logger: Logger;
}): Promise<LoadedModelFile> {
  const { role, file, backend, logger } = options;
  const fail = (detail: string) => new ModelLoadError(role, file.path, detail);

  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file.path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw fail(
      code === "ENOENT" ? `file not found; ${file.remedy}` : `cannot read the file (${messageOf(error)})`,
    );
  }
  if (!stat.isFile()) throw fail(`not a file; ${file.remedy}`);
  const notGguf = describeNonGguf(file.path, stat.size);
  if (notGguf) throw fail(`not a valid GGUF model file (${notGguf}); ${file.remedy}`);

  // Reading the header first gives a clear message for files that are not GGUF at all or were cut short (an
  // interrupted copy or download), before llama.cpp sees them. It also avoids a node-llama-cpp 3.21.1 defect:
  // after llama.cpp rejects a file, disposing the Llama instance never finishes (see InferenceBackend.dispose).
  let layerCount: number;
  try {
    const { readGgufFileInfo } = await importLlamaCpp();
    const info = await readGgufFileInfo(file.path, { readTensorInfo: true, sourceType: "filesystem" });
    const architecture = info.metadata.general.architecture;
    const block = (info.metadata as unknown as Record<string, { block_count?: number } | undefined>)[
      architecture
    ];
    layerCount = block?.block_count ?? 0;
    const needed = tensorDataEnd(info.tensorInfo ?? []);
    if (needed > stat.size) {
      throw fail(
        `the file is incomplete: its tensors need at least ${needed} bytes but it has ${stat.size}; ${file.remedy}`,
      );
    }
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw fail(`not a valid GGUF model file (${messageOf(error)}); ${file.remedy}`);
  }

  await backend.refreshVram();
  const attempts = gpuLayerAttempts(options.gpuLayers, layerCount, backend.llama.gpu !== false);
  const mark = backend.logMark();
  try {
    const outcome = await loadWithGpuFallback(
      attempts,
      (attempt: GpuLayerAttempt) =>
        backend.llama.loadModel({
          modelPath: file.path,
          gpuLayers:
            attempt === "fit"
              ? { fitContext: { contextSize: options.contextSize, embeddingContext: options.embedding } }
              : attempt,
        }),
      (failed, next, error) =>
        logger.warn(
          `inference: ${role} model ${file.path} did not load with ${failed === "fit" ? "all VRAM-fitting" : failed} ` +
            `GPU layers (${messageOf(error)}); trying ${next === 0 ? "the CPU" : `${next} layers`}`,
        ),
    );
    return { model: outcome.value, file, sizeBytes: stat.size, modifiedMs: stat.mtimeMs };
  } catch (error) {
    // llama.cpp's log reaches JavaScript asynchronously, possibly after the failure itself.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const llamaErrors = backend.recentErrors(mark);
    const why = llamaErrors.length ? llamaErrors.join("; ") : messageOf(error);
    throw fail(`llama.cpp could not load it (${why}); the file may be incomplete or corrupt: ${file.remedy}`);
  }
}

/**
 * Why a file is not GGUF, from its first bytes (`undefined` when it starts with the magic). Described in
 * words and hex, never quoted: the bytes could be anything, terminal escapes included.
 */
export function describeNonGguf(path: string, size: number): string | undefined {
  if (size === 0) return "the file is empty";
  const head = Buffer.alloc(Math.min(size, 64));
  try {
    const descriptor = openSync(path, "r");
    try {
      readSync(descriptor, head, 0, head.length, 0);
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`;
  }
  return describeGgufMagic(head);
}

/** Pure part of `describeNonGguf`: the verdict on a file's first bytes. */
export function describeGgufMagic(head: Uint8Array): string | undefined {
  if (head.length < 4) return `the file has only ${head.length} byte(s)`;
  if (Buffer.from(head.subarray(0, 4)).toString("latin1") === "GGUF") return undefined;
  const hex = Array.from(head.subarray(0, 4), (byte) => byte.toString(16).padStart(2, "0")).join(" ");
  const start = `it starts with bytes ${hex}, not the GGUF magic 47 47 55 46`;
  const text = Buffer.from(head).toString("latin1");
  if (text.startsWith("version https://git-lfs")) return `${start} (a Git LFS pointer, not the model itself)`;
  if (/^\s*<(!doctype|html)/i.test(text)) return `${start} (an HTML page, perhaps a download error page)`;
  if (head.every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127))) {
    return `${start} (it is text)`;
  }
  return start;
}

/** (elements per block, bytes per block) of the ggml tensor types GGUF models commonly use. */
const ggmlTypeSizes: Record<number, [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  30: [1, 2], // BF16
};

/** A lower bound on the file size the tensors need: the end of the last tensor (1 byte when its type is unknown). */
export function tensorDataEnd(
  tensors: readonly {
    fileOffset: number | bigint;
    dimensions: readonly (number | bigint)[];
    ggmlType: number;
  }[],
): number {
  let end = 0;
  for (const tensor of tensors) {
    const elements = tensor.dimensions.reduce<number>((product, dimension) => product * Number(dimension), 1);
    const size = ggmlTypeSizes[tensor.ggmlType];
    const bytes = size ? Math.ceil(elements / size[0]) * size[1] : 1;
    end = Math.max(end, Number(tensor.fileOffset) + bytes);
  }
  return end;
}
