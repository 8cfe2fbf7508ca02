/** `hearth eval <what>`: quality evals that print JSON, runnable by users on their own machine. */

import * as path from "node:path";
import type { Command } from "commander";
import { hearthCacheFolder } from "../../base/cacheFolder";
import { createCore } from "../../core/createCore";
import { runChatEval } from "../../eval/chatEval";
import { runCompletionEval } from "../../eval/completionEval";
import { EvalCorpusError, findPythonStandardLibrary, runRetrievalEval } from "../../eval/retrievalEval";
import { completionFigures, runTimeTravelEval } from "../../eval/timeTravelEval";
import { defaultIndexPath } from "../../index/indexLocation";
import { createCliEngine, embeddingSettings, optionalEmbedder, stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";
import { printResult } from "./bench";
import { integerAtLeast } from "./cliErrors";
import { registerEvalGuardrailsCommand } from "./evalGuardrails";
import { registerEvalSuiteCommands } from "./evalSuiteCommands";
import { existingFolder } from "./indexCommands";
import { registerReviewEvalCommand } from "./reviewEval";

export function registerEvalCommand(program: Command): Command {
  const evaluate = program.command("eval").description("run a quality eval and print its figures");
  evaluate
    .command("retrieval")
    .description(
      "recall@5, recall@10, MRR and nDCG@10 of lexical, vector and hybrid search on labelled queries",
    )
    .option("--corpus <dir>", "the Python standard library to search (default: the system python3's)")
    .option("--db <file>", "where to keep the eval's index (reused between runs)")
    .option("--embedding <model>", "embedding model: catalog id or .gguf path (default: Hearth's tiny model)")
    .option("--no-vectors", "lexical retrieval only")
    .option("--json", "print one JSON object")
    .action(
      async (options: {
        corpus?: string;
        db?: string;
        embedding?: string;
        vectors: boolean;
        json?: boolean;
      }) => {
        const logger = stderrLogger();
        let corpusRoot: string;
        try {
          corpusRoot = options.corpus ? existingFolder(options.corpus) : findPythonStandardLibrary();
        } catch (error) {
          if (!(error instanceof EvalCorpusError)) throw error;
          process.stderr.write(`hearth eval retrieval: ${error.message}\n`);
          process.exitCode = 2;
          return;
        }
        const engine = createCliEngine(embeddingSettings(options.embedding), logger);
        const embedder = options.vectors
          ? await optionalEmbedder(engine, logger, "no embedding model, so lexical retrieval only")
          : undefined;
        const progress = createProgressReporter();
        try {
          const result = await runRetrievalEval({
            corpusRoot,
            databasePath: options.db ?? defaultIndexPath(corpusRoot, path.join(hearthCacheFolder(), "eval")),
            embedder,
            logger,
            onProgress: (update) =>
              progress.update(
                update.done,
                update.total,
                update.phase === "embedding" ? "embedding chunks" : "indexing corpus",
              ),
          });
          progress.stop();
          if (options.json) printResult(result, true);
          else {
            process.stdout.write(
              `corpus ${result.corpus}: ${result.files} files, ${result.chunks} chunks, ${result.queries} queries\n`,
            );
            for (const [mode, scores] of Object.entries(result.retrievers)) {
              process.stdout.write(
                `${mode.padEnd(8)} recall@5 ${scores.recallAt5}  recall@10 ${scores.recallAt10}  MRR ${scores.mrr}  nDCG@10 ${scores.ndcgAt10}\n`,
              );
            }
          }
        } finally {
          progress.stop();
          await engine.dispose();
        }
      },
    );
  evaluate
    .command("completion")
    .description(
      "mask spans of real files (or, with --time-travel, the lines recent commits added), complete them, and score exact match, edit similarity and parse validity",
    )
    .argument("<dir>", "a codebase the models never saw")
    .option("--time-travel", "replay the lines the most recent commits added, each from its parent's state")
    .option("--since <date|commit>", "time travel: only commits after this")
    .option("--commits <n>", "time travel: how many commits that add code", integerAtLeast(1), 20)
    .option("--cases", "time travel: include each case's outcome in the JSON")
    .option("--files <n>", "files to sample", integerAtLeast(1), 30)
    .option("--seed <n>", "sampling seed", integerAtLeast(0), 1)
    .option("--model <model>", "completion model: catalog id or .gguf path (default: Hearth's tiny model)")
    .option("--db <file>", "where to keep the index of <dir>")
    .option("--json", "print one JSON object")
    .action(
      async (
        dir: string,
        options: {
          files: number;
          seed: number;
          model?: string;
          db?: string;
          json?: boolean;
          timeTravel?: boolean;
          since?: string;
          commits: number;
          cases?: boolean;
        },
      ) => {
        const root = existingFolder(dir);
        const logger = stderrLogger();
        const settings = { models: options.model ? { completion: options.model } : {} };
        if (options.timeTravel) {
          const progress = createProgressReporter();
          try {
            const { outcomes, ...result } = await runTimeTravelEval({
              root,
              settings,
              createCore,
              logger,
              since: options.since,
              commits: options.commits,
              fallbackFiles: options.files,
              seed: options.seed,
              onProgress: (done, total, label) => progress.update(done, total, label),
            });
            progress.stop();
            if (result.fallbackReason) {
              process.stderr.write(
                `hearth eval completion: no time travel here (${result.fallbackReason}); masked spans instead\n`,
              );
            }
            const byKind = Object.fromEntries(
              [...new Set(outcomes.map((outcome) => outcome.kind))].map((kind) => [
                kind,
                completionFigures(outcomes.filter((outcome) => outcome.kind === kind)),
              ]),
            );
            const report = { root, ...result, byKind, ...(options.cases ? { outcomes } : {}) };
            if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
            else {
              process.stdout.write(
                `${result.mode}${result.fallbackReason ? ` (${result.fallbackReason})` : ""}: ${result.cases} cases from ${result.commits.length} commits\n`,
              );
              printResult(result.figures, false);
            }
          } finally {
            progress.stop();
          }
          return;
        }
        // The index is built here with the default embedding model; the core embeds queries with the same one.
        const engine = createCliEngine({}, logger);
        const embedder = await optionalEmbedder(engine, logger, "cross-file context without vectors");
        const progress = createProgressReporter();
        try {
          const result = await runCompletionEval({
            root,
            databasePath: options.db ?? defaultIndexPath(root, path.join(hearthCacheFolder(), "eval")),
            settings,
            createCore,
            embedder,
            maxFiles: options.files,
            seed: options.seed,
            logger,
            onProgress: (done, total, label) => progress.update(done, total, label),
            onIndexProgress: (update) => progress.update(update.done, update.total, `indexing ${root}`),
          });
          progress.stop();
          printResult(result, options.json);
        } finally {
          progress.stop();
          await engine.dispose();
        }
      },
    );
  evaluate
    .command("chat")
    .description(
      "questions generated from a codebase (where is X defined; which function does <doc summary>): retrieval recall@5, citation recall and precision, latency",
    )
    .argument("<dir>", "a codebase the models never saw")
    .option("--tasks <n>", "questions to ask", integerAtLeast(1), 40)
    .option("--seed <n>", "sampling seed", integerAtLeast(0), 1)
    .option("--model <model>", "chat model: catalog id or .gguf path (default: Hearth's tiny chat model)")
    .option("--db <file>", "where to keep the index of <dir>")
    .option("--cases", "include each question's outcome in the JSON")
    .option("--json", "print one JSON object")
    .action(
      async (
        dir: string,
        options: {
          tasks: number;
          seed: number;
          model?: string;
          db?: string;
          cases?: boolean;
          json?: boolean;
        },
      ) => {
        const root = existingFolder(dir);
        const logger = stderrLogger();
        const progress = createProgressReporter();
        try {
          const { outcomes, ...result } = await runChatEval({
            root,
            databasePath: options.db ?? defaultIndexPath(root, path.join(hearthCacheFolder(), "eval-chat")),
            tasks: options.tasks,
            seed: options.seed,
            models: options.model ? { models: { chat: options.model } } : {},
            createCore,
            logger,
            onProgress: (done, total, label) => progress.update(done, total, label),
            onIndexProgress: (update) => progress.update(update.done, update.total, `indexing ${root}`),
          });
          progress.stop();
          if (result.model === null)
            process.stderr.write("hearth eval chat: no chat model (models.chat is none)\n");
          printResult({ ...result, ...(options.cases ? { outcomes } : {}) }, options.json);
        } finally {
          progress.stop();
        }
      },
    );
  registerEvalGuardrailsCommand(evaluate);
  registerEvalSuiteCommands(evaluate);
  registerReviewEvalCommand(evaluate);
  return evaluate;
}
