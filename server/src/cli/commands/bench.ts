/** `hearth bench <what>`: performance benchmarks that print JSON (percentiles, measured side by side). */

import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { runChatBench } from "../../bench/chatBench";
import { runCompletionBench } from "../../bench/completionBench";
import { runEnginesBench } from "../../bench/enginesBench";
import { runFootprintBench } from "../../bench/footprintBench";
import { runIndexBench } from "../../bench/indexBench";
import { defaultRetrievalBenchConfig, runRetrievalBench } from "../../bench/retrievalBench";
import { runSoakBench } from "../../bench/soakBench";
import { findPythonStandardLibrary } from "../../eval/retrievalEval";
import { type RemoteProviderName, remoteProviders } from "../../models";
import { createCliEngine, optionalEmbedder, stderrLogger } from "../cliEngine";
import { withProgress } from "../progressReporter";
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
      const result = await withProgress((onProgress) =>
        runRetrievalBench({
          ...defaultRetrievalBenchConfig,
          queries: options.queries ?? defaultRetrievalBenchConfig.queries,
          dimension: options.dimension ?? defaultRetrievalBenchConfig.dimension,
          onProgress,
        }),
      );
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
          options.files?.map(existingFile) ??
          defaultTraceFiles().map((file) => path.join(findPythonStandardLibrary(), file));
        const result = await withProgress((onProgress) =>
          runCompletionBench({
            cliPath: options.server ? existingFile(options.server) : process.argv[1]!,
            files,
            seed: options.seed,
            settings: options.model ? { models: { completion: options.model } } : {},
            onProgress,
          }),
        );
        printResult(result, options.json);
      },
    );
  bench
    .command("footprint")
    .description(
      "the server's cost from outside: peak memory while indexing, spawn to first suggestion, idle and typing CPU",
    )
    .option("--project <dir>", "a real Python project (default: the system Python's asyncio package)")
    .option("--runs <n>", "spawn-to-suggestion runs per prefetch setting", integerAtLeast(1), 5)
    .option("--idle-seconds <n>", "how long to measure idle CPU", integerAtLeast(1), 60)
    .option("--seed <n>", "where to type", integerAtLeast(0), 7)
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
        const result = await withProgress((onProgress) =>
          runFootprintBench({
            cliPath: options.server ? existingFile(options.server) : process.argv[1]!,
            project: existingFolder(options.project ?? path.join(findPythonStandardLibrary(), "asyncio")),
            runs: options.runs,
            idleSeconds: options.idleSeconds,
            seed: options.seed,
            onProgress,
          }),
        );
        printResult(result, options.json);
      },
    );
  bench
    .command("soak")
    .description(
      "N minutes of mixed and malformed traffic against the real server: errors, unanswered requests, memory, database integrity",
    )
    .option("--minutes <n>", "how long", integerAtLeast(1), 10)
    .option(
      "--project <dir>",
      "a real Python project to copy and work in (default: the system Python's email package)",
    )
    .option("--seed <n>", "replays the same mix", integerAtLeast(0), 1)
    .option("--json", "print one JSON object")
    .action(async (options: { minutes: number; project?: string; seed: number; json?: boolean }) => {
      const result = await withProgress((onProgress) =>
        runSoakBench({
          cliPath: process.argv[1]!,
          project: existingFolder(options.project ?? path.join(findPythonStandardLibrary(), "email")),
          minutes: options.minutes,
          seed: options.seed,
          onProgress,
        }),
      );
      printResult(result, options.json);
    });
  bench
    .command("engines")
    .description(
      "simulated users completing against a remote engine on this machine and the in-process engine, side by side",
    )
    .requiredOption("--engine <url>", "the remote engine's address (127.0.0.1, localhost or ::1 only)")
    .option("--provider <name>", "llama-server, openai-compatible or ollama", "llama-server")
    .option("--remote-model <name>", "the model name the server knows (openai-compatible, ollama)")
    .option("--users <n>", "simultaneous users (1-16)", (value) => Number.parseInt(value, 10), 4)
    .option("--requests <n>", "requests per user (1-64)", (value) => Number.parseInt(value, 10), 8)
    .option("--seconds <n>", "time limit per engine (1-600)", (value) => Number.parseInt(value, 10), 120)
    .option("--max-tokens <n>", "tokens per completion", (value) => Number.parseInt(value, 10), 24)
    .option("--files <paths...>", "source files to complete in (default: modules of the system Python)")
    .option("--json", "print one JSON object")
    .action(
      async (options: {
        engine: string;
        provider: string;
        remoteModel?: string;
        users: number;
        requests: number;
        seconds: number;
        maxTokens: number;
        files?: string[];
        json?: boolean;
      }) => {
        if (!(remoteProviders as readonly string[]).includes(options.provider)) {
          throw new Error(`unknown --provider ${options.provider} (${remoteProviders.join(", ")})`);
        }
        const paths =
          options.files ?? defaultTraceFiles().map((file) => path.join(findPythonStandardLibrary(), file));
        const result = await withProgress((onProgress) =>
          runEnginesBench({
            endpoint: options.engine,
            provider: options.provider as RemoteProviderName,
            ...(options.remoteModel ? { remoteModel: options.remoteModel } : {}),
            users: options.users,
            requestsPerUser: options.requests,
            seconds: options.seconds,
            maxTokens: options.maxTokens,
            files: paths.map((file) => ({ path: path.basename(file), text: readFileSync(file, "utf8") })),
            logger: stderrLogger(),
            onProgress,
          }),
        );
        printResult(result, options.json);
      },
    );
  bench
    .command("chat")
    .description("chat time to first token: cold, next turn (KV reuse) and a saved prefix state file")
    .argument("[dir]", "a real codebase (default: the system Python's json package)")
    .option("--rounds <n>", "conversations per condition", integerAtLeast(1), 3)
    .option("--model <model>", "chat model: catalog id or .gguf path (default: Hearth's tiny chat model)")
    .option("--json", "print one JSON object")
    .action(async (dir: string | undefined, options: { rounds: number; model?: string; json?: boolean }) => {
      const logger = stderrLogger();
      const result = await withProgress((onProgress) =>
        runChatBench({
          root: existingFolder(dir ?? path.join(findPythonStandardLibrary(), "json")),
          rounds: options.rounds,
          models: options.model ? { models: { chat: options.model } } : {},
          logger,
          onProgress,
        }),
      );
      printResult(result, options.json);
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
        try {
          const embedder = await optionalEmbedder(engine, logger, "indexing without vectors");
          const result = await withProgress((onProgress) =>
            runIndexBench({
              cliPath: process.argv[1]!,
              root: existingFolder(dir ?? findPythonStandardLibrary()),
              embedder,
              updates: options.updates,
              completions: options.completions,
              logger,
              onProgress,
            }),
          );
          printResult(result, options.json);
        } finally {
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
