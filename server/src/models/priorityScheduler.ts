/**
 * Orders model work in three classes:
 * - `interactive`: keystroke completions. They never wait for each other (they use different sequences, and a
 *   newer keystroke cancels the older one), and they wait for other work only until its next step ends.
 * - `user`: work the user is watching, such as a chat answer or a review. User tasks run side by side, start
 *   only when no keystroke is running or waiting, and give way to one between tokens.
 * - `background`: prefetches, index embeddings, evals. One at a time, only while nothing above runs or
 *   waits, giving way between steps (tokens, batches).
 *
 * So a keystroke's completion waits at most one step (one decoded token, one embedding batch) of anything
 * else, and a chat answer at most one step of background work.
 */

import type { RequestPriority } from "./generationTypes";
import { GenerationAbortedError } from "./modelErrors";

export interface TaskControl {
  /**
   * Call between steps (tokens, batches): resolves at once unless work of a higher class is waiting, in which
   * case the task gives the machine to it and resolves when it may continue. No-op for interactive tasks.
   */
  yieldToHigherPriority(): Promise<void>;
}

export interface ScheduledResult<T> {
  value: T;
  /** Time spent waiting to start, plus any time given away to higher-priority work. */
  queuedMs: number;
}

interface Waiter {
  admit(): void;
}

type Queue = Waiter[];

export class PriorityScheduler {
  private readonly running: Record<RequestPriority, number> = { interactive: 0, user: 0, background: 0 };
  private readonly waiting: Record<RequestPriority, Queue> = { interactive: [], user: [], background: [] };

  /** Counts for status and tests. */
  get state(): { running: Record<RequestPriority, number>; waiting: Record<RequestPriority, number> } {
    return {
      running: { ...this.running },
      waiting: {
        interactive: this.waiting.interactive.length,
        user: this.waiting.user.length,
        background: this.waiting.background.length,
      },
    };
  }

  async run<T>(
    priority: RequestPriority,
    signal: AbortSignal | undefined,
    task: (control: TaskControl) => Promise<T>,
  ): Promise<ScheduledResult<T>> {
    let queuedMs = 0;
    const admitted = async (atFront: boolean) => {
      const started = performance.now();
      await this.admit(priority, signal, atFront);
      queuedMs += performance.now() - started;
    };
    await admitted(false);
    const control: TaskControl = {
      yieldToHigherPriority: async () => {
        if (!this.higherWaiting(priority)) return;
        this.running[priority]--;
        this.pump();
        // Back at the head of its class: a task that gave way resumes before newer work of its class.
        await admitted(true);
      },
    };
    try {
      return { value: await task(control), queuedMs };
    } finally {
      this.running[priority]--;
      this.pump();
    }
  }

  private higherWaiting(priority: RequestPriority): boolean {
    if (priority === "interactive") return false;
    if (this.waiting.interactive.length > 0) return true;
    return priority === "background" && this.waiting.user.length > 0;
  }

  private canStart(priority: RequestPriority): boolean {
    const { running, waiting } = this;
    switch (priority) {
      case "interactive":
        return running.user === 0 && running.background === 0;
      case "user":
        return running.interactive === 0 && waiting.interactive.length === 0 && running.background === 0;
      case "background":
        return (
          running.interactive === 0 &&
          running.user === 0 &&
          running.background === 0 &&
          waiting.interactive.length === 0 &&
          waiting.user.length === 0
        );
    }
  }

  private admit(priority: RequestPriority, signal: AbortSignal | undefined, atFront: boolean): Promise<void> {
    const queue = this.waiting[priority];
    if (signal?.aborted) return Promise.reject(new GenerationAbortedError(null));
    if (queue.length === 0 && this.canStart(priority)) {
      this.running[priority]++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener("abort", onAbort);
          this.running[priority]++;
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

  private pump(): void {
    // Interactive and user requests start together within their class; background work one at a time.
    if (this.canStart("interactive")) for (const waiter of this.waiting.interactive.splice(0)) waiter.admit();
    if (this.canStart("user")) for (const waiter of this.waiting.user.splice(0)) waiter.admit();
    if (this.canStart("background")) this.waiting.background.shift()?.admit();
  }
}
