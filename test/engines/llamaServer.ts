/**
 * Test helper: the real llama.cpp `llama-server`, built by provision-llama-server.sh from the llama.cpp source
 * node-llama-cpp ships (cached, so a warm run only prints its path), started on a free 127.0.0.1 port with one
 * of Hearth's tiny models, waited for until `/health` answers, and stopped or killed by the test.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import * as path from "node:path";

export const nativeModels = path.resolve("native-models");

let binary: string | undefined;

/** The provisioned binary (`HEARTH_LLAMA_SERVER` when set, else the provisioning script's answer). */
export function llamaServerBinary(): string {
  binary ??=
    process.env.HEARTH_LLAMA_SERVER ||
    execFileSync("bash", ["test/engines/provision-llama-server.sh"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
  return binary;
}

export interface LlamaServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** What the server printed, for failure messages. */
  log(): string;
  /** SIGKILL, as a crash would; resolves when the process is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface LlamaServerOptions {
  /**
   * A file in native-models/. With `--parallel N` this llama.cpp splits `--ctx-size` (1024 unless given) into N
   * slots of its own; a shared pool (`--kv-unified`) would let concurrent users overflow it instead.
   */
  model: string;
  args?: string[];
  /** Default: a free port. */
  port?: number;
}

export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    llamaServerBinary(),
    [
      "--model",
      path.join(nativeModels, options.model),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      // Explicit threads: llama.cpp's default spins more threads than a 2-core machine has.
      "--threads",
      "1",
      "--threads-batch",
      "1",
      "--ctx-size",
      "1024",
      "--no-webui",
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const collect = (text: string) => {
    output += text;
  };
  child.stdout!.setEncoding("utf8").on("data", collect);
  child.stderr!.setEncoding("utf8").on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const server: LlamaServer = {
    url,
    port,
    process: child,
    log: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return server;
    } catch {}
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`llama-server did not become healthy within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
