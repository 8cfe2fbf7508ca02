/**
 * Retries for idempotent remote calls (embeddings): a few attempts with exponential backoff and jitter, only
 * for failures that may pass (the server restarting, a dropped connection), never after cancellation.
 */

export interface RetryOptions {
  attempts: number;
  /** The wait before the second attempt; each later wait doubles, plus up to half again at random. */
  baseDelayMs: number;
  signal?: AbortSignal | undefined;
  retryable: (error: unknown) => boolean;
  /** Tests pass a fake; default a timer that an abort ends early. */
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
}

export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? delay;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted || !options.retryable(error)) throw error;
      const wait = options.baseDelayMs * 2 ** (attempt - 1);
      await sleep(wait + Math.random() * wait * 0.5, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

function delay(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
