/**
 * Wires Hearth's capabilities to an LSP connection. The only server folder that knows LSP.
 *
 * Invariant: handlers convert, call one capability, convert back; they hold no logic of their own.
 * Hearth's own methods are dispatched from the capability table (`core/capabilities.ts`) through one generic
 * handler: params are checked against the method's schema here, at the edge, and a malformed call gets
 * InvalidParams. The core starts after `initialized`, when the client's settings can be read; until then
 * `hearth/status` still answers and other requests wait for it.
 */

import { fileURLToPath } from "node:url";
import {
  type CancellationToken,
  type Connection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  TextDocuments,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { hearthVersion } from "../base/buildInfo";
import type { Logger, LogLevel } from "../base/logger";
import type { Capability, OpenDocuments } from "../capability/capability";
import { createCore, type HearthCore } from "../core/createCore";
import { baseStatus } from "../health/serverStatus";
import { type NativeModuleStatus, statusRequest } from "../protocol";
import { toAbortSignal } from "./cancellation";
import { serverCapabilities } from "./capabilities";
import { lspClientPort } from "./clientPort";
import { handleInlineCompletion } from "./handlers/inlineCompletion";
import { invalidParams } from "./paramsValidation";

export interface ServerParts {
  logger: Logger;
  nativeModules: NativeModuleStatus[];
  /** The `hearth` bundle, to start index hosts from. */
  cliPath: string;
  /** Told when `shutdown` arrives, so the transport knows an exit that follows is expected. */
  onShutdown?(): void;
}

interface InitializationOptions {
  storagePath?: string;
  settings?: unknown;
  /** Keys for remote engines from the editor's secret storage, by endpoint; held in memory only. */
  remoteApiKeys?: Record<string, string>;
}

export function startLanguageServer(connection: Connection, parts: ServerParts): void {
  const { logger } = parts;
  logger.addSink(lspLogSink(connection));
  const documents = new TextDocuments(TextDocument);
  const openDocuments: OpenDocuments = { get: (uri) => documents.get(uri) };
  let core: Promise<HearthCore> | undefined;
  let shuttingDown = false;
  let roots: string[] = [];
  let initializationOptions: InitializationOptions = {};
  let canPullConfiguration = false;
  let canWatchFiles = false;
  let canShowProgress = false;

  const readSettings = async (): Promise<unknown> =>
    canPullConfiguration
      ? await connection.workspace.getConfiguration("hearth")
      : initializationOptions.settings;
  /** The running capabilities, or none before the core has started. */
  const running = async (): Promise<Capability[]> => (core ? (await core).capabilities() : []);
  const eachCapability = (visit: (capability: Capability) => void) => {
    void core?.then((started) => {
      for (const capability of started.capabilities()) {
        try {
          visit(capability);
        } catch (error) {
          logger.error("a capability failed to handle an editor event", error);
        }
      }
    });
  };

  connection.onInitialize((params) => {
    logger.info(
      `initialize from ${params.clientInfo?.name ?? "an unnamed client"} ${params.clientInfo?.version ?? ""}`.trim(),
    );
    const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: "" }] : []);
    roots = folders
      .filter((folder) => folder.uri.startsWith("file:"))
      .map((folder) => fileURLToPath(folder.uri));
    initializationOptions = (params.initializationOptions as InitializationOptions | undefined) ?? {};
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canShowProgress = params.capabilities.window?.workDoneProgress === true;
    return { capabilities: serverCapabilities(), serverInfo: { name: "hearth", version: hearthVersion } };
  });

  connection.onInitialized(async () => {
    if (canWatchFiles) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: "**/*" }],
      });
    }
    if (canPullConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: "hearth" });
    }
    core = readSettings().then((settings) =>
      createCore({
        roots,
        storageFolder: initializationOptions.storagePath,
        settings,
        apiKeys: initializationOptions.remoteApiKeys,
        logger,
        cliPath: parts.cliPath,
        documents: openDocuments,
        client: lspClientPort(connection, () => canShowProgress),
        nativeModules: parts.nativeModules,
      }),
    );
    core.catch((error) => logger.error("Hearth's core did not start", error));
  });

  connection.onDidChangeConfiguration(async () => {
    if (!core || shuttingDown) return;
    // Applied in order by the core; only capabilities whose settings changed restart.
    const [started, settings] = await Promise.all([core, readSettings()]);
    await started.reconfigure(settings);
  });

  connection.onRequest(async (method: string, ...args: unknown[]) => {
    const token = args.at(-1) as CancellationToken;
    const params = args.length > 1 ? args[0] : undefined;
    if (method === statusRequest.method)
      return core ? (await core).status() : baseStatus(parts.nativeModules);
    if (!core)
      throw new ResponseError(ErrorCodes.ServerNotInitialized, "Hearth's server has not been initialized");
    const handler = (await running())
      .flatMap((capability) => capability.requests ?? [])
      .find((candidate) => candidate.request.method === method);
    if (!handler) throw new ResponseError(ErrorCodes.MethodNotFound, `unknown method ${method}`);
    const checked = handler.request.params.safeParse(params);
    if (!checked.success) throw invalidParams(`params for ${method}`, checked.error);
    return handler.handle(checked.data, { signal: toAbortSignal(token) });
  });

  connection.onNotification(async (method: string, ...args: unknown[]) => {
    const params = args[0];
    const handler = (await running())
      .flatMap((capability) => capability.notifications ?? [])
      .find((candidate) => candidate.notification.method === method);
    if (!handler) {
      if (!method.startsWith("$/")) logger.debug(`ignored notification ${method}`);
      return;
    }
    const checked = handler.notification.params.safeParse(params);
    if (!checked.success) {
      logger.warn(`ignored ${method} with invalid params: ${invalidParams("params", checked.error).message}`);
      return;
    }
    try {
      await handler.handle(checked.data);
    } catch (error) {
      logger.error(`handling ${method} failed`, error);
    }
  });

  connection.languages.inlineCompletion.on(async (params, token) =>
    handleInlineCompletion(await running(), params, token),
  );

  const changed = (uri: string) => eachCapability((capability) => capability.documentChanged?.(uri));
  documents.onDidOpen((event) => changed(event.document.uri));
  documents.onDidChangeContent((event) => changed(event.document.uri));
  documents.onDidClose((event) =>
    eachCapability((capability) => capability.documentClosed?.(event.document.uri)),
  );

  const filesChanged = (uris: string[]) => {
    const paths = uris.filter((uri) => uri.startsWith("file:")).map((uri) => fileURLToPath(uri));
    if (paths.length) eachCapability((capability) => capability.filesChanged?.(paths));
  };
  documents.onDidSave((event) => filesChanged([event.document.uri]));
  connection.onDidChangeWatchedFiles((params) => filesChanged(params.changes.map((change) => change.uri)));

  connection.onShutdown(async () => {
    logger.info("shutdown requested");
    shuttingDown = true;
    parts.onShutdown?.();
    // Capabilities stop first (cancelling their generations), then the engine and the stores.
    await (await core?.catch(() => undefined))?.dispose();
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
