/** `hearth bench <what>`: performance benchmarks that print JSON (percentiles, measured side by side). */

import { statSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { runChatBench } from "../../bench/chatBench";
import { runCompletionBench } from "../../bench/completionBench";
import { runIndexBench } from "../../bench/indexBench";
import { defaultRetrievalBenchConfig, runRetrievalBench } from "../../bench/retrievalBench";
import { findPythonStandardLibrary } from "../../eval/retrievalEval";
import { createCliEngine, optionalEmbedder, stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";
import { CliError, integerAtLeast, printable } from "./cliErrors";
import { existingFolder } from "./indexCommands";

export function registerBenchCommand(program: Command): Command {
  const bench = program.command("bench").description("run a performance benchmark and print its figures");
  bench
    .command("retrieval")
    .description("vector, lexical and hybrid search latency and recall at 10k, 50k and 200k chunks")
    .option("--json", "print one JSON object")
    .option("--queries <n>", "queries per scale point", integerAtLeast(1))
    .option("--dimension <n>", "vector dimension", integerAtLeast(1))
    .action(async (options: { json?: boolean; queries?: number; dimension?: number }) => {
      const progress = createProgressReporter();
      const result = await runRetrievalBench({
        ...defaultRetrievalBenchConfig,
        queries: options.queries ?? defaultRetrievalBenchConfig.queries,
        dimension: options.dimension ?? defaultRetrievalBenchConfig.dimension,
        onProgress: (done, total, label) => progress.update(done, total, label),
      });
      progress.stop();
      printResult(result, options.json);
    });
  bench
    .command("completion")
    .description(
      "replay a typing trace through the real server: latency per suggestion, with and without caches",
    )
    .option(
      "--files <paths...>",
      "source files to type into (default: modules of the system Python's standard library)",
    )
    .option("--seed <n>", "trace seed", integerAtLeast(0), 7)
    .option("--model <model>", "completion model: catalog id or .gguf path (default: Hearth's tiny model)")
    .option("--json", "print one JSON object")
    .action(async (options: { files?: string[]; seed: number; model?: string; json?: boolean }) => {
      const files =
        options.files?.map(existingFile) ??
        defaultTraceFiles().map((file) => path.join(findPythonStandardLibrary(), file));
      const progress = createProgressReporter();
      const result = await runCompletionBench({
        cliPath: process.argv[1]!,
        files,
        seed: options.seed,
        settings: options.model ? { models: { completion: options.model } } : {},
        onProgress: (done, total, label) => progress.update(done, total, label),
      });
      progress.stop();
      printResult(result, options.json);
    });
  bench
    .command("chat")
    .description("chat time to first token: cold, next turn (KV reuse) and a saved prefix state file")
    .argument("[dir]", "a real codebase (default: the system Python's json package)")
    .option("--rounds <n>", "conversations per condition", integerAtLeast(1), 3)
    .option("--model <model>", "chat model: catalog id or .gguf path (default: Hearth's tiny chat model)")
    .option("--json", "print one JSON object")
    .action(async (dir: string | undefined, options: { rounds: number; model?: string; json?: boolean }) => {
      const logger = stderrLogger();
      const progress = createProgressReporter();
      try {
        const result = await runChatBench({
          root: existingFolder(dir ?? path.join(findPythonStandardLibrary(), "json")),
          rounds: options.rounds,
          models: options.model ? { models: { chat: options.model } } : {},
          logger,
          onProgress: (done, total, label) => progress.update(done, total, label),
        });
        progress.stop();
        printResult(result, options.json);
      } finally {
        progress.stop();
      }
    });
  bench
    .command("index")
    .description("first and unchanged index passes, single-file updates, completion latency while indexing")
    .argument("[dir]", "a real codebase (default: the system Python's standard library)")
    .option("--updates <n>", "single-file updates to time", integerAtLeast(0), 40)
    .option("--completions <n>", "completion requests per condition", integerAtLeast(1), 30)
    .option("--json", "print one JSON object")
    .action(
      async (dir: string | undefined, options: { updates: number; completions: number; json?: boolean }) => {
        const logger = stderrLogger();
        const engine = createCliEngine({}, logger);
        const progress = createProgressReporter();
        try {
          const embedder = await optionalEmbedder(engine, logger, "indexing without vectors");
          const result = await runIndexBench({
            cliPath: process.argv[1]!,
            root: existingFolder(dir ?? findPythonStandardLibrary()),
            embedder,
            updates: options.updates,
            completions: options.completions,
            logger,
            onProgress: (done, total, label) => progress.update(done, total, label),
          });
          progress.stop();
          printResult(result, options.json);
        } finally {
          progress.stop();
          await engine.dispose();
        }
      },
    );
  return bench;
}

function existingFile(file: string): string {
  const absolute = path.resolve(file);
  if (!statSync(absolute, { throwIfNoEntry: false })?.isFile())
    throw new CliError(`no file ${printable(absolute)}`);
  return absolute;
}

/** Ordinary, mid-sized modules: code people write every day. */
function defaultTraceFiles(): string[] {
  return ["textwrap.py", "shlex.py", "csv.py", "fnmatch.py", "json/encoder.py", "glob.py"];
}

export function printResult(result: object, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  for (const [key, value] of Object.entries(result)) {
    if (typeof value !== "object") process.stdout.write(`${key.padEnd(28)} ${value}\n`);
  }
}
