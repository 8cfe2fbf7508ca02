/**
 * `hearth bench inference`: speculative decoding, prompt caching and bandwidth figures, side by side in one
 * process, on Hearth's tiny models and on any configured real models. With `--json` it prints one JSON object
 * whose top level holds the tiny models' figures; progress goes to stderr.
 */

import * as os from "node:os";
import type { Command } from "commander";
import type { Logger } from "../../base/logger";
import {
  type BenchmarkOptions,
  benchmarkSuite,
  measureDraftSetting,
  type SuiteFigures,
} from "../../bench/inferenceBench";
import { ModelEngine, type ModelsConfig, resolveModelsConfig } from "../../models";
import { stderrLogger } from "../cliEngine";
import { integerAtLeast } from "./cliErrors";
import { addModelFlags, type ModelFlags, settingsFromFlags } from "./models";

/** The best fixed draft setting on the tiny models (see the sweep): up to 4 tokens, stopping below 40% confidence. */
const forcedDraft = { maxTokens: 4, minConfidence: 0.4, adaptive: false };

interface BenchFlags extends ModelFlags {
  json?: boolean;
  runs: number;
  maxTokens: number;
  sweep?: boolean;
}

export function registerBenchInferenceCommand(program: Command): void {
  const bench =
    program.commands.find((command) => command.name() === "bench") ??
    program.command("bench").description("measure Hearth's performance on this machine");
  addModelFlags(
    bench
      .command("inference")
      .description("decode speed with and without speculation, time to first token with prompt caching, MBU")
      .option("--json", "print one JSON object")
      .option("--runs <n>", "repetitions per measurement (figures are medians)", integerAtLeast(1), 5)
      .option("--max-tokens <n>", "tokens generated per decode sample", integerAtLeast(8), 64)
      .option("--sweep", "also try several draft lengths and confidence thresholds"),
  ).action(async (flags: BenchFlags) => {
    const report = await runInferenceBenchmark(flags);
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  });
}

export async function runInferenceBenchmark(flags: BenchFlags) {
  const logger = stderrLogger();
  const options: BenchmarkOptions = {
    runs: flags.runs,
    maxTokens: flags.maxTokens,
    progress: (message) => process.stderr.write(`bench: ${message}\n`),
  };
  // Drafting is measured at a fixed length, so the figures show what drafting costs and gains; in normal use
  // the engine adapts the length and stops drafting where it does not pay (the sweep's last row).
  const settings = { ...settingsFromFlags(flags), draft: forcedDraft };
  const tiny = resolveModelsConfig({
    ...settings,
    models: { completion: "hearth-tiny-code", draft: "hearth-tiny-draft", chat: null, embedding: null },
  });
  const configured = resolveModelsConfig(settings);
  const suites: Record<string, SuiteFigures> = {};
  options.progress?.("suite tiny (Hearth's tiny models)");
  suites.tiny = await runSuite(tiny, logger, options);
  const custom = configured.roles.completion;
  if (custom && custom.model !== tiny.roles.completion?.model) {
    options.progress?.(`suite configured (${custom.model})`);
    suites.configured = await runSuite(
      { ...configured, roles: { ...configured.roles, chat: null, embedding: null } },
      logger,
      options,
    );
  }
  const sweep = [];
  if (flags.sweep) {
    for (const setting of [
      { maxTokens: 1, minConfidence: 0, adaptive: false },
      { maxTokens: 2, minConfidence: 0, adaptive: false },
      { maxTokens: 4, minConfidence: 0, adaptive: false },
      { maxTokens: 8, minConfidence: 0, adaptive: false },
      { maxTokens: 4, minConfidence: 0.4, adaptive: false },
      { maxTokens: 8, minConfidence: 0.4, adaptive: false },
      // The engine's default: the tuner picks the length and stops drafting when it does not pay.
      { maxTokens: 8, minConfidence: 0.4, adaptive: true },
    ]) {
      options.progress?.(`draft sweep ${JSON.stringify(setting)}`);
      sweep.push(
        await measureDraftSetting(tiny, logger, setting, { ...options, runs: Math.min(options.runs, 3) }),
      );
    }
  }
  const primary = suites.tiny!;
  const best = (figures: SuiteFigures["completion"]) =>
    (
      [
        ["none", 1],
        ["draft", figures.draftSpeedup ?? 0],
        ["inputLookup", figures.inputLookupSpeedup],
      ] as const
    ).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return {
    ...flatten(primary),
    recommendedSpeculation: { completion: best(primary.completion), edit: best(primary.edit) },
    suites,
    draftSweep: sweep,
    draftSetting: forcedDraft,
    environment: {
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.availableParallelism(),
      threads: tiny.threads,
      loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
      node: process.version,
      runs: options.runs,
      maxTokens: options.maxTokens,
    },
  };
}

async function runSuite(
  config: ModelsConfig,
  logger: Logger,
  options: BenchmarkOptions,
): Promise<SuiteFigures> {
  const engine = ModelEngine.create(config, logger);
  try {
    return await benchmarkSuite(engine, options);
  } finally {
    await engine.dispose();
  }
}

function flatten(suite: SuiteFigures) {
  const { completion, edit, ttft } = suite;
  return {
    plainTokensPerSecond: completion.plainTokensPerSecond,
    draftTokensPerSecond: completion.draftTokensPerSecond,
    inputLookupTokensPerSecond: completion.inputLookupTokensPerSecond,
    plainTokensPerSecondEdit: edit.plainTokensPerSecond,
    draftTokensPerSecondEdit: edit.draftTokensPerSecond,
    inputLookupTokensPerSecondEdit: edit.inputLookupTokensPerSecond,
    draftSpeedup: completion.draftSpeedup,
    inputLookupSpeedup: completion.inputLookupSpeedup,
    draftSpeedupEdit: edit.draftSpeedup,
    inputLookupSpeedupEdit: edit.inputLookupSpeedup,
    draftAcceptanceRate: completion.draftAcceptanceRate,
    tokensPerTargetEvaluation: completion.draftTokensPerTargetEvaluation,
    inputLookupAcceptanceRateEdit: edit.inputLookupAcceptanceRate,
    inputLookupTokensPerTargetEvaluationEdit: edit.inputLookupTokensPerTargetEvaluation,
    editCopiedFraction: edit.copiedFraction,
    identicalGreedyOutput: completion.identicalGreedyOutput && edit.identicalGreedyOutput,
    sharedPrefixTokens: ttft.sharedPrefixTokens,
    coldTtftMs: ttft.coldTtftMs,
    warmTtftMs: ttft.warmTtftMs,
    reloadedTtftMs: ttft.reloadedTtftMs,
    warmTtftRatio: ttft.warmTtftRatio,
    reloadedTtftRatio: ttft.reloadedTtftRatio,
    modelBytes: suite.modelBytes,
    decodeCeilingTokensPerSecond: suite.decodeCeilingTokensPerSecond,
    mbu: suite.mbu,
  };
}

function formatReport(report: Awaited<ReturnType<typeof runInferenceBenchmark>>): string {
  const lines = Object.entries(report)
    .filter(([, value]) => typeof value !== "object" || value === null)
    .map(([key, value]) => `${key.padEnd(42)}${value}`);
  lines.push(`${"recommendedSpeculation".padEnd(42)}${JSON.stringify(report.recommendedSpeculation)}`);
  if (report.suites.configured)
    lines.push("", "configured models:", JSON.stringify(flatten(report.suites.configured), null, 2));
  for (const entry of report.draftSweep)
    lines.push(`draft ${JSON.stringify(entry.setting)}: ${entry.speedup}x`);
  return `${lines.join("\n")}\n`;
}
