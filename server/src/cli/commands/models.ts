/**
 * `hearth models list | pull | doctor` (and `gpu`, in gpu.ts): the model catalog and what is installed, downloads with progress,
 * resume and verification, and a check of the inference backend with a short self-benchmark.
 */

import * as os from "node:os";
import type { Command } from "commander";
import { quickSelfBenchmark } from "../../bench/inferenceBench";
import {
  catalogEntryPath,
  downloadModelFile,
  findCatalogEntry,
  type GpuChoice,
  isEndpoint,
  listInstalledModels,
  ModelEngine,
  type ModelRole,
  type ModelsConfig,
  type ModelsSettings,
  measureMemoryBandwidth,
  modelRoles,
  parseModelUri,
  type RemoteProviderName,
  remoteProviders,
  resolveModelFile,
  resolveModelsConfig,
} from "../../models";
import { stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";
import { registerGpuCommand } from "./gpu";

/** Flags that choose models and hardware, shared by `models doctor` and `bench inference`. */
export interface ModelFlags {
  completion?: string;
  draft?: string;
  chat?: string;
  embedding?: string;
  threads?: string;
  gpu?: string;
  provider?: string;
  remoteModel?: string;
}

export function addModelFlags(command: Command): Command {
  return command
    .option("--completion <model>", "catalog id or .gguf path for completion (`none` to disable)")
    .option("--draft <model>", "catalog id or .gguf path for the draft model (`none` to disable)")
    .option("--chat <model>", "catalog id or .gguf path for chat and review (`none` to disable)")
    .option("--embedding <model>", "catalog id or .gguf path for embeddings (`none` to disable)")
    .option("--threads <n>", "CPU threads for llama.cpp (default: cores - 1)")
    .option("--gpu <kind>", "auto, cuda, vulkan, metal or cpu (default: auto)")
    .option(
      "--provider <name>",
      `for roles given as http(s):// addresses: ${remoteProviders.join(", ")} (default: openai-compatible)`,
    )
    .option("--remote-model <name>", "for roles given as addresses: the model name the server knows");
}

export function settingsFromFlags(flags: ModelFlags): ModelsSettings {
  const models: Partial<Record<ModelRole, string | null>> = {};
  for (const role of modelRoles) {
    const value = flags[role];
    if (value !== undefined) models[role] = value === "none" ? null : value;
  }
  const settings: ModelsSettings = { models };
  if (flags.provider !== undefined && !(remoteProviders as readonly string[]).includes(flags.provider)) {
    throw new Error(`unknown --provider ${flags.provider} (${remoteProviders.join(", ")})`);
  }
  const remoteRoles = modelRoles.filter((role) => flags[role] !== undefined && isEndpoint(flags[role]!));
  if (remoteRoles.length) {
    settings.remote = {
      providers: Object.fromEntries(
        remoteRoles.map((role) => [role, (flags.provider ?? "openai-compatible") as RemoteProviderName]),
      ),
      models: flags.remoteModel
        ? Object.fromEntries(remoteRoles.map((role) => [role, flags.remoteModel!]))
        : {},
    };
  }
  if (flags.threads !== undefined) {
    const threads = Number(flags.threads);
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer`);
    settings.threads = threads;
  }
  if (flags.gpu !== undefined) {
    if (!["auto", "cuda", "vulkan", "metal", "cpu"].includes(flags.gpu))
      throw new Error(`unknown --gpu ${flags.gpu}`);
    settings.gpu = flags.gpu === "cpu" ? false : (flags.gpu as GpuChoice);
  }
  return settings;
}

export function registerModelsCommand(program: Command): void {
  const models = program.command("models").description("list, download and check models");
  registerGpuCommand(models);

  models
    .command("list")
    .description("the model catalog, what is installed, and where models are stored")
    .option("--json", "print one JSON object")
    .action((options: { json?: boolean }) => {
      const report = listReport(resolveModelsConfig());
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatList(report));
    });

  models
    .command("pull <id>")
    .description("download a catalog model (resumes an interrupted download, verifies it)")
    .option("--json", "print one JSON object with the result")
    .action(async (id: string, options: { json?: boolean }) => {
      const outcome = await pullModel(resolveModelsConfig(), id, {
        progress: !options.json || process.stderr.isTTY,
      });
      if (options.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else if (outcome.ok) process.stdout.write(`${outcome.message}\n`);
      if (!outcome.ok) {
        process.stderr.write(`hearth: ${outcome.message}\n`);
        process.exitCode = 1;
      }
    });

  addModelFlags(
    models
      .command("doctor")
      .description(
        "check the inference backend and every configured model (for a remote engine: reachable, model, context size, round trip), with a short benchmark",
      )
      .option("--json", "print one JSON object")
      .option("--no-bench", "skip the self-benchmark"),
  ).action(async (options: ModelFlags & { json?: boolean; bench: boolean }) => {
    const report = await doctorReport(resolveModelsConfig(settingsFromFlags(options)), options.bench);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
    if (report.models.some((model) => model.state === "error") || report.backend?.state === "error") {
      process.exitCode = 1;
    }
  });
}

// ----------------------------------------------------------------------------------------------- list

export function listReport(config: ModelsConfig) {
  const installed = listInstalledModels(config);
  type RoleChoice = { model: string; path: string | null; installed: boolean; error?: string } | null;
  const roles: Record<string, RoleChoice> = Object.fromEntries(
    modelRoles.map((role): [string, RoleChoice] => {
      const model = config.roles[role]?.model ?? null;
      if (!model) return [role, null];
      try {
        const file = resolveModelFile(model, role, config);
        return [
          role,
          { model, path: file.path, installed: installed.some((entry) => entry.path === file.path) },
        ];
      } catch (error) {
        return [role, { model, path: null, installed: false, error: (error as Error).message }];
      }
    }),
  );
  return {
    modelsDirectory: config.modelsDirectory,
    bundledDirectory: config.nativeModelsDirectory,
    roles,
    tiers: config.catalog.tiers,
    models: config.catalog.models.map((entry) => {
      const file = installed.find((candidate) => candidate.id === entry.id);
      return {
        ...entry,
        path: catalogEntryPath(entry, config),
        installed: Boolean(file),
        installedSizeBytes: file?.sizeBytes ?? null,
      };
    }),
    otherFiles: installed.filter((entry) => entry.id === null),
  };
}

function formatList(report: ReturnType<typeof listReport>): string {
  const lines = [
    `models directory  ${report.modelsDirectory}`,
    `bundled models    ${report.bundledDirectory}`,
    "",
  ];
  lines.push("configured roles");
  for (const [role, choice] of Object.entries(report.roles)) {
    lines.push(
      `  ${role.padEnd(11)}${choice ? `${choice.model}${choice.installed ? "" : "  (not installed)"}` : "none"}`,
    );
  }
  lines.push("", "catalog");
  for (const model of report.models) {
    const size = model.installedSizeBytes ?? model.sizeBytes;
    const state = model.installed ? "installed" : model.bundled ? "missing (bundled)" : "not downloaded";
    lines.push(
      `  ${model.id.padEnd(30)}${model.roles.join(",").padEnd(20)}${formatBytes(size).padStart(9)}  ${state}`,
    );
  }
  for (const file of report.otherFiles)
    lines.push(`  ${file.path}  ${formatBytes(file.sizeBytes)}  (not in the catalog)`);
  lines.push("", "tiers");
  for (const [name, tier] of Object.entries(report.tiers)) {
    lines.push(`  ${name.padEnd(10)}${tier.description}`);
    lines.push(`            ${modelRoles.map((role) => `${role}=${tier.roles[role] ?? "none"}`).join("  ")}`);
  }
  return `${lines.join("\n")}\n`;
}

// ----------------------------------------------------------------------------------------------- pull

export interface PullOutcome {
  ok: boolean;
  id: string;
  path: string | null;
  message: string;
  sizeBytes?: number;
  sha256?: string;
  verifiedBy?: "sha256" | "size";
  resumedFromBytes?: number;
}

export async function pullModel(
  config: ModelsConfig,
  id: string,
  options: { progress: boolean; connectTimeoutMs?: number; signal?: AbortSignal },
): Promise<PullOutcome> {
  const entry = findCatalogEntry(config.catalog, id);
  if (!entry) {
    const known = config.catalog.models.map((model) => model.id).join(", ");
    return { ok: false, id, path: null, message: `unknown model id "${id}"; known: ${known}` };
  }
  const destination = catalogEntryPath(entry, config);
  if (entry.bundled) {
    const present = listInstalledModels(config).some((model) => model.id === id);
    return {
      ok: present,
      id,
      path: destination,
      message: present
        ? `${id} is bundled with Hearth: ${destination}`
        : `${id} is bundled with Hearth but ${destination} is missing; it is built by native-models/train`,
    };
  }
  const url = parseModelUri(entry.uri!)!;
  const bar = options.progress ? progressBar(`${id}`) : null;
  try {
    const result = await downloadModelFile(
      url,
      destination,
      { sha256: entry.sha256, sizeBytes: entry.sizeBytes },
      {
        connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
        stallTimeoutMs: 60_000,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(bar ? { onProgress: bar.update } : {}),
      },
    );
    bar?.done();
    const verified =
      result.verifiedBy === "sha256"
        ? "sha256 verified"
        : `size verified; the catalog has no sha256 for it, computed sha256 ${result.sha256}`;
    return {
      ok: true,
      id,
      path: result.path,
      message: `${result.alreadyPresent ? "already present" : "downloaded"}: ${result.path} (${formatBytes(result.sizeBytes)}, ${verified})`,
      sizeBytes: result.sizeBytes,
      sha256: result.sha256,
      verifiedBy: result.verifiedBy,
      resumedFromBytes: result.resumedFromBytes,
    };
  } catch (error) {
    bar?.done();
    const example = `for example: hearth models doctor --${entry.roles[0]} ${destination}`;
    return { ok: false, id, path: destination, message: `${(error as Error).message} (${example})` };
  }
}

/** Download progress on stderr through the CLI's progress reporter, in megabytes. */
function progressBar(label: string) {
  const reporter = createProgressReporter();
  return {
    update: (status: { downloadedBytes: number; totalBytes: number | null; bytesPerSecond: number }) =>
      reporter.update(
        Math.round(status.downloadedBytes / 1e6),
        status.totalBytes === null ? undefined : Math.round(status.totalBytes / 1e6),
        `${label} (MB, ${formatBytes(status.bytesPerSecond)}/s)`,
      ),
    done: () => reporter.stop(),
  };
}

// --------------------------------------------------------------------------------------------- doctor

export async function doctorReport(config: ModelsConfig, bench: boolean) {
  const logger = stderrLogger();
  const engine = ModelEngine.create(config, logger);
  try {
    engine.preload();
    await Promise.all(modelRoles.map((role) => engine.load(role).catch(() => {})));
    const benchmark = bench ? await quickSelfBenchmark(engine) : [];
    const bandwidth = bench ? measureMemoryBandwidth() : null;
    return {
      backend: engine.backendStatus(),
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? "unknown",
      totalMemoryBytes: os.totalmem(),
      memoryBandwidthGBps: bandwidth === null ? null : Math.round(bandwidth / 1e7) / 100,
      modelsDirectory: config.modelsDirectory,
      models: engine.modelStatuses(),
      benchmark,
    };
  } finally {
    await engine.dispose();
  }
}

function formatDoctor(report: Awaited<ReturnType<typeof doctorReport>>): string {
  const backend = report.backend;
  const lines = [
    `backend    ${backend ? `${backend.gpu || "cpu"} (${backend.state}), ${backend.threads} threads of ${report.cores} cores` : "not started"}`,
  ];
  if (backend?.devices.length) lines.push(`devices    ${backend.devices.join(", ")}`);
  if (backend?.vramTotalBytes) {
    lines.push(
      `vram       ${formatBytes(backend.vramFreeBytes ?? 0)} free of ${formatBytes(backend.vramTotalBytes)}`,
    );
  }
  if (backend?.error) lines.push(`error      ${backend.error}`);
  lines.push(`cpu        ${report.cpu}, memory ${formatBytes(report.totalMemoryBytes)}`);
  if (report.memoryBandwidthGBps !== null)
    lines.push(`bandwidth  ${report.memoryBandwidthGBps} GB/s (one-thread copy)`);
  lines.push("", "models");
  for (const model of report.models) {
    if (model.remote) {
      const remote = model.remote;
      const detail =
        model.state === "ready"
          ? `model ${remote.model ?? "(default)"}, context ${model.contextSize}, ${remote.latencyMs} ms round trip`
          : (model.error ?? "");
      lines.push(
        `  ${model.role.padEnd(11)}${model.state.padEnd(8)}${remote.endpoint} (${remote.provider})  ${detail}`,
      );
      continue;
    }
    const detail =
      model.state === "ready"
        ? `${formatBytes(model.sizeBytes ?? 0)}, ${model.gpuLayers} GPU layers, context ${model.contextSize}`
        : (model.error ?? (model.configured ? "" : "not configured"));
    lines.push(
      `  ${model.role.padEnd(11)}${model.state.padEnd(8)}${model.id ?? model.path ?? ""}  ${detail}`,
    );
  }
  if (report.benchmark.length) {
    lines.push("", "self-benchmark");
    for (const result of report.benchmark) {
      lines.push(
        result.role === "embedding"
          ? `  embedding  ${result.prefillTokensPerSecond} tokens/s (${result.promptTokens} tokens)`
          : `  ${result.role.padEnd(11)}prefill ${result.prefillTokensPerSecond} tokens/s (${result.promptTokens} tokens), decode ${result.decodeTokensPerSecond} tokens/s`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return "?";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
