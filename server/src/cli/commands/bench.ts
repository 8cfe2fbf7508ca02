/** `hearth bench <what>`: performance benchmarks that print JSON (percentiles, measured side by side). */

import * as path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { runCompletionBench } from "../../bench/completionBench";
import { runFootprintBench } from "../../bench/footprintBench";
import { runIndexBench } from "../../bench/indexBench";
import { defaultRetrievalBenchConfig, runRetrievalBench } from "../../bench/retrievalBench";
import { runSoakBench } from "../../bench/soakBench";
import { findPythonStandardLibrary } from "../../eval/retrievalEval";
import { createCliEngine, optionalEmbedder, stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";

export function registerBenchCommand(program: Command): Command {
  const bench = program.command("bench").description("run a performance benchmark and print its figures");
  bench
    .command("retrieval")
    .description("vector, lexical and hybrid search latency and recall at 10k, 50k and 200k chunks")
    .option("--json", "print one JSON object")
    .option("--queries <n>", "queries per scale point", (value) => Number.parseInt(value, 10))
    .option("--dimension <n>", "vector dimension", (value) => Number.parseInt(value, 10))
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
    .option("--seed <n>", "trace seed", (value) => Number.parseInt(value, 10), 7)
    .option("--model <model>", "completion model: catalog id or .gguf path (default: Hearth's tiny model)")
    .option("--server <hearth.mjs>", "run another build's server under this harness (to compare builds)")
    .option("--json", "print one JSON object")
    .action(
      async (options: {
        files?: string[];
        seed: number;
        model?: string;
        server?: string;
        json?: boolean;
      }) => {
        const files =
          options.files ?? defaultTraceFiles().map((file) => path.join(findPythonStandardLibrary(), file));
        const progress = createProgressReporter();
        const result = await runCompletionBench({
          cliPath: options.server ? path.resolve(options.server) : process.argv[1]!,
          files,
          seed: options.seed,
          settings: options.model ? { models: { completion: options.model } } : {},
          onProgress: (done, total, label) => progress.update(done, total, label),
        });
        progress.stop();
        printResult(result, options.json);
      },
    );
  bench
    .command("footprint")
    .description(
      "the server's cost from outside: peak memory while indexing, spawn to first suggestion, idle and typing CPU",
    )
    .option("--project <dir>", "a real Python project (default: the system Python's asyncio package)")
    .option("--runs <n>", "spawn-to-suggestion runs per prefetch setting", positiveInteger, 5)
    .option("--idle-seconds <n>", "how long to measure idle CPU", positiveInteger, 60)
    .option("--seed <n>", "where to type", positiveInteger, 7)
    .option("--server <hearth.mjs>", "measure another build's server (to compare builds)")
    .option("--json", "print one JSON object")
    .action(
      async (options: {
        project?: string;
        runs: number;
        idleSeconds: number;
        seed: number;
        server?: string;
        json?: boolean;
      }) => {
        const progress = createProgressReporter();
        try {
          const result = await runFootprintBench({
            cliPath: options.server ? path.resolve(options.server) : process.argv[1]!,
            project: path.resolve(options.project ?? path.join(findPythonStandardLibrary(), "asyncio")),
            runs: options.runs,
            idleSeconds: options.idleSeconds,
            seed: options.seed,
            onProgress: (done, total, label) => progress.update(done, total, label),
          });
          progress.stop();
          printResult(result, options.json);
        } finally {
          progress.stop();
        }
      },
    );
  bench
    .command("soak")
    .description(
      "N minutes of mixed and malformed traffic against the real server: errors, unanswered requests, memory, database integrity",
    )
    .option("--minutes <n>", "how long", positiveInteger, 10)
    .option(
      "--project <dir>",
      "a real Python project to copy and work in (default: the system Python's email package)",
    )
    .option("--seed <n>", "replays the same mix", positiveInteger, 1)
    .option("--json", "print one JSON object")
    .action(async (options: { minutes: number; project?: string; seed: number; json?: boolean }) => {
      const progress = createProgressReporter();
      try {
        const result = await runSoakBench({
          cliPath: process.argv[1]!,
          project: path.resolve(options.project ?? path.join(findPythonStandardLibrary(), "email")),
          minutes: options.minutes,
          seed: options.seed,
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
    .option("--updates <n>", "single-file updates to time", (value) => Number.parseInt(value, 10), 40)
    .option(
      "--completions <n>",
      "completion requests per condition",
      (value) => Number.parseInt(value, 10),
      30,
    )
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
            root: path.resolve(dir ?? findPythonStandardLibrary()),
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

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError("expected a positive whole number");
  return number;
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
