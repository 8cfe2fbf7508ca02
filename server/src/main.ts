/**
 * The language server's entry: picks the transport, probes native modules, and hands the connection to the
 * LSP layer, which builds the core (`core/createCore.ts`) once the editor has said which folders and
 * settings to use. Nothing imports this file except the CLI's `serve` command.
 */

import {
  type Connection,
  createConnection,
  ProposedFeatures,
  type ResponseMessage,
  StreamMessageWriter,
} from "vscode-languageserver/node";
import { Logger, stderrSink } from "./base/logger";
import { probeNativeModules } from "./health/nativeModules";
import { RobustStreamMessageReader } from "./lsp/messageFraming";
import { startLanguageServer } from "./lsp/server";

/**
 * Starts the server on the transport named in `process.argv` (`--stdio`, `--node-ipc`, `--socket=N`,
 * `--pipe=NAME`). `cliPath` is the bundle to start child processes from.
 */
export function runLanguageServer(cliPath: string): void {
  const logger = new Logger(process.env.HEARTH_LOG_LEVEL === "debug" ? "debug" : "info");
  logger.addSink(stderrSink);

  const nativeModules = probeNativeModules();
  for (const failed of nativeModules.filter((module) => !module.ok)) {
    logger.error(
      `native module ${failed.name} does not load in ${process.execPath} (Node ${process.version}, ABI ${process.versions.modules}): ${failed.error}. ` +
        "Indexing is disabled; set hearth.server.nodePath to the Node runtime Hearth was installed with.",
    );
  }
  const transport = createTransport(logger);
  startLanguageServer(transport.connection, {
    logger,
    nativeModules,
    cliPath,
    onShutdown: () => transport.shutdownReceived(),
  });
}

/**
 * Over stdio Hearth reads messages with its own framing (`lsp/messageFraming.ts`), so a malformed header or
 * body is answered or skipped instead of wedging the server; other transports carry whole messages.
 */
function createTransport(logger: Logger): { connection: Connection; shutdownReceived(): void } {
  if (!process.argv.includes("--stdio")) {
    return { connection: createConnection(ProposedFeatures.all), shutdownReceived: () => {} };
  }
  const writer = new StreamMessageWriter(process.stdout);
  const reader = new RobustStreamMessageReader(process.stdin, {
    log: (message) => logger.error(message),
    answer: (id, code, message) =>
      void writer.write({ jsonrpc: "2.0", id, error: { code, message } } as ResponseMessage),
  });
  // stdout carries JSON-RPC only: anything written to the console goes to stderr.
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    console[method] = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(" ")}\n`);
  }
  let shutdown = false;
  // As vscode-languageserver does for its own stdio streams: the editor went away, so does the server.
  reader.onClose(() => process.exit(shutdown ? 0 : 1));
  return {
    connection: createConnection(ProposedFeatures.all, reader, writer),
    shutdownReceived: () => {
      shutdown = true;
    },
  };
}
