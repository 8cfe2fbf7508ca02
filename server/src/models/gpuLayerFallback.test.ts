/**
 * GPU layer selection and fallback. This machine has no GPU, so the loader here is a mock that fails the way a
 * GPU out of memory does; the real loader is exercised on the CPU by the engine tests.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { type GpuLayerAttempt, gpuLayerAttempts, loadWithGpuFallback } from "./gpuLayerFallback";

test("on the CPU there is one attempt: no layers offloaded", () => {
  assert.deepEqual(gpuLayerAttempts("auto", 28, false), [0]);
  assert.deepEqual(gpuLayerAttempts(20, 28, false), [0]);
});

test("with a GPU: fit to free VRAM, then half, a quarter, then the CPU", () => {
  assert.deepEqual(gpuLayerAttempts("auto", 28, true), ["fit", 14, 7, 0]);
  assert.deepEqual(gpuLayerAttempts(10, 28, true), [10, 7, 0]);
  assert.deepEqual(gpuLayerAttempts(99, 28, true), [28, 14, 7, 0]);
  assert.deepEqual(gpuLayerAttempts("auto", 1, true), ["fit", 0]);
  assert.deepEqual(gpuLayerAttempts(0, 28, true), [0]);
});

test("a model that does not fit falls back until it loads (mocked GPU with room for 8 layers)", async () => {
  const tried: GpuLayerAttempt[] = [];
  const fallbacks: string[] = [];
  const outcome = await loadWithGpuFallback(
    gpuLayerAttempts("auto", 28, true),
    async (attempt) => {
      tried.push(attempt);
      // The VRAM estimate was optimistic: "fit" asked for too much, as can happen when another program allocates.
      if (attempt === "fit" || attempt > 8) throw new Error("cudaMalloc failed: out of memory");
      return `loaded with ${attempt}`;
    },
    (failed, next) => fallbacks.push(`${failed}->${next}`),
  );
  assert.equal(outcome.value, "loaded with 7");
  assert.equal(outcome.attempt, 7);
  assert.deepEqual(tried, ["fit", 14, 7]);
  assert.deepEqual(fallbacks, ["fit->14", "14->7"]);
  assert.equal(outcome.failures.length, 2);
});

test("when even the CPU fails, the last error is thrown", async () => {
  await assert.rejects(
    loadWithGpuFallback(["fit", 0], async (attempt) => {
      throw new Error(`failed at ${attempt}`);
    }),
    /failed at 0/,
  );
});
