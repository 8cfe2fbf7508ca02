/** `hearth bench <what>`: performance benchmarks that print JSON (percentiles, measured side by side). */

import type { Command } from "commander";
import { defaultRetrievalBenchConfig, runRetrievalBench } from "../../bench/retrievalBench";
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
  return bench;
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
