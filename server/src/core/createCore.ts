/**
 * The composition root: `createCore` builds the services every capability shares (the model engine, the
 * workspace folders and their indexes, search, the feedback store) and starts each capability of
 * `capabilities.ts` with its own resolved settings. The language server, the CLI, the evals and the
 * benchmarks all get their completer, search and stores from here; nothing else assembles them.
 *
 * Settings changes are applied one at a time, in order (a burst of changes never starts two of anything):
 * only the capabilities whose resolved settings changed restart, and a changed model setting reloads only
 * that role. Disposing stops the capabilities first (cancelling their model requests), then the services.
 */

import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import type { Capability, CapabilityModule, ClientPort, OpenDocuments } from "../capability/capability";
import { LearnedShowGate } from "../completion/learnedShowGate";
import { FeedbackService, feedbackDatabasePath, resolveFeedbackConfig } from "../feedback";
import { GuardrailsPolicy } from "../guardrails";
import { baseStatus } from "../health/serverStatus";
import { IndexedWorkspaces } from "../index/indexedWorkspaces";
import { WorkspaceFolders } from "../index/workspaceFolders";
import {
  type EngineOptions,
  ModelEngine,
  type ModelsConfig,
  type ModelsSettings,
  RemoteCredentials,
  readModelsSettings,
  resolveModelsConfig,
} from "../models";
import type { HearthStatus, NativeModuleStatus } from "../protocol";
import { WorkspaceSearch } from "../retrieval/workspaceSearch";
import { capabilityModules } from "./capabilities";

export interface CoreOptions {
  roots: readonly string[];
  /** The editor's storage folder for this workspace (indexes and feedback go there); else Hearth's cache. */
  storageFolder?: string | undefined;
  /** The raw `hearth` settings object. */
  settings: unknown;
  logger: Logger;
  /** The `hearth` bundle to start index hosts from; without it nothing is indexed in the background. */
  cliPath?: string | undefined;
  documents?: OpenDocuments;
  client?: ClientPort;
  nativeModules?: NativeModuleStatus[];
  /** Existing index databases to search read-only, by workspace folder (CLI and evals). */
  indexDatabases?: Readonly<Record<string, string>>;
  /** The feedback database; `null`: keep feedback in memory only. Default: the workspace's. */
  feedbackDatabase?: string | null;
  /** Search read-only indexes with query vectors from this core's embedding model (their vectors must match). */
  embedQueries?: boolean;
  /** Model settings laid over the user's (benchmarks' state folders and threads, an eval's candidate model). */
  models?: ModelsSettings;
  /** Completion never retrieves from the file being completed (evals: its indexed copy holds the answer). */
  excludeOwnFileFromRetrieval?: boolean;
  /** API keys for remote engines by endpoint (the editor's secret storage); `HEARTH_REMOTE_API_KEY` is the fallback. */
  apiKeys?: Readonly<Record<string, string>> | undefined;
}

/** What capabilities are started with; each module takes the part it declares. */
export interface CoreServices {
  logger: Logger;
  folders: WorkspaceFolders;
  storageFolder: string | undefined;
  cliPath: string;
  nativeModulesWork: boolean;
  engine: ModelEngine;
  documents: OpenDocuments;
  client: ClientPort;
  indexes: IndexedWorkspaces;
  search: WorkspaceSearch;
  feedback: FeedbackService;
  guardrails: GuardrailsPolicy;
  /** API keys for remote engines, in memory; engines and index hosts read them at each call. */
  credentials: RemoteCredentials;
  /** The learned show/abstain gate: the evals capability sets its model, completion consults it. */
  showGate: LearnedShowGate;
  excludeOwnFileFromRetrieval: boolean;
  /** Builds another core (evals: one per workspace state or candidate model, never the user's settings). */
  createCore: (options: CoreOptions) => Promise<HearthCore>;
}

type AnyModule = (typeof capabilityModules)[number];
// biome-ignore lint/suspicious/noExplicitAny: a module's own settings type is checked inside the module.
type ModuleOf<Running extends Capability> = CapabilityModule<CoreServices, any, Running>;

interface Running {
  module: AnyModule;
  settingsKey: string;
  capability: Capability;
}

const noDocuments: OpenDocuments = { get: () => undefined };
const silentClient: ClientPort = {
  progress: () => ({ report: () => {}, end: () => {} }),
  notify: () => {},
};

export async function createCore(options: CoreOptions): Promise<HearthCore> {
  const core = new HearthCore(options);
  await core.reconfigure(options.settings);
  return core;
}

export class HearthCore {
  readonly services: CoreServices;
  private readonly running = new Map<string, Running>();
  private modelsConfig: ModelsConfig;
  private readonly engineOptions: EngineOptions;
  private changes: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: CoreOptions) {
    const { logger } = options;
    const warn = (message: string) => logger.warn(message);
    this.modelsConfig = this.resolveModels(options.settings, warn);
    const folders = new WorkspaceFolders(options.roots);
    const indexes = new IndexedWorkspaces(folders);
    const embedQuery = options.embedQueries
      ? async (text: string, signal?: AbortSignal) =>
          (await (await this.services.engine.embedder()).embedQueries([text], signal))[0]!
      : undefined;
    for (const [root, databasePath] of Object.entries(options.indexDatabases ?? {})) {
      indexes.addReadOnly({ root, databasePath, embedQuery });
    }
    const guardrails = new GuardrailsPolicy();
    const credentials = RemoteCredentials.fromEnvironment();
    for (const [endpoint, key] of Object.entries(options.apiKeys ?? {})) {
      try {
        credentials.set(endpoint, typeof key === "string" ? key : null);
      } catch (error) {
        logger.warn(`ignored an API key: ${messageOf(error)}`);
      }
    }
    this.engineOptions = { credentials, redactRemote: (text) => guardrails.redactForRemote(text) };
    const feedbackDatabase =
      options.feedbackDatabase === undefined
        ? feedbackDatabasePath(options.storageFolder, options.roots[0] ?? process.cwd())
        : options.feedbackDatabase;
    this.services = {
      logger,
      folders,
      storageFolder: options.storageFolder,
      cliPath: options.cliPath ?? "",
      nativeModulesWork:
        Boolean(options.cliPath) && (options.nativeModules ?? []).every((module) => module.ok),
      engine: ModelEngine.create(this.modelsConfig, logger, this.engineOptions),
      documents: options.documents ?? noDocuments,
      client: options.client ?? silentClient,
      indexes,
      search: new WorkspaceSearch(indexes, logger),
      feedback: FeedbackService.open({
        databasePath: feedbackDatabase,
        config: resolveFeedbackConfig(options.settings, () => {}),
        logger,
        redact: (text) => guardrails.redactForPrompt(text),
      }),
      guardrails,
      credentials,
      showGate: new LearnedShowGate(),
      excludeOwnFileFromRetrieval: options.excludeOwnFileFromRetrieval ?? false,
      createCore,
    };
  }

  private resolveModels(settings: unknown, warn: (message: string) => void): ModelsConfig {
    const user = readModelsSettings(settings, warn);
    const overrides = this.options.models ?? {};
    return resolveModelsConfig({ ...user, ...overrides, models: { ...user.models, ...overrides.models } });
  }

  /** The running instance of a capability module (its own API beyond `Capability`), if it is running. */
  capability<R extends Capability>(module: ModuleOf<R>): R | undefined {
    return this.running.get(module.name)?.capability as R | undefined;
  }

  /** Every running capability, in start order. */
  capabilities(): Capability[] {
    return [...this.running.values()].map((entry) => entry.capability);
  }

  /**
   * Applies settings: queued behind any change still being applied, so changes take effect one at a time and
   * in order. Resolves when this one has.
   */
  reconfigure(settings: unknown): Promise<void> {
    const next = this.changes.then(() => this.apply(settings));
    this.changes = next.catch((error) => this.options.logger.error("applying settings failed", error));
    return next;
  }

  private async apply(settings: unknown): Promise<void> {
    if (this.disposed) return;
    const { logger } = this.options;
    const warn = (message: string) => logger.warn(message);
    const modelsConfig = this.resolveModels(settings, warn);
    const newEngine = !this.services.engine.canReconfigure(modelsConfig);
    const resolved = capabilityModules.map((module) => ({
      module,
      settings: module.resolveSettings(settings, warn) as unknown,
    }));
    const restart = resolved.filter(({ module, settings: moduleSettings }) => {
      const current = this.running.get(module.name);
      return newEngine || !current || current.settingsKey !== JSON.stringify(moduleSettings);
    });
    for (const { module } of [...restart].reverse()) await this.stop(module.name);
    if (newEngine) {
      logger.info("inference settings changed (GPU, threads or folders): starting a new model engine");
      await this.services.engine.dispose();
      this.services.engine = ModelEngine.create(modelsConfig, logger, this.engineOptions);
    } else {
      const reloaded = await this.services.engine.reconfigure(modelsConfig);
      if (reloaded.length) logger.info(`model settings changed: reloading ${reloaded.join(", ")}`);
    }
    this.modelsConfig = modelsConfig;
    for (const { module, settings: moduleSettings } of restart) {
      try {
        const capability = await (module as ModuleOf<Capability>).start(this.services, moduleSettings);
        this.running.set(module.name, { module, settingsKey: JSON.stringify(moduleSettings), capability });
      } catch (error) {
        logger.error(`the ${module.name} capability did not start`, error);
      }
    }
  }

  private async stop(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return;
    this.running.delete(name);
    try {
      await entry.capability.dispose();
    } catch (error) {
      this.options.logger.error(`stopping the ${name} capability failed`, error);
    }
  }

  /** `hearth/status`: the server's own part, then each running capability's. */
  status(): HearthStatus {
    const status = baseStatus(this.options.nativeModules ?? []);
    for (const capability of this.capabilities()) Object.assign(status, capability.status?.());
    return status;
  }

  /** The models configuration in effect (for benchmarks that report it). */
  get models(): ModelsConfig {
    return this.modelsConfig;
  }

  /** Stops every capability (their requests are cancelled first), then the services. */
  async dispose(): Promise<void> {
    await this.changes;
    if (this.disposed) return;
    this.disposed = true;
    for (const name of [...this.running.keys()].reverse()) await this.stop(name);
    this.services.feedback.dispose();
    this.services.search.dispose();
    this.services.indexes.disposeIndexes();
    await this.services.engine.dispose();
  }
}
