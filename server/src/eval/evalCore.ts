/**
 * What the evals need of Hearth's core, and how they get one: through a factory passed in (the CLI passes
 * `createCore`; the evals capability, which the core itself starts, gets it from the core's services). So the
 * evals replay the exact production pipeline without this folder importing the composition root, which
 * imports the evals capability.
 */

import type { Logger } from "../base/logger";
import type { Capability, CapabilityModule } from "../capability/capability";
import type { ModelEngine, ModelsConfig, ModelsSettings } from "../models";
import type { WorkspaceSearch } from "../retrieval/workspaceSearch";

export interface EvalCoreOptions {
  roots: readonly string[];
  /** The raw `hearth` settings the eval runs with (the user's, or a candidate's; never written anywhere). */
  settings: unknown;
  /** Model settings laid over `settings` (the chat eval's model). */
  models?: ModelsSettings;
  logger: Logger;
  indexDatabases: Readonly<Record<string, string>>;
  embedQueries: boolean;
  feedbackDatabase: null;
  excludeOwnFileFromRetrieval: boolean;
}

export interface EvalCore {
  // biome-ignore lint/suspicious/noExplicitAny: a module's services and settings types stay inside the core.
  capability<R extends Capability>(module: CapabilityModule<any, any, R>): R | undefined;
  readonly services: { engine: ModelEngine; search: WorkspaceSearch };
  readonly models: ModelsConfig;
  dispose(): Promise<void>;
}

export type EvalCoreFactory = (options: EvalCoreOptions) => Promise<EvalCore>;

/**
 * The settings a completion eval runs with: the user's (models, context, token limits) with what would make
 * cases depend on each other switched off (typed-ahead cache, prefetch, debounce), token probabilities
 * recorded for the learned gate, and the gate itself off (the eval measures what it would hold back).
 */
export function completionEvalSettings(settings: unknown): Record<string, unknown> {
  const raw = (settings && typeof settings === "object" ? settings : {}) as Record<string, unknown>;
  const completion = (raw.completion && typeof raw.completion === "object" ? raw.completion : {}) as Record<
    string,
    unknown
  >;
  return {
    ...raw,
    completion: {
      ...completion,
      enabled: true,
      cache: false,
      prefetch: false,
      debounce: false,
      tokenProbabilities: true,
      learnedGate: false,
    },
  };
}
