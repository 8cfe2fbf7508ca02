/**
 * Wires Hearth's capabilities to an LSP connection. The only server folder that knows LSP.
 *
 * Invariant: handlers convert, call one capability, convert back; they hold no logic of their own.
 */

import { type Connection, TextDocuments } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { hearthVersion } from "../base/buildInfo";
import type { Logger, LogLevel } from "../base/logger";
import { collectStatus, type StatusSources } from "../health/serverStatus";
import { statusMethod } from "../protocol";
import { serverCapabilities } from "./capabilities";
import { handleInlineCompletion } from "./handlers/inlineCompletion";

export interface ServerParts {
  logger: Logger;
  status: StatusSources;
}

export function startLanguageServer(connection: Connection, parts: ServerParts): void {
  parts.logger.addSink(lspLogSink(connection));
  const documents = new TextDocuments(TextDocument);

  connection.onInitialize((params) => {
    parts.logger.info(
      `initialize from ${params.clientInfo?.name ?? "an unnamed client"} ${params.clientInfo?.version ?? ""}`.trim(),
    );
    return { capabilities: serverCapabilities(), serverInfo: { name: "hearth", version: hearthVersion } };
  });
  connection.onRequest(statusMethod, () => collectStatus(parts.status));
  connection.languages.inlineCompletion.on((params) => handleInlineCompletion(params));
  connection.onShutdown(() => {
    parts.logger.info("shutdown requested");
  });

  documents.listen(connection);
  connection.listen();
}

function lspLogSink(connection: Connection) {
  return (level: LogLevel, message: string) => {
    switch (level) {
      case "error":
        connection.console.error(message);
        break;
      case "warn":
        connection.console.warn(message);
        break;
      case "info":
        connection.console.info(message);
        break;
      case "debug":
        connection.console.log(message);
        break;
    }
  };
}
