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
 *
 * A task may be given a `PriorityLane` instead of a fixed class: its owner can raise it while the task waits
 * or runs. A keystroke's completion starts at once at background priority, while the user may still be
 * typing, and is raised to interactive when the typing pauses: it then overtakes everything, as if it had
 * been interactive from the start.
 */

import type { RaisablePriority, RequestPriority } from "./generationTypes";
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

const rank: Record<RequestPriority, number> = { background: 0, user: 1, interactive: 2 };

/** A priority its owner can raise (never lower) while the work it was given to waits or runs. */
export class PriorityLane implements RaisablePriority {
  private current: RequestPriority;
  private readonly listeners = new Set<() => void>();

  constructor(initial: RequestPriority) {
    this.current = initial;
  }

  get priority(): RequestPriority {
    return this.current;
  }

  /** Raises the lane to `priority`; a lower or equal one changes nothing. */
  raise(priority: RequestPriority): void {
    if (rank[priority] <= rank[this.current]) return;
    this.current = priority;
    for (const listener of [...this.listeners]) listener();
  }

  onRaise(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
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
    priority: RequestPriority | RaisablePriority,
    signal: AbortSignal | undefined,
    task: (control: TaskControl) => Promise<T>,
  ): Promise<ScheduledResult<T>> {
    const lane: RaisablePriority = typeof priority === "string" ? new PriorityLane(priority) : priority;
    /** The class this task is counted in while it runs (`null` while it waits). */
    let runningAs: RequestPriority | null = null;
    let queuedMs = 0;
    const admitted = async (atFront: boolean) => {
      const started = performance.now();
      runningAs = await this.admit(lane, signal, atFront);
      queuedMs += performance.now() - started;
    };
    // A running task raised moves to its new class at once: lower work now gives way to it.
    const stopListening = lane.onRaise(() => {
      if (runningAs === null) return;
      this.running[runningAs]--;
      runningAs = lane.priority;
      this.running[runningAs]++;
      this.pump();
    });
    try {
      await admitted(false);
      const control: TaskControl = {
        yieldToHigherPriority: async () => {
          if (runningAs === null || !this.higherWaiting(runningAs)) return;
          this.running[runningAs]--;
          runningAs = null;
          this.pump();
          // Back at the head of its class: a task that gave way resumes before newer work of its class.
          await admitted(true);
        },
      };
      return { value: await task(control), queuedMs };
    } finally {
      stopListening();
      if (runningAs !== null) {
        this.running[runningAs]--;
        this.pump();
      }
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

  /** Resolves with the class the task runs in once it may run. */
  private admit(
    lane: RaisablePriority,
    signal: AbortSignal | undefined,
    atFront: boolean,
  ): Promise<RequestPriority> {
    if (signal?.aborted) return Promise.reject(new GenerationAbortedError(null));
    const priority = lane.priority;
    if (this.waiting[priority].length === 0 && this.canStart(priority)) {
      this.running[priority]++;
      return Promise.resolve(priority);
    }
    return new Promise<RequestPriority>((resolve, reject) => {
      let queue = this.waiting[priority];
      const leave = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        signal?.removeEventListener("abort", onAbort);
        stopListening();
      };
      const waiter: Waiter = {
        admit: () => {
          leave();
          this.running[lane.priority]++;
          resolve(lane.priority);
        },
      };
      const onAbort = () => {
        leave();
        reject(new GenerationAbortedError(null));
        this.pump();
      };
      // Raised while waiting: it joins the back of its new class, ahead of every lower one.
      const stopListening = lane.onRaise(() => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        queue = this.waiting[lane.priority];
        queue.push(waiter);
        this.pump();
      });
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
