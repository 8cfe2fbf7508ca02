/**
 * Wires Hearth's capabilities to an LSP connection. The only server folder that knows LSP.
 *
 * Invariant: handlers convert, call one capability, convert back; they hold no logic of their own.
 * The core (index, models) starts after `initialized`, when the client's settings can be read; until then
 * every request still gets an answer.
 */

import { fileURLToPath } from "node:url";
import {
  type Connection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { hearthVersion } from "../base/buildInfo";
import type { Logger, LogLevel } from "../base/logger";
import type { InlineCompleter } from "../completer/inlineCompleter";
import type { FeedbackService } from "../feedback";
import type { IndexedWorkspaces } from "../index/indexedWorkspaces";
import type { ProgressSink } from "../index/workspaceIndex";
import {
  type FeedbackEventsParams,
  type FeedbackStatsParams,
  feedbackDeleteMethod,
  feedbackEventsMethod,
  feedbackStatsMethod,
  type HearthStatus,
  type PrefetchCompletionParams,
  prefetchCompletionMethod,
  type SearchParams,
  searchMethod,
  statusMethod,
} from "../protocol";
import { toAbortSignal } from "./cancellation";
import { serverCapabilities } from "./capabilities";
import {
  type DocumentPlace,
  handleInlineCompletion,
  handlePrefetchCompletion,
} from "./handlers/inlineCompletion";
import { handleSearch } from "./handlers/search";
import { createProgressSink } from "./progress";

/** What the server runs once it knows its workspace folders and settings. */
export interface HearthCore {
  workspaces: IndexedWorkspaces;
  completer: InlineCompleter | undefined;
  feedback: FeedbackService;
  /** Where a document sits: its workspace-relative path and folder name. */
  place(uri: string): DocumentPlace;
  /** A document was opened, edited or completed in; `text` reads its current content from memory. */
  documentTouched(uri: string, text: () => string | undefined): void;
  documentClosed(uri: string): void;
  status(): HearthStatus;
  dispose(): Promise<void>;
}

export interface CoreOptions {
  roots: string[];
  /** The editor's storage folder for this workspace; indexes go there when given. */
  storageFolder: string | undefined;
  /** The raw `hearth` settings section. */
  settings: unknown;
  progressFor(root: string): ProgressSink;
}

export interface ServerParts {
  logger: Logger;
  startCore(options: CoreOptions): HearthCore;
  /** The status before the core has started. */
  initialStatus(): HearthStatus;
}

interface InitializationOptions {
  storagePath?: string;
  settings?: unknown;
}

export function startLanguageServer(connection: Connection, parts: ServerParts): void {
  parts.logger.addSink(lspLogSink(connection));
  const documents = new TextDocuments(TextDocument);
  let core: HearthCore | undefined;
  let roots: string[] = [];
  let initializationOptions: InitializationOptions = {};
  let canPullConfiguration = false;
  let canWatchFiles = false;
  let canShowProgress = false;

  connection.onInitialize((params) => {
    parts.logger.info(
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

  const startCore = async () => {
    const settings = canPullConfiguration
      ? await connection.workspace.getConfiguration("hearth")
      : initializationOptions.settings;
    core = parts.startCore({
      roots,
      storageFolder: initializationOptions.storagePath,
      settings,
      progressFor: (root) => createProgressSink(connection, `Hearth: indexing ${root}`, canShowProgress),
    });
  };

  connection.onInitialized(async () => {
    if (canWatchFiles) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: "**/*" }],
      });
    }
    if (canPullConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: "hearth" });
    }
    await startCore();
  });

  connection.onDidChangeConfiguration(async () => {
    // Settings decide which models load and what is indexed: restart the core with the new ones.
    const previous = core;
    core = undefined;
    await previous?.dispose();
    await startCore();
  });

  connection.onRequest(statusMethod, () => core?.status() ?? parts.initialStatus());
  connection.onNotification(feedbackEventsMethod, (params: FeedbackEventsParams) =>
    core?.feedback.record(params?.events),
  );
  connection.onRequest(
    feedbackStatsMethod,
    (params: FeedbackStatsParams | undefined) => core?.feedback.stats(params ?? {}) ?? null,
  );
  connection.onRequest(
    feedbackDeleteMethod,
    () => core?.feedback.deleteAll() ?? { deletedEvents: 0, databasePath: null },
  );
  connection.onRequest(searchMethod, async (params: SearchParams, token) => {
    if (!core) return { hits: [], milliseconds: 0 };
    return handleSearch(core.workspaces, params, toAbortSignal(token));
  });
  connection.onNotification(prefetchCompletionMethod, (params: PrefetchCompletionParams) =>
    handlePrefetchCompletion(
      core?.completer,
      documents,
      (uri) => core?.place(uri) ?? { path: uri, repoName: undefined },
      params,
    ),
  );
  connection.languages.inlineCompletion.on((params, token) =>
    handleInlineCompletion(
      core?.completer,
      documents,
      (uri) => core?.place(uri) ?? { path: uri, repoName: undefined },
      params,
      token,
    ),
  );

  const touch = (uri: string) => core?.documentTouched(uri, () => documents.get(uri)?.getText());
  documents.onDidOpen((event) => touch(event.document.uri));
  documents.onDidChangeContent((event) => touch(event.document.uri));
  documents.onDidClose((event) => core?.documentClosed(event.document.uri));

  documents.onDidSave((event) => {
    if (event.document.uri.startsWith("file:")) {
      core?.workspaces.filesChanged([fileURLToPath(event.document.uri)], () => undefined);
    }
  });
  connection.onDidChangeWatchedFiles((params) => {
    const paths = params.changes
      .filter((change) => change.uri.startsWith("file:"))
      .map((change) => fileURLToPath(change.uri));
    core?.workspaces.filesChanged(paths, (index) =>
      createProgressSink(connection, `Hearth: indexing ${index.root}`, canShowProgress),
    );
  });
  connection.onShutdown(async () => {
    parts.logger.info("shutdown requested");
    await core?.dispose();
    core = undefined;
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
