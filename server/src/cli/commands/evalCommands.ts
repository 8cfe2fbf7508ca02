/** `hearth eval <what>`: quality evals that print JSON, runnable by users on their own machine. */

import * as path from "node:path";
import type { Command } from "commander";
import { completionModelOf } from "../../completer/completionModel";
import { resolveSettings } from "../../config/settings";
import { runCompletionEval } from "../../eval/completionEval";
import { EvalCorpusError, findPythonStandardLibrary, runRetrievalEval } from "../../eval/retrievalEval";
import { defaultIndexPath, hearthCacheFolder } from "../../index/indexLocation";
import { createCliEngine, embeddingSettings, optionalEmbedder, stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";
import { printResult } from "./bench";
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
          corpusRoot = path.resolve(options.corpus ?? findPythonStandardLibrary());
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
      "mask spans of real files, complete them, and score exact match, edit similarity and parse validity",
    )
    .argument("<dir>", "a codebase the models never saw")
    .option("--files <n>", "files to sample", (value) => Number.parseInt(value, 10), 30)
    .option("--seed <n>", "sampling seed", (value) => Number.parseInt(value, 10), 1)
    .option("--model <model>", "completion model: catalog id or .gguf path (default: Hearth's tiny model)")
    .option("--db <file>", "where to keep the index of <dir>")
    .option("--json", "print one JSON object")
    .action(
      async (
        dir: string,
        options: { files: number; seed: number; model?: string; db?: string; json?: boolean },
      ) => {
        const root = path.resolve(dir);
        const logger = stderrLogger();
        const settings = resolveSettings(
          options.model ? { models: { completion: options.model } } : {},
          (message) => logger.warn(message),
        );
        const engine = createCliEngine(settings.models, logger);
        const embedder = await optionalEmbedder(engine, logger, "cross-file context without vectors");
        const progress = createProgressReporter();
        try {
          const result = await runCompletionEval({
            root,
            databasePath: options.db ?? defaultIndexPath(root, path.join(hearthCacheFolder(), "eval")),
            model: completionModelOf(engine),
            embedder,
            completer: settings.completion,
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
  registerReviewEvalCommand(evaluate);
  return evaluate;
}
