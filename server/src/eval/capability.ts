/**
 * The evals capability: runs the eval suite on the workspace in the background (`hearth/evals/run`; its own
 * cores and engines configured only for the eval, generating at background priority; progress as `$/progress`
 * and `hearth/evals/progress`; cancelled with the request), optionally a second time with a candidate
 * completion model for a side-by-side result (the user's settings are never written), lists and gets stored
 * runs, and compares two. It also keeps the completer's learned show/abstain gate: the workspace's stored gate
 * is loaded at start (when it was trained for the completion model in use), and a run with the user's settings
 * trains and applies a new one.
 */

import { existsSync } from "node:fs";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import { type CapabilityModule, type ClientPort, onRequest } from "../capability/capability";
import type { LearnedShowGate } from "../completion/learnedShowGate";
import { isShowGateModel } from "../completion/pipeline";
import { feedbackDatabasePath } from "../feedback";
import type { WorkspaceFolders } from "../index/workspaceFolders";
import {
  compareEvalRunsRequest,
  type EvalComparison,
  type EvalRun,
  evalsProgressNotification,
  getEvalRunRequest,
  listEvalRunsRequest,
  type RunEvalsParams,
  type RunEvalsResult,
  runEvalsRequest,
} from "../protocol";
import { EvalStore, type StoredRun } from "../store/evalStore";
import type { EvalCoreFactory } from "./evalCore";
import { defaultSuiteOptions } from "./evalSuite";
import { evalsDatabasePath } from "./evalsLocation";
import { compareRuns, describeModels, runSuite } from "./suiteRuns";

export interface EvalsServices {
  logger: Logger;
  folders: WorkspaceFolders;
  storageFolder: string | undefined;
  client: ClientPort;
  showGate: LearnedShowGate;
  createCore: EvalCoreFactory;
}

/** The settings an eval runs with: the user's model, completion and guardrails settings, as written. */
export interface EvalsSettings {
  evaluated: { models: unknown; completion: unknown; guardrails: unknown };
}

export class EvalsBusyError extends Error {
  override name = "EvalsBusyError";
  constructor() {
    super("an eval run is already going; cancel it or wait for it to finish");
  }
}

export class NoWorkspaceError extends Error {
  override name = "NoWorkspaceError";
  constructor() {
    super("evals run on a workspace folder; open one first");
  }
}

export const evalsCapability: CapabilityModule<EvalsServices, EvalsSettings> = {
  name: "evals",
  settingsSections: ["models", "completion", "guardrails"],
  resolveSettings: (raw) => {
    const settings = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    return {
      evaluated: {
        models: settings.models,
        completion: settings.completion,
        guardrails: settings.guardrails,
      },
    };
  },
  start(services, settings) {
    const { logger } = services;
    const root = services.folders.roots[0];
    const databasePath = root ? evalsDatabasePath(services.storageFolder, root) : undefined;
    const stopping = new AbortController();
    let running = false;

    const withStore = async <T>(use: (store: EvalStore) => T | Promise<T>): Promise<T> => {
      if (!databasePath) throw new NoWorkspaceError();
      const store = EvalStore.open(databasePath, { readonly: false });
      try {
        return await use(store);
      } finally {
        store.close();
      }
    };

    /** Applies the workspace's latest gate if it was trained for the completion model now configured. */
    const loadGate = () =>
      withStore(async (store) => {
        const gate = store.latestGate();
        if (!gate || !isShowGateModel(gate.model)) return;
        const trainedFor = (gate.report as { completionModel?: { sha256?: string | null } | null })
          .completionModel;
        const current = (await describeModels(settings.evaluated, store)).completion;
        if (current?.sha256 && trainedFor?.sha256 === current.sha256) services.showGate.setModel(gate.model);
        else services.showGate.setModel(null);
      });
    // Only a workspace that has run evals has a gate; opening the store would create the file.
    if (databasePath && existsSync(databasePath)) {
      loadGate().catch((error) =>
        logger.warn(`evals: the learned gate was not loaded (${messageOf(error)})`),
      );
    }

    const run = async (params: RunEvalsParams, signal: AbortSignal): Promise<RunEvalsResult> => {
      if (!root) throw new NoWorkspaceError();
      if (running) throw new EvalsBusyError();
      running = true;
      const cancel = AbortSignal.any([signal, stopping.signal]);
      const phases = params.candidateModel ? 2 : 1;
      const progress = services.client.progress("Hearth: running evals");
      const report = (phase: "baseline" | "candidate", fraction: number, message: string) => {
        const percentage = Math.round(((phase === "baseline" ? 0 : 1) + fraction) * (100 / phases));
        progress.report(message, percentage);
        services.client.notify(evalsProgressNotification, { phase, message, percentage });
      };
      try {
        return await withStore(async (store) => {
          const options = {
            since: params.since,
            commits: params.commits ?? defaultSuiteOptions.commits,
            retrievalQueries: params.retrievalQueries ?? defaultSuiteOptions.retrievalQueries,
            chatQuestions: params.chatQuestions ?? defaultSuiteOptions.chatQuestions,
          };
          const runWith = (phase: "baseline" | "candidate", evaluated: unknown, label?: string) =>
            runSuite({
              root,
              settings: evaluated,
              createCore: services.createCore,
              logger,
              store,
              ...(params.evals ? { evals: params.evals } : {}),
              ...(label ? { label } : {}),
              options,
              storeGate: phase === "baseline",
              feedbackDatabase: feedbackDatabasePath(services.storageFolder, root),
              signal: cancel,
              onProgress: (fraction, message) => report(phase, fraction, message),
            });
          const baseline = await runWith("baseline", settings.evaluated);
          if (baseline.figures.gate) await loadGate();
          let candidate: StoredRun | null = null;
          if (params.candidateModel && baseline.status === "done") {
            const models = (settings.evaluated.models ?? {}) as Record<string, unknown>;
            candidate = await runWith(
              "candidate",
              { ...settings.evaluated, models: { ...models, completion: params.candidateModel } },
              `candidate: ${params.candidateModel}`,
            );
          }
          return {
            baseline: toWireRun(baseline),
            candidate: candidate && toWireRun(candidate),
            comparison: candidate ? compareRuns(store, baseline, candidate) : null,
          };
        });
      } finally {
        running = false;
        progress.end();
      }
    };

    return {
      requests: [
        onRequest(runEvalsRequest, (params, { signal }) => run(params, signal)),
        onRequest(listEvalRunsRequest, (params) =>
          withStore((store) => ({
            databasePath: store.file,
            runs: store.runs(params.limit ?? 50).map(toWireRun),
          })),
        ),
        onRequest(getEvalRunRequest, (params) =>
          withStore((store) => {
            const found = store.run(params.id);
            return found ? toWireRun(found) : null;
          }),
        ),
        onRequest(compareEvalRunsRequest, (params) =>
          withStore((store): EvalComparison => {
            const a = store.run(params.a);
            const b = store.run(params.b);
            if (!a || !b) throw new RangeError(`no run ${a ? params.b : params.a} in ${store.file}`);
            return compareRuns(store, a, b);
          }),
        ),
      ],
      dispose() {
        // A run in progress stops at its next case and is stored as cancelled.
        stopping.abort();
      },
    };
  },
};

function toWireRun(run: StoredRun): EvalRun {
  return {
    ...run,
    models: run.models as EvalRun["models"],
    settings: run.settings as EvalRun["settings"],
  };
}
