/**
 * Orders model work in two classes. Interactive requests (completion, chat) never wait for each other here
 * (they use different sequences, and a newer keystroke cancels the older one), and they wait for background
 * work (embedding, evals) for at most the one batch that is running. Background work runs one batch at a time,
 * only while no interactive request runs or waits, and a long background task gives way between its steps.
 */

import type { RequestPriority } from "./generationTypes";
import { GenerationAbortedError } from "./modelErrors";

export interface TaskControl {
  /**
   * For background tasks, call between steps (tokens, batches): resolves at once unless an interactive request
   * is waiting, in which case it gives the machine to it and resolves when it may continue. No-op for
   * interactive tasks.
   */
  yieldToInteractive(): Promise<void>;
}

export interface ScheduledResult<T> {
  value: T;
  /** Time spent waiting to start, plus any time given away to interactive work. */
  queuedMs: number;
}

interface Waiter {
  admit(): void;
}

export class PriorityScheduler {
  private interactiveRunning = 0;
  private readonly interactiveWaiting: Waiter[] = [];
  private backgroundRunning = false;
  private readonly backgroundWaiting: Waiter[] = [];

  /** Counts for status and tests. */
  get state(): {
    interactiveRunning: number;
    interactiveWaiting: number;
    backgroundRunning: boolean;
    backgroundWaiting: number;
  } {
    return {
      interactiveRunning: this.interactiveRunning,
      interactiveWaiting: this.interactiveWaiting.length,
      backgroundRunning: this.backgroundRunning,
      backgroundWaiting: this.backgroundWaiting.length,
    };
  }

  async run<T>(
    priority: RequestPriority,
    signal: AbortSignal | undefined,
    task: (control: TaskControl) => Promise<T>,
  ): Promise<ScheduledResult<T>> {
    let queuedMs = 0;
    const waitedFor = async (admission: Promise<void>) => {
      const started = performance.now();
      await admission;
      queuedMs += performance.now() - started;
    };
    if (priority === "interactive") {
      await waitedFor(this.admitInteractive(signal));
      try {
        return { value: await task({ yieldToInteractive: async () => {} }), queuedMs };
      } finally {
        this.interactiveRunning--;
        this.pump();
      }
    }
    await waitedFor(this.admitBackground(signal, false));
    try {
      const control: TaskControl = {
        yieldToInteractive: async () => {
          if (this.interactiveWaiting.length === 0) return;
          this.backgroundRunning = false;
          this.pump();
          // Back at the head of the queue: a yielded task resumes before newer background work.
          await waitedFor(this.admitBackground(signal, true));
        },
      };
      return { value: await task(control), queuedMs };
    } finally {
      this.backgroundRunning = false;
      this.pump();
    }
  }

  private admitInteractive(signal: AbortSignal | undefined): Promise<void> {
    if (!this.backgroundRunning && this.interactiveWaiting.length === 0) {
      this.interactiveRunning++;
      return Promise.resolve();
    }
    return this.enqueue(this.interactiveWaiting, signal, () => this.interactiveRunning++, false);
  }

  private admitBackground(signal: AbortSignal | undefined, atFront: boolean): Promise<void> {
    if (this.canStartBackground() && this.backgroundWaiting.length === 0) {
      this.backgroundRunning = true;
      return Promise.resolve();
    }
    return this.enqueue(
      this.backgroundWaiting,
      signal,
      () => {
        this.backgroundRunning = true;
      },
      atFront,
    );
  }

  private enqueue(
    queue: Waiter[],
    signal: AbortSignal | undefined,
    onAdmit: () => void,
    atFront: boolean,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new GenerationAbortedError(null));
        return;
      }
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener("abort", onAbort);
          onAdmit();
          resolve();
        },
      };
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(new GenerationAbortedError(null));
        this.pump();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (atFront) queue.unshift(waiter);
      else queue.push(waiter);
    });
  }

  private canStartBackground(): boolean {
    return !this.backgroundRunning && this.interactiveRunning === 0 && this.interactiveWaiting.length === 0;
  }

  private pump(): void {
    if (!this.backgroundRunning) {
      // All waiting interactive requests start together: they do not wait for each other.
      for (const waiter of this.interactiveWaiting.splice(0)) waiter.admit();
    }
    if (this.canStartBackground()) this.backgroundWaiting.shift()?.admit();
  }
}
