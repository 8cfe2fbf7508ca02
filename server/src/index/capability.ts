/**
 * The indexing capability: one index host per workspace folder (a full pass at start and after a branch
 * switch, batched updates after saves and file events), progress shown in the editor, and each folder's
 * index state in `hearth/status`. Settings changes respawn the hosts; nothing else restarts with them.
 */

import * as path from "node:path";
import type { Logger } from "../base/logger";
import type { CapabilityModule, ClientPort, WorkProgress } from "../capability/capability";
import { isEndpoint, type RemoteCredentials } from "../models";
import type { IndexStatus as IndexStatusInfo } from "../protocol";
import type { IndexedWorkspaces } from "./indexedWorkspaces";
import { IndexHostClient } from "./indexHostClient";
import { defaultIndexPath } from "./indexLocation";
import type { IndexProgress } from "./indexRunner";
import { type IndexSettings, resolveIndexSettings } from "./indexSettings";
import type { IndexStatus } from "./indexStatus";
import { type ProgressSink, WorkspaceIndex } from "./workspaceIndex";

export interface IndexingServices {
  logger: Logger;
  indexes: IndexedWorkspaces;
  client: ClientPort;
  /** The `hearth` bundle, started as `hearth index-host` for each folder. */
  cliPath: string;
  /** The editor's storage folder for the workspace; indexes go there when given. */
  storageFolder: string | undefined;
  /** False when the runtime cannot load SQLite or tree-sitter: indexing stays off and status says why. */
  nativeModulesWork: boolean;
  /** API keys for a remote embedding engine, handed to each index host over IPC. */
  credentials: RemoteCredentials;
}

/** Saves and file events this close together are indexed in one update. */
const updateDelayMs = 200;

export const indexingCapability: CapabilityModule<IndexingServices, IndexSettings> = {
  name: "index",
  settingsSections: ["index", "models"],
  resolveSettings: resolveIndexSettings,
  start(services, settings) {
    const { indexes, logger } = services;
    const progressFor = (root: string) => progressSink(services.client, `Hearth: indexing ${root}`);
    const hosts: IndexHostClient[] = [];
    const embedding = settings.models.models?.embedding;
    const waitForApiKeys = Boolean(embedding && isEndpoint(embedding));
    if (settings.enabled && services.nativeModulesWork) {
      for (const root of indexes.folders.roots) {
        const storage = services.storageFolder ? path.join(services.storageFolder, "index") : undefined;
        const databasePath = defaultIndexPath(root, storage);
        const host = new IndexHostClient(
          services.cliPath,
          { root, databasePath, config: settings.config, models: settings.models, waitForApiKeys },
          logger,
          () => services.credentials.entries(),
        );
        hosts.push(host);
        indexes.add(
          new WorkspaceIndex(root, databasePath, host, { updateDelayMs }, logger),
          progressFor(root),
        );
      }
    }
    const stopSendingKeys = services.credentials.onChange(() => {
      for (const host of hosts) host.sendApiKeys();
    });
    return {
      filesChanged: (absolutePaths) =>
        indexes.filesChanged(absolutePaths, (index) => progressFor(index.root)),
      status: () => ({ indexes: indexes.statuses().map(indexStatusToProtocol) }),
      dispose: () => {
        stopSendingKeys();
        indexes.disposeIndexes();
      },
    };
  },
};

function indexStatusToProtocol(status: IndexStatus): IndexStatusInfo {
  return { ...status };
}

/** Index progress as editor progress: throttled to a few updates a second. */
function progressSink(client: ClientPort, title: string): ProgressSink {
  let progress: WorkProgress | undefined;
  let lastReport = 0;
  return (update: IndexProgress | "end") => {
    if (update === "end") {
      progress?.end();
      progress = undefined;
      return;
    }
    progress ??= client.progress(title);
    const now = Date.now();
    if (now - lastReport < 250) return;
    lastReport = now;
    const message =
      update.phase === "embedding"
        ? `embedding chunks ${update.done}/${update.total}`
        : `scanning files: ${update.done}${update.path ? ` (${update.path})` : ""}`;
    progress.report(message, update.total ? Math.round((100 * update.done) / update.total) : undefined);
  };
}
