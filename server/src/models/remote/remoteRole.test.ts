/** Tests for the pure helpers of remote generation: stop strings, held-back tails, retries, slots, estimates. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { slotFor } from "./llamaServerProvider";
import { withRetries } from "./remoteRetry";
import {
  calibratedBytesPerToken,
  calibrationSample,
  estimateRemoteTokens,
  firstStop,
  withoutPartialStop,
} from "./remoteRole";

test("the earliest stop string wins", () => {
  assert.equal(firstStop("abc\n\ndef<|endoftext|>", ["<|endoftext|>", "\n\n"]), 3);
  assert.equal(firstStop("abc", ["x", ""]), null);
});

test("a tail that could still become a stop string is held back from the hook", () => {
  assert.equal(withoutPartialStop("return a<|end", ["<|endoftext|>"]), "return a");
  assert.equal(withoutPartialStop("return a\n", ["\n\n"]), "return a");
  assert.equal(withoutPartialStop("return a", ["\n\n", "</s>"]), "return a");
});

test("transient failures are retried with growing waits; others fail at once", async () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  let calls = 0;
  const value = await withRetries(
    async () => {
      if (++calls < 3) throw new Error("flaky");
      return "ok";
    },
    { attempts: 3, baseDelayMs: 100, retryable: () => true, sleep },
  );
  assert.equal(value, "ok");
  assert.equal(waits.length, 2);
  assert.ok(waits[0]! >= 100 && waits[0]! <= 150 && waits[1]! >= 200 && waits[1]! <= 300, String(waits));

  let refused = 0;
  await assert.rejects(
    withRetries(
      async () => {
        refused++;
        throw new Error("400");
      },
      { attempts: 3, baseDelayMs: 1, retryable: () => false, sleep },
    ),
    /400/,
  );
  assert.equal(refused, 1);

  const controller = new AbortController();
  controller.abort();
  let cancelled = 0;
  await assert.rejects(
    withRetries(
      async () => {
        cancelled++;
        throw new Error("down");
      },
      { attempts: 5, baseDelayMs: 1, retryable: () => true, sleep, signal: controller.signal },
    ),
  );
  assert.equal(cancelled, 1);
});

test("a cache key always lands in the same slot, and keys spread over slots", () => {
  assert.equal(slotFor("completion", 4), slotFor("completion", 4));
  const slots = new Set(Array.from({ length: 32 }, (_, index) => slotFor(`user-${index}`, 4)));
  assert.equal(slots.size, 4);
});

test("remote token estimates are about three bytes a token until the server's tokenizer says otherwise", () => {
  assert.equal(estimateRemoteTokens("abcdef"), 2);
  assert.equal(estimateRemoteTokens("é"), 1);
  assert.equal(estimateRemoteTokens(""), 0);
  assert.equal(estimateRemoteTokens("abcdef", 1), 6);
  const sampleBytes = Buffer.byteLength(calibrationSample, "utf8");
  assert.equal(calibratedBytesPerToken(sampleBytes), 1, "a character-level tokenizer");
  assert.equal(calibratedBytesPerToken(sampleBytes / 3.5), 3.5, "a code BPE");
  assert.equal(calibratedBytesPerToken(sampleBytes * 2), 1, "at least one byte a token");
  assert.equal(calibratedBytesPerToken(1), 4, "at most four");
  assert.equal(calibratedBytesPerToken(0), 3, "no answer: the default");
});
