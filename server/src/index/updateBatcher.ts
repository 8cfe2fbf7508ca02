/**
 * Batches file events (saves, watcher changes) into index updates: a batch goes once events stop for
 * `quietMs`, but never later than `maxWaitMs` after its first event, so a steady stream of saves is still
 * indexed about once a second instead of when the stream ends. One update runs at a time; events that arrive
 * meanwhile wait for the next one. It counts the files waiting and the files being updated, for status.
 */

export interface UpdateBatcherConfig {
  /** Events closer together than this are indexed together. */
  quietMs: number;
  /** The longest an event waits for its batch to start. */
  maxWaitMs: number;
}

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class UpdateBatcher {
  private readonly waiting = new Set<string>();
  private firstWaitingAt: number | undefined;
  private updating = 0;
  private running = false;
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly config: UpdateBatcherConfig,
    /** Indexes one batch; never rejects (it handles its own failures, re-adding paths when they should be retried). */
    private readonly update: (paths: string[]) => Promise<void>,
    private readonly timers: Timers = realTimers,
  ) {}

  add(paths: readonly string[]): void {
    if (this.disposed || paths.length === 0) return;
    for (const path of paths) this.waiting.add(path);
    this.firstWaitingAt ??= this.timers.now();
    this.schedule();
  }

  /** Files waiting for their batch to start. */
  get waitingFiles(): number {
    return this.waiting.size;
  }

  /** Files in the batch being indexed now. */
  get updatingFiles(): number {
    return this.updating;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.waiting.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    // A running batch reschedules when it ends.
    if (this.running || this.waiting.size === 0) return;
    const now = this.timers.now();
    const due = Math.min(now + this.config.quietMs, this.firstWaitingAt! + this.config.maxWaitMs);
    this.timer = this.timers.setTimeout(() => void this.flush(), Math.max(0, due - now));
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.disposed || this.waiting.size === 0) return;
    const paths = [...this.waiting];
    this.waiting.clear();
    this.firstWaitingAt = undefined;
    this.running = true;
    this.updating = paths.length;
    try {
      await this.update(paths);
    } finally {
      this.running = false;
      this.updating = 0;
      this.schedule();
    }
  }
}
