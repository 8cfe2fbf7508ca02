/**
 * The real language server, started over stdio as an editor would start it, for the benchmarks that measure
 * it from outside (`hearth bench completion`, `footprint`, `soak`): spawn, the initialize handshake (with
 * the client side of `workspace/configuration` and `client/registerCapability` when asked), waiting for the
 * index, readings of the whole process tree, and a clean stop.
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { type HearthStatus, statusRequest } from "../protocol";
import { readProcessTree, type TreeReading } from "./processTree";

export interface BenchServerOptions {
  /** The `hearth.mjs` to run. */
  cliPath: string;
  workspace: string;
  storagePath: string;
  /** The `hearth` settings object. */
  settings: Record<string, unknown>;
  /**
   * Answer `workspace/configuration` from `settings` (as VS Code does) instead of passing them once in the
   * initialization options; `settings` may then change, followed by `changeConfiguration()`.
   */
  pullConfiguration?: boolean;
  /** Called with each line the server writes to stderr. */
  onStderr?: (text: string) => void;
}

export class BenchServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: ProtocolConnection;
  /** `performance.now()` when the process was spawned. */
  readonly spawnedAt: number;
  readonly exited: Promise<number | null>;

  private constructor(private readonly options: BenchServerOptions) {
    this.spawnedAt = performance.now();
    this.child = spawn(process.execPath, [options.cliPath, "serve", "--stdio"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (text: string) => options.onStderr?.(text));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    // A write to a server that died is reported by the exit, not as an unhandled stream error.
    this.child.stdin.on("error", () => {});
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout),
      new StreamMessageWriter(this.child.stdin),
    );
    if (options.pullConfiguration) {
      this.connection.onRequest("workspace/configuration", (params: { items: { section?: string }[] }) =>
        params.items.map((item) => (item.section === "hearth" ? this.options.settings : null)),
      );
      this.connection.onRequest("client/registerCapability", () => null);
    }
    this.connection.onRequest("window/workDoneProgress/create", () => null);
    this.connection.listen();
  }

  static start(options: BenchServerOptions): BenchServer {
    return new BenchServer(options);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get workspace(): string {
    return this.options.workspace;
  }

  /** The initialize handshake; resolves with the milliseconds from spawn to the initialize answer. */
  async initialize(): Promise<number> {
    const { workspace } = this.options;
    await this.connection.sendRequest("initialize", {
      processId: process.pid,
      clientInfo: { name: "hearth-bench", version: "1" },
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: path.basename(workspace) }],
      capabilities: this.options.pullConfiguration
        ? { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } }
        : {},
      initializationOptions: {
        storagePath: this.options.storagePath,
        ...(this.options.pullConfiguration ? {} : { settings: this.options.settings }),
      },
    });
    const initializeMs = performance.now() - this.spawnedAt;
    await this.connection.sendNotification("initialized", {});
    return initializeMs;
  }

  /** Tells the server its settings changed (it pulls them again). */
  async changeConfiguration(): Promise<void> {
    await this.connection.sendNotification("workspace/didChangeConfiguration", { settings: null });
  }

  status(): Promise<HearthStatus> {
    return this.connection.sendRequest(statusRequest.type);
  }

  /** Resolves when every index is idle (or failed), or after `timeoutMs`; returns whether it got there. */
  async waitForIndex(timeoutMs = 300_000): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const status = await this.status();
      const settled = status.indexes.every((index) => index.state === "idle" || index.state === "error");
      if (settled && status.indexes.length > 0) return true;
      await sleep(250);
    }
    return false;
  }

  /** CPU and memory of the server and everything it started. */
  tree(): TreeReading | null {
    return readProcessTree(this.pid);
  }

  /** shutdown + exit, then SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await withTimeout(this.connection.sendRequest("shutdown"), 10_000).catch(() => undefined);
      await this.connection.sendNotification("exit").catch(() => undefined);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${milliseconds} ms`)), milliseconds);
    }),
  ]).finally(() => clearTimeout(timer));
}
