/**
 * The language server's composition root: builds each capability and hands them to the LSP layer.
 * Nothing imports this file except the CLI's `serve` command.
 */

import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { Logger, stderrSink } from "./base/logger";
import { probeNativeModules } from "./health/nativeModules";
import { startLanguageServer } from "./lsp/server";

/**
 * Starts the server on the transport named in `process.argv` (`--stdio`, `--node-ipc`, `--socket=N`,
 * `--pipe=NAME`), as vscode-languageserver reads it.
 */
export function runLanguageServer(): void {
  const logger = new Logger(process.env.HEARTH_LOG_LEVEL === "debug" ? "debug" : "info");
  logger.addSink(stderrSink);

  const nativeModules = probeNativeModules();
  for (const failed of nativeModules.filter((module) => !module.ok)) {
    logger.error(
      `native module ${failed.name} does not load in ${process.execPath} (Node ${process.version}, ABI ${process.versions.modules}): ${failed.error}. ` +
        "Indexing is disabled; set hearth.server.nodePath to the Node runtime Hearth was installed with.",
    );
  }

  const connection = createConnection(ProposedFeatures.all);
  startLanguageServer(connection, {
    logger,
    status: { nativeModules, backend: () => null, models: () => null, index: () => null },
  });
}
