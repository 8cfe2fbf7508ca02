/**
 * The language server's handle on its index host (see indexHost.ts): starts the child process at a lower
 * CPU priority, sends it jobs, relays progress, and restarts it if it dies. A pass interrupted by a crash
 * is simply run again: every file already written stays written.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { setPriority } from "node:os";
import type { Logger } from "../base/logger";
import type { IndexHostReply, IndexHostRequest, IndexHostSetup } from "./indexHostProtocol";
import type { IndexProgress, IndexRunStats } from "./indexRunner";

export class IndexHostError extends Error {
  override name = "IndexHostError";
}

interface Pending {
  resolve(reply: IndexHostReply): void;
  reject(error: Error): void;
  onProgress?: (progress: IndexProgress) => void;
}

/** Background priority: below the server, so the OS runs a keystroke's work first. */
const backgroundNiceness = 10;
const maxRestarts = 3;

export class IndexHostClient {
  private child: ChildProcess | undefined;
  private ready: Promise<IndexHostReply & { kind: "ready" }> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private restarts = 0;
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
    this.ready ??= this.spawnHost();
    return this.ready.then(() => undefined);
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

  dispose(): void {
    this.disposed = true;
    this.child?.disconnect?.();
    const child = this.child;
    setTimeout(() => child?.kill("SIGKILL"), 5_000).unref();
  }

  private async request(
    body: { kind: "fullPass" } | { kind: "update"; paths: string[] } | { kind: "embedQuery"; text: string },
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
          resolve(reply);
          return;
        }
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
        reject(new IndexHostError(reason));
        for (const pending of this.pending.values()) pending.reject(new IndexHostError(reason));
        this.pending.clear();
        this.child = undefined;
        this.ready = undefined;
        if (this.disposed) return;
        this.logger.warn(reason);
        if (this.restarts++ < maxRestarts) this.ready = this.spawnHost();
      });
    });
  }
}
