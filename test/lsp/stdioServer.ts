/**
 * Test helper: starts the real `hearth serve --stdio` from the built CLI and speaks JSON-RPC to it,
 * exactly as an editor other than VS Code would.
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  InitializedNotification,
  type InitializeResult,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";

export const cliPath = path.resolve("out/cli/hearth.mjs");

export interface StdioServer {
  connection: ProtocolConnection;
  process: ChildProcessWithoutNullStreams;
  stderr(): string;
  /** Everything the server wrote to stdout, raw (the connection reads the same bytes). */
  stdout(): string;
  initialize(
    rootPath?: string,
    extra?: { initializationOptions?: unknown; capabilities?: object },
  ): Promise<InitializeResult>;
  /** Sends shutdown + exit and resolves with the process's exit code. */
  stop(): Promise<number | null>;
}

export function startStdioServer(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): StdioServer {
  const child = spawn(process.execPath, [cliPath, "serve", "--stdio", ...extraArgs], {
    env: { ...process.env, ...env },
  });
  let stderrText = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderrText += chunk;
  });
  let stdoutText = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdoutText += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.listen();

  return {
    connection,
    process: child,
    stderr: () => stderrText,
    stdout: () => stdoutText,
    async initialize(rootPath, extra = {}) {
      const result = await connection.sendRequest<InitializeResult>("initialize", {
        processId: process.pid,
        clientInfo: { name: "hearth-tests", version: "1" },
        rootUri: rootPath ? pathToFileURL(rootPath).href : null,
        workspaceFolders: rootPath
          ? [{ uri: pathToFileURL(rootPath).href, name: path.basename(rootPath) }]
          : null,
        capabilities: extra.capabilities ?? {},
        initializationOptions: extra.initializationOptions,
      });
      await connection.sendNotification(InitializedNotification.type, {});
      return result;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      const code = await exited;
      clearTimeout(timer);
      connection.dispose();
      return code;
    },
  };
}
