/**
 * Chooses how many layers to offload to the GPU and falls back when a model does not fit: first what free VRAM
 * allows (node-llama-cpp's estimate, leaving room for the context), then half and a quarter of the layers, then
 * the CPU. VRAM estimates are approximate and other programs allocate concurrently, so the first try can fail.
 */

/** `fit`: as many layers as free VRAM holds after reserving the context; a number: exactly that many. */
export type GpuLayerAttempt = "fit" | number;

export function gpuLayerAttempts(
  requested: "auto" | number,
  layerCount: number,
  gpu: boolean,
): GpuLayerAttempt[] {
  if (!gpu || requested === 0) return [0];
  const first: GpuLayerAttempt = requested === "auto" ? "fit" : Math.min(requested, layerCount);
  const attempts: GpuLayerAttempt[] = [first];
  for (const share of [2, 4]) {
    const layers = Math.floor(layerCount / share);
    if (layers > 0 && (first === "fit" || layers < first) && !attempts.includes(layers))
      attempts.push(layers);
  }
  attempts.push(0);
  return attempts;
}

export interface FallbackOutcome<T> {
  value: T;
  attempt: GpuLayerAttempt;
  /** The errors of the attempts that failed before, in order. */
  failures: { attempt: GpuLayerAttempt; error: unknown }[];
}

/** Tries each attempt in turn; rethrows the last error when even the CPU fails. */
export async function loadWithGpuFallback<T>(
  attempts: readonly GpuLayerAttempt[],
  load: (attempt: GpuLayerAttempt) => Promise<T>,
  onFallback?: (failed: GpuLayerAttempt, next: GpuLayerAttempt, error: unknown) => void,
): Promise<FallbackOutcome<T>> {
  const failures: FallbackOutcome<T>["failures"] = [];
  for (const [index, attempt] of attempts.entries()) {
    try {
      return { value: await load(attempt), attempt, failures };
    } catch (error) {
      failures.push({ attempt, error });
      const next = attempts[index + 1];
      if (next === undefined) throw error;
      onFallback?.(attempt, next, error);
    }
  }
  throw new Error("no GPU layer attempts given");
}
