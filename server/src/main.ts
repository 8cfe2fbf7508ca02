/**
 * The language server's composition root: builds each capability and hands them to the LSP layer.
 * Nothing imports this file except the CLI's `serve` command.
 */

import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { Logger, stderrSink } from "./base/logger";
import { completionModelOf } from "./completer/completionModel";
import { InlineCompleter } from "./completer/inlineCompleter";
import { defaultSearchCandidates, defaultSearchFusion } from "./config/indexDefaults";
import { resolveSettings } from "./config/settings";
import { RecentDocuments } from "./context/recentDocuments";
import { RetrievedSnippets } from "./context/retrievedSnippets";
import { FeedbackService, feedbackDatabasePath, resolveFeedbackConfig } from "./feedback";
import { probeNativeModules } from "./health/nativeModules";
import { collectStatus } from "./health/serverStatus";
import { IndexedWorkspaces } from "./index/indexedWorkspaces";
import { IndexHostClient } from "./index/indexHostClient";
import { defaultIndexPath } from "./index/indexLocation";
import { WorkspaceIndex } from "./index/workspaceIndex";
import { type CoreOptions, type HearthCore, startLanguageServer } from "./lsp/server";
import { ModelEngine, resolveModelsConfig } from "./models";

/**
 * Starts the server on the transport named in `process.argv` (`--stdio`, `--node-ipc`, `--socket=N`,
 * `--pipe=NAME`), as vscode-languageserver reads it. `cliPath` is the bundle to start child processes from.
 */
export function runLanguageServer(cliPath: string): void {
  const logger = new Logger(process.env.HEARTH_LOG_LEVEL === "debug" ? "debug" : "info");
  logger.addSink(stderrSink);

  const nativeModules = probeNativeModules();
  const nativeModulesWork = nativeModules.every((module) => module.ok);
  for (const failed of nativeModules.filter((module) => !module.ok)) {
    logger.error(
      `native module ${failed.name} does not load in ${process.execPath} (Node ${process.version}, ABI ${process.versions.modules}): ${failed.error}. ` +
        "Indexing is disabled; set hearth.server.nodePath to the Node runtime Hearth was installed with.",
    );
  }

  const startCore = (options: CoreOptions): HearthCore => {
    const settings = resolveSettings(options.settings, (message) => logger.warn(message));
    const engine = ModelEngine.create(resolveModelsConfig(settings.models), logger);
    // Load the completion model now, off the request path, so the first keystroke does not pay for it.
    if (settings.completion.enabled) engine.preload(["completion"]);
    const workspaces = new IndexedWorkspaces();
    const recentDocuments = new RecentDocuments();
    const retrieved = new RetrievedSnippets(
      (query, k) => workspaces.search(query, k, "hybrid"),
      undefined,
      (error) => logger.debug(`background retrieval failed: ${error}`),
    );
    const place = (uri: string) => {
      const absolute = uri.startsWith("file:") ? fileURLToPath(uri) : uri;
      const root = options.roots.find((folder) => !path.relative(folder, absolute).startsWith(".."));
      return root
        ? { path: path.relative(root, absolute).split(path.sep).join("/"), repoName: path.basename(root) }
        : { path: path.basename(absolute), repoName: undefined };
    };
    const feedback = FeedbackService.open({
      databasePath: feedbackDatabasePath(options.storageFolder, options.roots[0] ?? process.cwd()),
      config: resolveFeedbackConfig(options.settings, (message) => logger.warn(message)),
      logger,
    });
    const completer = new InlineCompleter(
      completionModelOf(engine),
      {
        retrieved: (uri) => retrieved.candidates(uri),
        recentDocuments: (uri) => recentDocuments.others(uri),
        cursorMoved: (uri, documentPath, text, offset) => retrieved.refresh(uri, documentPath, text, offset),
      },
      settings.completion,
      logger,
      feedback,
    );
    feedback.onOutcome((accepted) => completer.recordOutcome(accepted));
    if (settings.indexEnabled && nativeModulesWork) {
      for (const root of options.roots) {
        const storage = options.storageFolder ? path.join(options.storageFolder, "index") : undefined;
        const databasePath = defaultIndexPath(root, storage);
        const host = new IndexHostClient(
          cliPath,
          { root, databasePath, config: settings.index, models: settings.models },
          logger,
        );
        const index = new WorkspaceIndex(
          root,
          databasePath,
          host,
          { searchCandidates: defaultSearchCandidates, fusion: defaultSearchFusion, updateDelayMs: 200 },
          logger,
        );
        workspaces.add(index, options.progressFor(root));
      }
    }
    return {
      workspaces,
      completer,
      feedback,
      place,
      documentTouched: (uri, text) => recentDocuments.touch(uri, place(uri).path, text),
      documentClosed: (uri) => {
        recentDocuments.forget(uri);
        retrieved.forget(uri);
      },
      status: () =>
        collectStatus({
          nativeModules,
          backend: () => engine.backendStatus(),
          models: () => engine.modelStatuses(),
          indexes: () => workspaces.statuses(),
          completion: () => {
            const { cache: _cache, ...counters } = completer.stats();
            return counters;
          },
        }),
      async dispose() {
        feedback.dispose();
        workspaces.dispose();
        await engine.dispose();
      },
    };
  };

  const connection = createConnection(ProposedFeatures.all);
  startLanguageServer(connection, {
    logger,
    startCore,
    initialStatus: () =>
      collectStatus({
        nativeModules,
        backend: () => null,
        models: () => null,
        indexes: () => [],
        completion: () => null,
      }),
  });
}
