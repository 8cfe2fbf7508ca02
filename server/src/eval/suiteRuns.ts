/**
 * Running the suite and keeping what it measured: a run is stored with what produced it (the models, each
 * with the sha256 of its file, cached by path, size and mtime; the settings that change results; the commit
 * and whether the working tree differed from it), then every eval's figures and case outcomes. Comparing two
 * stored runs gives each figure's delta with a paired bootstrap interval where the figure is a mean over cases.
 */

import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import { round } from "../base/numbers";
import { resolveCompletionSettings } from "../completion/completionSettings";
import type { ShowGateModel } from "../completion/pipeline";
import { resolveGuardrailsConfig } from "../guardrails";
import { type ModelRole, readModelsSettings, resolveModelFile, resolveModelsConfig } from "../models";
import type { EvalStore, StoredRun } from "../store/evalStore";
import type { EvalCoreFactory } from "./evalCore";
import { type EvalOutput, findSuiteEval, type SuiteOptions, suiteEvals } from "./evalSuite";
import type { GateReport } from "./gateEval";
import { openGitHistory } from "./gitHistory";
import { type PairedInterval, pairedBootstrap } from "./pairedBootstrap";

export interface SuiteRunOptions {
  root: string;
  settings: unknown;
  createCore: EvalCoreFactory;
  logger: Logger;
  store: EvalStore;
  /** Which evals (default: all of the suite), in suite order. */
  evals?: readonly string[];
  label?: string;
  options: SuiteOptions;
  /** Store the gate the run trains as this workspace's (runs with the user's own settings only). */
  storeGate: boolean;
  /** The workspace's feedback database: its labelled suggestions also train the stored gate. */
  feedbackDatabase?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Overall progress, 0 to 1, with what is happening. */
  onProgress?: (fraction: number, message: string) => void;
}

export class UnknownEvalError extends Error {
  override name = "UnknownEvalError";
}

export async function runSuite(options: SuiteRunOptions): Promise<StoredRun> {
  const names = options.evals ?? suiteEvals.map((item) => item.name);
  const chosen = names.map((name) => {
    const found = findSuiteEval(name);
    if (!found) {
      throw new UnknownEvalError(
        `no eval named "${name}"; the suite has ${suiteEvals.map((item) => item.name).join(", ")}`,
      );
    }
    return found;
  });
  const history = openGitHistory(options.root);
  const models = await describeModels(options.settings, options.store);
  const id = options.store.startRun({
    workspace: options.root,
    label: options.label ?? modelLabel(models),
    evals: chosen.map((item) => item.name),
    commit: history.usable ? history.repository.head() : null,
    dirty: history.usable ? history.repository.dirty() : null,
    models,
    settings: settingsThatMatter(options.settings),
  });
  const figures: Record<string, Record<string, number | null>> = {};
  const cases: Record<string, EvalOutput["cases"]> = {};
  const notes: string[] = [];
  const earlier: Record<string, EvalOutput> = {};
  let status: "done" | "cancelled" | "failed" = "done";
  let error: string | null = null;
  for (const [index, suiteEval] of chosen.entries()) {
    if (options.signal?.aborted) {
      status = "cancelled";
      break;
    }
    try {
      const output = await suiteEval.run({
        root: options.root,
        settings: options.settings,
        createCore: options.createCore,
        logger: options.logger,
        options: options.options,
        signal: options.signal,
        earlier,
        feedbackDatabase: options.feedbackDatabase,
        ...(options.storeGate
          ? {
              saveGate: (model: ShowGateModel, report: GateReport) =>
                options.store.saveGate(model, { ...report, completionModel: models.completion ?? null }),
            }
          : {}),
        progress: (done, total, label) =>
          options.onProgress?.(
            (index + (total > 0 ? Math.min(1, done / total) : 0)) / chosen.length,
            `${suiteEval.name}: ${label}`,
          ),
      });
      earlier[suiteEval.name] = output;
      figures[suiteEval.name] = output.figures;
      cases[suiteEval.name] = output.cases;
      notes.push(...output.notes.map((note) => `${suiteEval.name}: ${note}`));
    } catch (caught) {
      if (options.signal?.aborted) {
        status = "cancelled";
        break;
      }
      options.logger.error(`the ${suiteEval.name} eval failed`, caught);
      status = "failed";
      error = `${suiteEval.name}: ${messageOf(caught)}`;
      notes.push(`${suiteEval.name}: failed (${messageOf(caught)})`);
    }
  }
  options.store.finishRun(id, { status, figures, cases, notes, error });
  return options.store.run(id)!;
}

export interface ModelIdentity {
  /** As configured: a catalog id or a path. */
  setting: string;
  id: string | null;
  file: string;
  sizeBytes: number | null;
  /** Of the GGUF file; `null` when the file is missing. */
  sha256: string | null;
}

/** The completion, draft, embedding and chat models the settings choose, each with its file's checksum. */
export async function describeModels(
  settings: unknown,
  store: EvalStore,
): Promise<Partial<Record<ModelRole, ModelIdentity | null>>> {
  const config = resolveModelsConfig(readModelsSettings(settings, () => {}));
  const described: Partial<Record<ModelRole, ModelIdentity | null>> = {};
  for (const role of ["completion", "draft", "embedding", "chat"] as const) {
    const roleConfig = config.roles[role];
    if (!roleConfig) {
      described[role] = null;
      continue;
    }
    const resolved = resolveModelFile(roleConfig.model, role, config);
    const stat = statSync(resolved.path, { throwIfNoEntry: false });
    described[role] = {
      setting: roleConfig.model,
      id: resolved.id,
      file: resolved.path,
      sizeBytes: stat?.size ?? null,
      sha256: stat ? await fileChecksum(resolved.path, stat.size, stat.mtimeMs, store) : null,
    };
  }
  return described;
}

/** sha256 of a file, remembered by path, size and mtime so a multi-gigabyte GGUF is read once. */
export async function fileChecksum(
  file: string,
  size: number,
  mtimeMs: number,
  store: EvalStore,
): Promise<string> {
  const cached = store.cachedChecksum(file, size, mtimeMs);
  if (cached) return cached;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const digest = hash.digest("hex");
  store.rememberChecksum(file, size, mtimeMs, digest);
  return digest;
}

/** The settings that change what an eval measures (models' runtime, completion, guardrails). */
export function settingsThatMatter(settings: unknown): Record<string, unknown> {
  const models = resolveModelsConfig(readModelsSettings(settings, () => {}));
  const { completer } = resolveCompletionSettings(settings, () => {});
  const guardrails = resolveGuardrailsConfig(
    (settings as { guardrails?: unknown } | undefined)?.guardrails,
    () => {},
  );
  const role = (name: ModelRole) => {
    const config = models.roles[name];
    return config && { model: config.model, contextSize: config.contextSize, gpuLayers: config.gpuLayers };
  };
  return {
    gpu: models.gpu,
    threads: models.threads,
    models: {
      completion: role("completion"),
      draft: role("draft"),
      embedding: role("embedding"),
      chat: role("chat"),
    },
    completion: {
      crossFileContext: completer.crossFileContext,
      speculation: completer.speculation ?? models.roles.completion?.speculation ?? null,
      maxTokens: completer.maxTokens,
    },
    guardrails: { completionParseCheck: guardrails.completionParseCheck.enabled },
  };
}

function modelLabel(models: Partial<Record<ModelRole, ModelIdentity | null>>): string {
  const completion = models.completion;
  return completion ? (completion.id ?? completion.file.split(/[\\/]/).pop()!) : "no completion model";
}

export interface FigureComparison {
  eval: string;
  figure: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  /** For figures that are means over cases: the paired bootstrap interval of the delta (95 %). */
  interval: PairedInterval | null;
  lowerIsBetter: boolean;
}

export interface RunComparison {
  a: { id: number; label: string; commit: string | null };
  b: { id: number; label: string; commit: string | null };
  figures: FigureComparison[];
}

/** Every figure the two runs share, B minus A, with paired bootstrap intervals for per-case means. */
export function compareRuns(store: EvalStore, a: StoredRun, b: StoredRun): RunComparison {
  const figures: FigureComparison[] = [];
  for (const evalName of Object.keys(a.figures)) {
    const suiteEval = findSuiteEval(evalName);
    const bFigures = b.figures[evalName];
    if (!bFigures) continue;
    const casesA = store.cases(a.id, evalName);
    const casesB = store.cases(b.id, evalName);
    for (const [figure, valueA] of Object.entries(a.figures[evalName]!)) {
      if (!(figure in bFigures)) continue;
      const valueB = bFigures[figure] ?? null;
      const metric = suiteEval?.caseMetrics[figure] as ((outcome: unknown) => number | null) | undefined;
      let interval: PairedInterval | null = null;
      if (metric) {
        const pairs: [number, number][] = [];
        for (const [key, outcomeA] of casesA) {
          if (!casesB.has(key)) continue;
          const left = metric(outcomeA);
          const right = metric(casesB.get(key));
          if (left !== null && right !== null) pairs.push([left, right]);
        }
        interval = pairedBootstrap(pairs);
      }
      figures.push({
        eval: evalName,
        figure,
        a: valueA,
        b: valueB,
        delta: valueA === null || valueB === null ? null : round(valueB - valueA, 4),
        interval,
        lowerIsBetter: suiteEval?.lowerIsBetter.includes(figure) ?? false,
      });
    }
  }
  const summary = (run: StoredRun) => ({ id: run.id, label: run.label, commit: run.commit });
  return { a: summary(a), b: summary(b), figures };
}
