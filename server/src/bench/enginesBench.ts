/**
 * `hearth bench engines`: N simulated users completing code at the same time, against a remote engine on this
 * machine and against the in-process engine, in one run and with the same workload: each user walks down a
 * real source file, asking for a completion at each line (a FIM prompt planned by the completion pipeline for
 * that engine's model, on the user's own KV sequence or server slot). Reports latency percentiles, time to
 * first token, throughput and KV reuse per engine, and the remote/in-process ratios. Bounded in users,
 * requests and time, and loopback only: load on a shared server is not a benchmark's to make.
 */

import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import { percentile, ratio, round } from "../base/numbers";
import { detectFimFamily, planCompletion } from "../completion/pipeline";
import {
  type GenerationMetrics,
  isLoopbackEndpoint,
  ModelEngine,
  type ModelsSettings,
  normaliseEndpoint,
  type RemoteProviderName,
  resolveModelsConfig,
} from "../models";

export const enginesBenchLimits = { users: 16, requestsPerUser: 64, seconds: 600 };

export interface EnginesBenchOptions {
  endpoint: string;
  provider: RemoteProviderName;
  /** The model name the server knows, where the provider needs one. */
  remoteModel?: string;
  /** The in-process engine's completion model (default: Hearth's tiny model). */
  localModel?: string;
  users: number;
  requestsPerUser: number;
  /** Per engine: no new request starts after this; running ones are cancelled a few seconds later. */
  seconds: number;
  maxTokens: number;
  /** Source files, one per user in turn: `{ path, text }`. */
  files: readonly { path: string; text: string }[];
  logger: Logger;
  onProgress?: (done: number, total: number, label: string) => void;
}

interface EngineFigures {
  engine: string;
  model: string | null;
  fimFamily: string;
  requests: number;
  errors: number;
  firstError?: string;
  wallSeconds: number;
  latencyMs: { p50: number | null; p95: number | null };
  timeToFirstTokenMs: { p50: number | null; p95: number | null };
  requestsPerSecond: number;
  generatedTokensPerSecond: number;
  /** Share of prompt tokens taken from the KV cache (the engine's own reuse, or the server's). */
  reusedPromptShare: number | null;
}

export function checkEnginesBenchOptions(
  options: Pick<EnginesBenchOptions, "endpoint" | "users" | "requestsPerUser" | "seconds">,
): void {
  const endpoint = normaliseEndpoint(options.endpoint);
  if (!isLoopbackEndpoint(endpoint)) {
    throw new Error(
      `${endpoint} is not on this machine: hearth bench engines only measures engines on 127.0.0.1, localhost or ::1`,
    );
  }
  const bounded = (name: string, value: number, max: number) => {
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be 1 to ${max}`);
  };
  bounded("--users", options.users, enginesBenchLimits.users);
  bounded("--requests", options.requestsPerUser, enginesBenchLimits.requestsPerUser);
  bounded("--seconds", options.seconds, enginesBenchLimits.seconds);
}

export async function runEnginesBench(options: EnginesBenchOptions) {
  checkEnginesBenchOptions(options);
  if (options.files.length === 0) throw new Error("no source files to complete in");
  const endpoint = normaliseEndpoint(options.endpoint);
  const none = { chat: null, embedding: null, draft: null };
  const local: ModelsSettings = { models: { ...none, completion: options.localModel ?? "hearth-tiny-code" } };
  const remote: ModelsSettings = {
    models: { ...none, completion: endpoint },
    remote: {
      providers: { completion: options.provider },
      ...(options.remoteModel ? { models: { completion: options.remoteModel } } : {}),
    },
  };
  const total = options.users * options.requestsPerUser * 2;
  let done = 0;
  const progress = (label: string) => options.onProgress?.(++done, total, label);
  const inProcess = await measureEngine("in-process", local, options, () => progress("in-process"));
  const remoteFigures = await measureEngine(`${endpoint} (${options.provider})`, remote, options, () =>
    progress("remote"),
  );
  return {
    workload: {
      users: options.users,
      requestsPerUser: options.requestsPerUser,
      maxTokens: options.maxTokens,
      secondsLimit: options.seconds,
      files: options.files.map((file) => file.path),
    },
    engines: [inProcess, remoteFigures],
    remoteVersusInProcess: {
      latencyP50: ratio(remoteFigures.latencyMs.p50 ?? 0, inProcess.latencyMs.p50 ?? 0),
      latencyP95: ratio(remoteFigures.latencyMs.p95 ?? 0, inProcess.latencyMs.p95 ?? 0),
      requestsPerSecond: ratio(remoteFigures.requestsPerSecond, inProcess.requestsPerSecond),
      generatedTokensPerSecond: ratio(
        remoteFigures.generatedTokensPerSecond,
        inProcess.generatedTokensPerSecond,
      ),
    },
  };
}

async function measureEngine(
  label: string,
  settings: ModelsSettings,
  options: EnginesBenchOptions,
  onRequest: () => void,
): Promise<EngineFigures> {
  const engine = ModelEngine.create(resolveModelsConfig(settings), options.logger);
  try {
    await engine.load("completion");
    const infill = await engine.infillTokens();
    const family = detectFimFamily({
      specialTokens: infill
        ? [infill.prefix, infill.suffix, infill.middle, infill.endOfText, infill.fileSeparator].filter(
            (token): token is string => token !== null,
          )
        : [],
      name: engine.configuredModelId("completion") ?? undefined,
      catalogTemplate: engine.fimTemplate() ?? undefined,
    });
    if (!family)
      throw new Error(`${label}: the completion model has no fill-in-the-middle format Hearth knows`);
    const countTokens = await engine.tokenCounter("completion");
    const contextSize = await engine.contextSize("completion");
    // One warm-up request, so neither engine's first figures include loading or connecting.
    await engine.generate({ role: "completion", prompt: "\n", maxTokens: 1, sequenceKey: "warm-up" });

    const latencies: number[] = [];
    const firstTokens: number[] = [];
    const metrics: GenerationMetrics[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const controller = new AbortController();
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const stopRunning = setTimeout(() => controller.abort(), options.seconds * 1000 + 5_000);
    const user = async (index: number) => {
      const file = options.files[index % options.files.length]!;
      const cursors = cursorPositions(file.text, options.requestsPerUser, index);
      for (const offset of cursors) {
        if (performance.now() > deadline || controller.signal.aborted) return;
        const plan = planCompletion({
          text: file.text,
          offset,
          path: file.path,
          family,
          countTokens,
          budget: { maxPromptTokens: Math.min(1024, contextSize - options.maxTokens - 8) },
          maxTokens: { singleLine: options.maxTokens, multiline: options.maxTokens },
        });
        const requestStarted = performance.now();
        try {
          const result = await engine.generate(
            {
              role: "completion",
              prompt: plan.prompt.text,
              infill: { prefix: plan.context.prefix, suffix: plan.context.suffix, extra: [] },
              stop: plan.prompt.stop,
              maxTokens: options.maxTokens,
              sequenceKey: `user-${index}`,
            },
            controller.signal,
          );
          latencies.push(performance.now() - requestStarted);
          firstTokens.push(result.metrics.timeToFirstTokenMs);
          metrics.push(result.metrics);
        } catch (error) {
          if (controller.signal.aborted) return;
          errors++;
          firstError ??= messageOf(error);
        }
        onRequest();
      }
    };
    await Promise.all(Array.from({ length: options.users }, (_, index) => user(index)));
    clearTimeout(stopRunning);
    const wallSeconds = (performance.now() - started) / 1000;
    const prompt = metrics.reduce((sum, item) => sum + item.promptTokens, 0);
    const reused = metrics.reduce((sum, item) => sum + item.reusedPromptTokens, 0);
    const generated = metrics.reduce((sum, item) => sum + item.generatedTokens, 0);
    return {
      engine: label,
      model: engine.modelStatuses().find((status) => status.role === "completion")?.id ?? null,
      fimFamily: family,
      requests: latencies.length,
      errors,
      ...(firstError ? { firstError } : {}),
      wallSeconds: round(wallSeconds),
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) },
      timeToFirstTokenMs: { p50: percentile(firstTokens, 0.5), p95: percentile(firstTokens, 0.95) },
      requestsPerSecond: round(latencies.length / wallSeconds),
      generatedTokensPerSecond: round(generated / wallSeconds),
      reusedPromptShare: prompt ? round(reused / prompt, 3) : null,
    };
  } finally {
    await engine.dispose();
  }
}

/** Where a user asks for completions: halfway through successive code lines, each user from its own start. */
function cursorPositions(text: string, count: number, user: number): number[] {
  const cursors: number[] = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    const indent = line.length - line.trimStart().length;
    const code = line.trim().length;
    if (code > 8) cursors.push(offset + indent + Math.floor(code / 2));
    offset += line.length + 1;
  }
  if (cursors.length === 0) return [];
  const first = Math.floor((cursors.length * (user % 4)) / 4);
  return Array.from({ length: count }, (_, step) => cursors[(first + step) % cursors.length]!);
}
