/**
 * `hearth eval all|runs|compare|gate`: the eval suite on the user's own code, its stored runs, a comparison of
 * two runs with paired bootstrap intervals, and the learned show/abstain gate measured on held-out commits.
 * Runs are kept in the workspace's evals database (`--db`, else `$HEARTH_EVALS_DB`, which VS Code's terminals
 * have, else the default for the folder), so runs from the CLI and from the editor can be compared.
 */

import * as path from "node:path";
import type { Command } from "commander";
import { createCore } from "../../core/createCore";
import { defaultSuiteOptions, suiteEvals } from "../../eval/evalSuite";
import { resolveEvalsDatabaseOption } from "../../eval/evalsLocation";
import { feedbackGateExamples } from "../../eval/feedbackGateExamples";
import { evaluateGate } from "../../eval/gateEval";
import { measureProbabilityCost } from "../../eval/probabilityCost";
import { compareRuns, describeModels, runSuite, UnknownEvalError } from "../../eval/suiteRuns";
import { runTimeTravelEval } from "../../eval/timeTravelEval";
import { resolveFeedbackDatabaseOption } from "../../feedback";
import { EvalStore, type StoredRun } from "../../store/evalStore";
import { stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";

const parseCount = (value: string) => {
  const count = Number.parseInt(value, 10);
  if (!Number.isInteger(count) || count <= 0)
    throw new Error(`expected a positive whole number, not ${value}`);
  return count;
};

/** The settings an eval run from the CLI evaluates: Hearth's defaults, with the completion model chosen. */
function cliSettings(model: string | undefined): Record<string, unknown> {
  return model ? { models: { completion: model } } : {};
}

export function registerEvalSuiteCommands(evaluate: Command): void {
  evaluate
    .command("all")
    .description(
      `run the suite (${suiteEvals.map((item) => item.name).join(", ")}) on <dir> and store the run with its models, settings and commit`,
    )
    .argument("<dir>", "the workspace (a git repository gives time-travel completion cases)")
    .option("--model <model>", "completion model: catalog id or .gguf path (default: Hearth's)")
    .option("--evals <names>", "comma-separated subset of the suite")
    .option(
      "--commits <n>",
      "time-travel: the most recent commits that add code",
      parseCount,
      defaultSuiteOptions.commits,
    )
    .option("--since <date|commit>", "time-travel: only commits after this")
    .option("--queries <n>", "retrieval: labelled queries", parseCount, defaultSuiteOptions.retrievalQueries)
    .option("--questions <n>", "chat: questions to ask", parseCount, defaultSuiteOptions.chatQuestions)
    .option("--label <text>", "how the run is named in lists")
    .option("--db <file>", "the evals database (default: $HEARTH_EVALS_DB, else this folder's)")
    .option("--json", "print the stored run as one JSON object")
    .action(
      async (
        dir: string,
        options: {
          model?: string;
          evals?: string;
          commits: number;
          since?: string;
          queries: number;
          questions: number;
          label?: string;
          db?: string;
          json?: boolean;
        },
      ) => {
        const root = path.resolve(dir);
        const logger = stderrLogger();
        const store = EvalStore.open(resolveEvalsDatabaseOption(options.db, root), { readonly: false });
        const progress = createProgressReporter();
        try {
          const run = await runSuite({
            root,
            settings: cliSettings(options.model),
            createCore,
            logger,
            store,
            ...(options.evals ? { evals: options.evals.split(",").map((name) => name.trim()) } : {}),
            ...(options.label ? { label: options.label } : {}),
            options: {
              since: options.since,
              commits: options.commits,
              retrievalQueries: options.queries,
              chatQuestions: options.questions,
            },
            // A run from the CLI with the default model trains the gate the editor then uses.
            storeGate: options.model === undefined,
            feedbackDatabase: resolveFeedbackDatabaseOption(undefined, root),
            onProgress: (fraction, message) => progress.update(Math.round(fraction * 1000), 1000, message),
          });
          progress.stop();
          if (options.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
          else printRun(run);
          if (run.status !== "done") process.exitCode = 1;
        } catch (error) {
          progress.stop();
          if (!(error instanceof UnknownEvalError)) throw error;
          process.stderr.write(`hearth eval all: ${error.message}\n`);
          process.exitCode = 2;
        } finally {
          store.close();
        }
      },
    );

  evaluate
    .command("runs")
    .description("list the stored eval runs of a workspace, newest first")
    .option("--dir <dir>", "the workspace (default: this folder)", ".")
    .option("--db <file>", "the evals database (default: $HEARTH_EVALS_DB, else the folder's)")
    .option("--limit <n>", "at most this many", parseCount, 50)
    .option("--json", "print one JSON object")
    .action((options: { dir: string; db?: string; limit: number; json?: boolean }) => {
      withStore(options.dir, options.db, (store, databasePath) => {
        const runs = store.runs(options.limit);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ databasePath, runs }, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) process.stdout.write(`no runs in ${databasePath}\n`);
        for (const run of runs) {
          const completion = run.figures.completion;
          process.stdout.write(
            `#${String(run.id).padEnd(4)} ${new Date(run.startedAt).toISOString().slice(0, 16)}  ${run.status.padEnd(9)} ` +
              `${(run.commit ?? "no commit").slice(0, 8).padEnd(9)} ${run.label.padEnd(24)} ` +
              `exact ${completion?.exactMatch ?? "–"}  similarity ${completion?.editSimilarity ?? "–"}\n`,
          );
        }
      });
    });

  evaluate
    .command("compare")
    .description(
      "each figure of run <b> minus run <a>, with a 95 % paired bootstrap interval for per-case means",
    )
    .argument("<a>", "run id (the baseline)", parseCount)
    .argument("<b>", "run id (the one compared with it)", parseCount)
    .option("--dir <dir>", "the workspace (default: this folder)", ".")
    .option("--db <file>", "the evals database (default: $HEARTH_EVALS_DB, else the folder's)")
    .option("--json", "print one JSON object")
    .action((a: number, b: number, options: { dir: string; db?: string; json?: boolean }) => {
      withStore(options.dir, options.db, (store) => {
        const runA = store.run(a);
        const runB = store.run(b);
        const missing = [runA ? null : a, runB ? null : b].filter((id) => id !== null);
        if (!runA || !runB) {
          process.stderr.write(
            `hearth eval compare: no run ${missing.join(" or ")} (see hearth eval runs)\n`,
          );
          process.exitCode = 2;
          return;
        }
        const comparison = compareRuns(store, runA, runB);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
          return;
        }
        process.stdout.write(`#${a} ${runA.label}  →  #${b} ${runB.label}\n`);
        for (const figure of comparison.figures) {
          const interval = figure.interval
            ? `  [${figure.interval.low}, ${figure.interval.high}]${figure.interval.significant ? " *" : ""} n=${figure.interval.pairs}`
            : "";
          process.stdout.write(
            `${`${figure.eval}.${figure.figure}`.padEnd(44)} ${String(figure.a ?? "–").padStart(10)} ${String(figure.b ?? "–").padStart(10)} ${String(figure.delta ?? "–").padStart(10)}${interval}\n`,
          );
        }
      });
    });

  evaluate
    .command("gate")
    .description(
      "train the learned show/abstain gate on older commits' suggestions and measure it on the newest ones; stores it for the workspace",
    )
    .argument("<dir>", "a git repository (its recent commits give the labelled suggestions)")
    .option("--model <model>", "completion model: catalog id or .gguf path (default: Hearth's)")
    .option("--commits <n>", "the most recent commits that add code", parseCount, 30)
    .option("--since <date|commit>", "only commits after this")
    .option("--cost-samples <n>", "completions timed with and without token probabilities", parseCount, 20)
    .option("--db <file>", "the evals database (default: $HEARTH_EVALS_DB, else this folder's)")
    .option("--json", "print one JSON object")
    .action(
      async (
        dir: string,
        options: {
          model?: string;
          commits: number;
          since?: string;
          costSamples: number;
          db?: string;
          json?: boolean;
        },
      ) => {
        const root = path.resolve(dir);
        const logger = stderrLogger();
        const settings = cliSettings(options.model);
        const progress = createProgressReporter();
        const store = EvalStore.open(resolveEvalsDatabaseOption(options.db, root), { readonly: false });
        try {
          const started = performance.now();
          const history = await runTimeTravelEval({
            root,
            settings,
            createCore,
            logger,
            since: options.since,
            commits: options.commits,
            onProgress: (done, total, label) => progress.update(done, total, label),
          });
          const trainingStarted = performance.now();
          const { report, model } = evaluateGate(
            history.outcomes,
            feedbackGateExamples(resolveFeedbackDatabaseOption(undefined, root)),
          );
          const trainingMs = Math.round(performance.now() - trainingStarted);
          const models = await describeModels(settings, store);
          const gateId = model
            ? store.saveGate(model, { ...report, completionModel: models.completion ?? null })
            : null;
          progress.update(0, options.costSamples, "timing token probabilities");
          const tokenProbabilityCost = await measureProbabilityCost({
            root,
            settings,
            createCore,
            logger,
            completions: options.costSamples,
          });
          progress.stop();
          const result = {
            ...report,
            goal: { shownReduction: 0.2, acceptedCharsRatio: 0.98 },
            meetsGoal:
              report.shownReduction !== null &&
              report.acceptedCharsRatio !== null &&
              report.shownReduction >= 0.2 &&
              report.acceptedCharsRatio >= 0.98,
            mode: history.mode,
            ...(history.fallbackReason ? { fallbackReason: history.fallbackReason } : {}),
            commits: history.commits.length,
            cases: history.cases,
            completionModel: models.completion?.id ?? models.completion?.file ?? null,
            trainingMs,
            evalSeconds: Math.round((trainingStarted - started) / 100) / 10,
            storedGate: gateId === null ? null : { id: gateId, databasePath: store.file },
            tokenProbabilityCost,
          };
          if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else
            for (const [key, value] of Object.entries(result))
              process.stdout.write(`${key.padEnd(24)} ${JSON.stringify(value)}\n`);
        } finally {
          progress.stop();
          store.close();
        }
      },
    );
}

function withStore(
  dir: string,
  db: string | undefined,
  use: (store: EvalStore, databasePath: string) => void,
): void {
  const databasePath = resolveEvalsDatabaseOption(db, path.resolve(dir));
  let store: EvalStore;
  try {
    store = EvalStore.open(databasePath, { readonly: true });
  } catch (error) {
    process.stderr.write(
      `hearth eval: no evals database to read at ${databasePath} (${(error as Error).message})\n`,
    );
    process.exitCode = 2;
    return;
  }
  try {
    use(store, databasePath);
  } finally {
    store.close();
  }
}

function printRun(run: StoredRun): void {
  process.stdout.write(
    `run #${run.id} ${run.status}: ${run.label}, commit ${run.commit?.slice(0, 8) ?? "none"}${run.dirty ? " (with uncommitted changes)" : ""}\n`,
  );
  for (const [evalName, figures] of Object.entries(run.figures)) {
    process.stdout.write(`${evalName}\n`);
    for (const [name, value] of Object.entries(figures))
      process.stdout.write(`  ${name.padEnd(34)} ${value ?? "–"}\n`);
  }
  for (const note of run.notes) process.stdout.write(`note: ${note}\n`);
  if (run.error) process.stdout.write(`error: ${run.error}\n`);
}
