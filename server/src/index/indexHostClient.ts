/**
 * The language server's handle on its index host (see indexHost.ts): starts the child process at a lower
 * CPU priority, sends it jobs, relays progress and the index's totals, and restarts it if it dies (at most
 * `maxRestarts` times within `restartWindowMs`, then it stays down with an error). Jobs the dead host was
 * running fail with `IndexHostCrashError`, saying whether a new host is starting, so their owner can run them
 * again: a pass resumes where it stopped, since every file already written stays written.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { setPriority } from "node:os";
import type { Logger } from "../base/logger";
import type { IndexTotals } from "../store/indexWriter";
import type { IndexHostReply, IndexHostRequest, IndexHostSetup } from "./indexHostProtocol";
import type { IndexProgress, IndexRunStats } from "./indexRunner";

export class IndexHostError extends Error {
  override name = "IndexHostError";
}

/** The host process died while a job was running. */
export class IndexHostCrashError extends IndexHostError {
  override name = "IndexHostCrashError";

  constructor(
    message: string,
    /** A new host is starting; the job can be sent again. */
    readonly restarting: boolean,
  ) {
    super(message);
  }
}

/** What the host reports besides answers to jobs. */
export type IndexHostEvent =
  | { kind: "totals"; totals: IndexTotals }
  /** The database was damaged: moved aside and started anew. */
  | { kind: "rebuilt"; movedTo: string; reason: string }
  /** The host died and a new one is starting. */
  | { kind: "restarted"; reason: string };

interface Pending {
  resolve(reply: IndexHostReply): void;
  reject(error: Error): void;
  onProgress?: (progress: IndexProgress) => void;
}

type JobRequest =
  | { kind: "fullPass" }
  | { kind: "update"; paths: string[] }
  | { kind: "embedQuery"; text: string }
  | { kind: "repair"; reason: string; force: boolean };

/** Background priority: below the server, so the OS runs a keystroke's work first. */
const backgroundNiceness = 10;
const maxRestarts = 3;
const restartWindowMs = 180_000;

export class IndexHostClient {
  private child: ChildProcess | undefined;
  private ready: Promise<IndexHostReply & { kind: "ready" }> | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((event: IndexHostEvent) => void)[] = [];
  private nextId = 1;
  private readonly restartTimes: number[] = [];
  /** Set when the host crashed too often to start again. */
  private stopped: IndexHostError | undefined;
  private disposed = false;
  embeddingModel: string | null = null;
  embeddingError: string | null = null;

  constructor(
    private readonly cliPath: string,
    private readonly setup: IndexHostSetup,
    private readonly logger: Logger,
    /** The remote engines' API keys, sent to the host over IPC when it starts and by `sendApiKeys`. */
    private readonly apiKeys: () => Record<string, string> = () => ({}),
  ) {}

  /** Hands the host the current API keys (after the user set one). */
  sendApiKeys(): void {
    if (this.setup.waitForApiKeys)
      this.child?.send({ kind: "apiKeys", keys: this.apiKeys() } satisfies IndexHostRequest);
  }

  /** Starts the host (once) and resolves when it has opened the index and loaded its models. */
  start(): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    this.ready ??= this.spawnHost();
    return this.ready.then(() => undefined);
  }

  /** Totals, database rebuilds and restarts, as they happen. */
  onEvent(listener: (event: IndexHostEvent) => void): void {
    this.listeners.push(listener);
  }

  async fullPass(
    onProgress?: (progress: IndexProgress) => void,
    signal?: AbortSignal,
  ): Promise<IndexRunStats> {
    const reply = await this.request({ kind: "fullPass" }, signal, onProgress);
    if (reply.kind !== "passDone") throw new IndexHostError(`unexpected reply ${reply.kind}`);
    return reply.stats;
  }

  async update(paths: string[], signal?: AbortSignal) {
    const reply = await this.request({ kind: "update", paths }, signal);
    if (reply.kind !== "updateDone") throw new IndexHostError(`unexpected reply ${reply.kind}`);
    return reply;
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const reply = await this.request({ kind: "embedQuery", text }, signal);
    if (reply.kind !== "vector") throw new IndexHostError(`unexpected reply ${reply.kind}`);
    return Float32Array.from(reply.vector);
  }

  /** Asks the host to check the database after a reader met damage; resolves with whether it was rebuilt. */
  async repair(reason: string, force: boolean): Promise<boolean> {
    const reply = await this.request({ kind: "repair", reason, force });
    if (reply.kind !== "repaired") throw new IndexHostError(`unexpected reply ${reply.kind}`);
    return reply.rebuilt;
  }

  dispose(): void {
    this.disposed = true;
    this.child?.disconnect?.();
    const child = this.child;
    setTimeout(() => child?.kill("SIGKILL"), 5_000).unref();
  }

  private async request(
    body: JobRequest,
    signal?: AbortSignal,
    onProgress?: (progress: IndexProgress) => void,
  ): Promise<IndexHostReply> {
    await this.start();
    signal?.throwIfAborted();
    const id = this.nextId++;
    return new Promise<IndexHostReply>((resolve, reject) => {
      const onAbort = () => this.child?.send({ kind: "cancel", id } satisfies IndexHostRequest);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        resolve: (reply) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(reply);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
        onProgress,
      });
      this.child!.send({ ...body, id } as IndexHostRequest);
    });
  }

  private emit(event: IndexHostEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error("an index host listener failed", error);
      }
    }
  }

  private spawnHost(): Promise<IndexHostReply & { kind: "ready" }> {
    const child = spawn(
      process.execPath,
      [this.cliPath, "index-host", "--setup", JSON.stringify(this.setup)],
      {
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      },
    );
    this.child = child;
    this.sendApiKeys();
    try {
      if (child.pid) setPriority(child.pid, backgroundNiceness);
    } catch (error) {
      this.logger.debug(`could not lower the index host's priority: ${error}`);
    }
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      for (const line of text.split("\n")) if (line.trim()) this.logger.info(line);
    });
    return new Promise((resolve, reject) => {
      child.on("message", (reply: IndexHostReply) => {
        if (reply.kind === "ready") {
          this.embeddingModel = reply.embeddingModel;
          this.embeddingError = reply.embeddingError;
          this.emit({ kind: "totals", totals: reply.totals });
          resolve(reply);
          return;
        }
        if (reply.kind === "rebuilt") {
          this.emit({ kind: "rebuilt", movedTo: reply.movedTo, reason: reply.reason });
          return;
        }
        if ("totals" in reply && reply.totals) this.emit({ kind: "totals", totals: reply.totals });
        const pending = this.pending.get(reply.id);
        if (!pending) return;
        if (reply.kind === "progress") {
          pending.onProgress?.(reply.progress);
          return;
        }
        this.pending.delete(reply.id);
        if (reply.kind === "failed") {
          const error = new IndexHostError(reply.message);
          if (reply.cancelled) error.name = "AbortError";
          pending.reject(error);
        } else pending.resolve(reply);
      });
      child.on("exit", (code, signal) => {
        const reason = `the index host exited (${signal ?? `code ${code}`})`;
        this.child = undefined;
        this.ready = undefined;
        const restarting = !this.disposed && this.allowRestart();
        if (!this.disposed && !restarting) {
          this.stopped = new IndexHostError(
            `${reason}, after ${maxRestarts} restarts within ${restartWindowMs / 60_000} minutes; ` +
              "indexing is stopped until the server restarts (see the log for why it exits)",
          );
        }
        reject(this.stopped ?? new IndexHostCrashError(reason, restarting));
        const failure = new IndexHostCrashError(reason, restarting);
        for (const pending of this.pending.values()) pending.reject(failure);
        this.pending.clear();
        if (this.disposed) return;
        if (!restarting) {
          this.logger.error(this.stopped!.message);
          return;
        }
        this.logger.warn(`${reason}; starting a new one`);
        this.ready = this.spawnHost();
        // Nobody may be waiting on the new host yet; its failure is reported by the next request.
        this.ready.catch(() => {});
        this.emit({ kind: "restarted", reason });
      });
    });
  }

  private allowRestart(): boolean {
    const now = Date.now();
    while (this.restartTimes.length && now - this.restartTimes[0]! > restartWindowMs)
      this.restartTimes.shift();
    if (this.restartTimes.length >= maxRestarts) return false;
    this.restartTimes.push(now);
    return true;
  }
}
