/**
 * `hearth bench inference` and the short self-benchmark of `hearth models doctor`: decode speed with and
 * without speculation on code completion and on an edit that mostly copies its input, time to first token
 * cold / warm / reloaded from a saved state for a prompt sharing a long prefix, and decode against the
 * memory-bandwidth ceiling. Every figure is a median (p50) over several runs; speedups are medians of paired
 * ratios (same prompt, same run), which cancels most of the noise of a busy machine.
 */

import { Logger } from "../base/logger";
import { median, round } from "../base/numbers";
import {
  GenerationAbortedError,
  type GenerationResult,
  type GenerationRole,
  infillPrompt,
  ModelEngine,
  type ModelsConfig,
  measureMemoryBandwidth,
  type SpeculationMode,
} from "../models";

export interface BenchmarkOptions {
  /** Repetitions of each measurement. */
  runs: number;
  /** Tokens generated per decode sample. */
  maxTokens: number;
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

export interface DecodeFigures {
  plainTokensPerSecond: number;
  draftTokensPerSecond: number | null;
  inputLookupTokensPerSecond: number;
  draftSpeedup: number | null;
  inputLookupSpeedup: number;
  /** Drafted tokens the target confirmed / drafted tokens it checked. */
  draftAcceptanceRate: number | null;
  inputLookupAcceptanceRate: number;
  /** Generated tokens per evaluation of the target model (1 without speculation). */
  draftTokensPerTargetEvaluation: number | null;
  /** Time to produce one drafted token inside the decoding loop (draft decode plus per-call work). */
  draftProposalMs: number | null;
  inputLookupTokensPerTargetEvaluation: number;
  /** Greedy output was the same in every mode, for every prompt. */
  identicalGreedyOutput: boolean;
  /** For the edit: the share of the output that repeats the file's body verbatim (median over prompts). */
  copiedFraction: number | null;
  samples: number;
}

export interface TtftFigures {
  sharedPrefixTokens: number;
  coldTtftMs: number;
  warmTtftMs: number;
  /** Cleared sequence, prefix loaded from its state file, then the request: both included. */
  reloadedTtftMs: number;
  warmTtftRatio: number;
  reloadedTtftRatio: number;
}

/**
 * Why draft speculation does or does not pay here, from measured costs: a cycle drafts k tokens one at a time
 * (d ms each, as measured inside the decoding loop) and verifies them in one target evaluation of k + 1 tokens
 * (T (1 + k m) ms for a target token time T); with per-token acceptance a it yields (1 - a^(k+1)) / (1 - a)
 * tokens. Speedup = tokens per cycle x T / cycle time.
 */
export interface DraftAnalysis {
  targetTokenMs: number;
  /** The draft model decoding on its own, steady state. */
  draftTokenMs: number;
  /** One drafted token inside the speculation loop: the draft decode plus per-cycle work (d). */
  draftProposalMs: number;
  /** Target evaluation of n new tokens after a cached prefix, plus sampling: n -> ms. */
  verifyMs: Record<string, number>;
  acceptanceRate: number;
  predicted: { draftTokens: number; tokensPerCycle: number; cycleMs: number; speedup: number }[];
  /** Extra verification cost per drafted token, as a fraction of one target token (m). */
  verifyCostPerDraftToken: number;
  /** The most a drafted token may cost for drafting to pay with this target, at the best draft length. */
  maxDraftProposalMs: number | null;
  /**
   * The fastest target (per-token time) this draft model pays for at its best draft length, and the weights
   * that take that long to read once at the measured memory bandwidth; null when it cannot pay at all.
   */
  minTargetTokenMs: number | null;
  minTargetBytesAtMeasuredBandwidth: number | null;
}

export interface SuiteFigures {
  completion: DecodeFigures;
  edit: DecodeFigures;
  ttft: TtftFigures;
  draftAnalysis: DraftAnalysis | null;
  modelBytes: number;
  decodeCeilingTokensPerSecond: number;
  mbu: number;
  models: Record<string, { path: string; sizeBytes: number } | null>;
}

const samples = [
  `export function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) {
      group.push(item);
    } else {
      groups.set(key, [item]);
    }
  }
  return groups;
}

export function countBy(items, keyOf) {
  const counts = new Map();
  for (const item of items) {
    const key = keyOf(item);
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  return counts;
}
`,
  `function parseHeaders(text) {
  const headers = {};
  for (const line of text.split("\\n")) {
    const index = line.indexOf(":");
    if (index <= 0) continue;
    const name = line.slice(0, index).trim().toLowerCase();
    const value = line.slice(index + 1).trim();
    headers[name] = headers[name] ? headers[name] + ", " + value : value;
  }
  return headers;
}

module.exports = { parseHeaders };
`,
  `class LruCache {
  constructor(limit) {
    this.limit = limit;
    this.entries = new Map();
  }

  get(key) {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key, value) {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      this.entries.delete(this.entries.keys().next().value);
    }
  }
}
`,
  `import * as fs from "fs";
import * as path from "path";

export function walk(directory, visit) {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      walk(full, visit);
    } else if (entry.isFile()) {
      visit(full);
    }
  }
}
`,
];

/** Runs every measurement on one engine (one set of models). */
export async function benchmarkSuite(engine: ModelEngine, options: BenchmarkOptions): Promise<SuiteFigures> {
  const role: GenerationRole = "completion";
  await engine.load(role);
  const hasDraft = await engine.hasDraft(role);
  const infill = await engine.infillTokens();
  const separator = infill?.fileSeparator ?? "\n\n";

  const fimPrompts = samples.map((sample) => {
    const cut = Math.floor(sample.length * 0.45);
    const end = sample.indexOf("\n", sample.indexOf("\n", cut) + 1);
    const prefix = sample.slice(0, cut);
    const suffix = sample.slice(end);
    return infill ? infillPrompt(infill, prefix, suffix) : prefix;
  });
  // An edit rewrites a file: the file, a separator, then the rewrite, which mostly copies the file. Hearth's
  // tiny models cannot copy from their context (they never learned to), so each file's body is the model's own
  // greedy continuation of its first lines: the rewrite then reproduces it the way an editor re-sends a file
  // in which an earlier suggestion was accepted. Real models copy either way.
  const editPrompts: string[] = [];
  const editBodies: string[] = [];
  for (const sample of samples) {
    const head = sample.slice(0, sample.indexOf("\n", sample.indexOf("\n") + 1) + 1);
    const body = (
      await engine.generate(
        {
          role,
          prompt: head,
          maxTokens: options.maxTokens + 16,
          speculation: "none",
          sequenceKey: "bench-source",
        },
        options.signal,
      )
    ).text;
    editPrompts.push(`${head}${body}${separator}${head}`);
    editBodies.push(body);
  }

  options.progress?.("decode: code completion");
  const completion = await measureDecode(engine, role, fimPrompts, hasDraft, options);
  options.progress?.("decode: edit (copies its input)");
  const edit = await measureDecode(engine, role, editPrompts, hasDraft, options, editBodies);
  options.progress?.("time to first token with a shared prefix");
  const ttft = await measureTtft(engine, role, options);

  const file = engine.loadedModelFile(role)!;
  options.progress?.("memory bandwidth");
  const bandwidth = measureMemoryBandwidth();
  const ceiling = bandwidth / file.sizeBytes;
  let draftAnalysis: DraftAnalysis | null = null;
  if (hasDraft) {
    options.progress?.("draft cost analysis");
    draftAnalysis = await analyseDraft(engine, fimPrompts, completion, bandwidth, options);
  }
  return {
    completion,
    edit,
    ttft,
    draftAnalysis,
    modelBytes: file.sizeBytes,
    decodeCeilingTokensPerSecond: round(ceiling),
    mbu: round(completion.plainTokensPerSecond / ceiling, 4),
    models: Object.fromEntries(
      (["completion", "draft", "chat", "embedding"] as const).map((name) => [
        name,
        engine.loadedModelFile(name),
      ]),
    ),
  };
}

async function measureDecode(
  engine: ModelEngine,
  role: GenerationRole,
  prompts: readonly string[],
  hasDraft: boolean,
  options: BenchmarkOptions,
  expected?: readonly string[],
): Promise<DecodeFigures> {
  const modes: SpeculationMode[] = hasDraft ? ["none", "draft", "inputLookup"] : ["none", "inputLookup"];
  const rates = new Map<SpeculationMode, number[]>(modes.map((mode) => [mode, []]));
  const ratios = new Map<SpeculationMode, number[]>(modes.map((mode) => [mode, []]));
  const totals = new Map(
    modes.map((mode) => [mode, { drafted: 0, accepted: 0, generated: 0, evaluations: 0, proposalMs: 0 }]),
  );
  let identical = true;
  const copied: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    for (const [index, prompt] of prompts.entries()) {
      const results = new Map<SpeculationMode, GenerationResult>();
      // Rotate the order so no mode always runs right after a cold cache or a busy moment.
      const order = modes.map((_, offset) => modes[(offset + run + index) % modes.length]!);
      for (const mode of order) {
        if (options.signal?.aborted) throw new GenerationAbortedError(null);
        const result = await engine.generate(
          { role, prompt, maxTokens: options.maxTokens, speculation: mode, sequenceKey: `bench-${mode}` },
          options.signal,
        );
        results.set(mode, result);
        rates.get(mode)!.push(result.metrics.decodeTokensPerSecond);
        const total = totals.get(mode)!;
        total.drafted += result.metrics.draftedTokens;
        total.accepted += result.metrics.acceptedTokens;
        total.generated += result.metrics.generatedTokens;
        total.evaluations += result.metrics.targetEvaluations;
        total.proposalMs += result.metrics.proposalMs;
      }
      const plain = results.get("none")!;
      const body = expected?.[index];
      if (body !== undefined && run === 0)
        copied.push(commonPrefixLength(plain.text, body) / Math.max(1, plain.text.length));
      for (const mode of modes) {
        const result = results.get(mode)!;
        if (result.text !== plain.text) identical = false;
        ratios.get(mode)!.push(result.metrics.decodeTokensPerSecond / plain.metrics.decodeTokensPerSecond);
      }
    }
  }
  const rate = (mode: SpeculationMode) => round(median(rates.get(mode)!));
  const acceptance = (mode: SpeculationMode) => {
    const total = totals.get(mode)!;
    return total.drafted ? round(total.accepted / total.drafted, 4) : 0;
  };
  const perEvaluation = (mode: SpeculationMode) => {
    const total = totals.get(mode)!;
    return total.evaluations ? round(total.generated / total.evaluations, 4) : 0;
  };
  return {
    plainTokensPerSecond: rate("none"),
    draftTokensPerSecond: hasDraft ? rate("draft") : null,
    inputLookupTokensPerSecond: rate("inputLookup"),
    draftSpeedup: hasDraft ? round(median(ratios.get("draft")!), 4) : null,
    inputLookupSpeedup: round(median(ratios.get("inputLookup")!), 4),
    draftAcceptanceRate: hasDraft ? acceptance("draft") : null,
    inputLookupAcceptanceRate: acceptance("inputLookup"),
    draftTokensPerTargetEvaluation: hasDraft ? perEvaluation("draft") : null,
    draftProposalMs: hasDraft
      ? round(totals.get("draft")!.proposalMs / Math.max(1, totals.get("draft")!.drafted), 3)
      : null,
    inputLookupTokensPerTargetEvaluation: perEvaluation("inputLookup"),
    identicalGreedyOutput: identical,
    copiedFraction: expected ? round(median(copied), 4) : null,
    samples: options.runs * prompts.length,
  };
}

/**
 * A prompt of a long shared prefix plus a short tail: cold (empty sequence), warm (the previous request had the
 * same prefix), reloaded (empty sequence, prefix restored from its state file). One token is generated; the
 * time to it is the prompt's evaluation.
 */
async function measureTtft(
  engine: ModelEngine,
  role: GenerationRole,
  options: BenchmarkOptions,
): Promise<TtftFigures> {
  const contextSize = await engine.contextSize(role);
  const prefixTokens = Math.min(1000, contextSize - 24);
  const source = samples.join("\n");
  let tokens = await engine.tokenize(role, source);
  while (tokens.length < prefixTokens) tokens = tokens.concat(tokens);
  const prefix = tokens.slice(0, prefixTokens);
  const tails = await Promise.all(
    ["function a() {\n", "class B {\n  c", "export const d =", "// e\nfunction f("].map((tail) =>
      engine.tokenize(role, tail),
    ),
  );
  const key = "bench-ttft";
  const ttft = async (tail: number[]) =>
    (
      await engine.generate(
        { role, prompt: { tokens: [...prefix, ...tail] }, maxTokens: 1, sequenceKey: key },
        options.signal,
      )
    ).metrics.timeToFirstTokenMs;
  const cold: number[] = [];
  const warm: number[] = [];
  const reloaded: number[] = [];
  await engine.preparePrefix({ role, prefix: { tokens: prefix }, sequenceKey: key }, options.signal);
  for (let run = 0; run < options.runs; run++) {
    if (options.signal?.aborted) throw new GenerationAbortedError(null);
    await engine.clearSequence(role, key);
    cold.push(await ttft(tails[run % tails.length]!));
    warm.push(await ttft(tails[(run + 1) % tails.length]!));
    await engine.clearSequence(role, key);
    const started = performance.now();
    const prepared = await engine.preparePrefix(
      { role, prefix: { tokens: prefix }, sequenceKey: key },
      options.signal,
    );
    if (prepared.source !== "stateFile")
      throw new Error(`prefix state came from ${prepared.source}, not its file`);
    await ttft(tails[(run + 2) % tails.length]!);
    reloaded.push(performance.now() - started);
  }
  const coldMs = median(cold);
  return {
    sharedPrefixTokens: prefix.length,
    coldTtftMs: round(coldMs),
    warmTtftMs: round(median(warm)),
    reloadedTtftMs: round(median(reloaded)),
    warmTtftRatio: round(median(warm) / coldMs, 4),
    reloadedTtftRatio: round(median(reloaded) / coldMs, 4),
  };
}

async function analyseDraft(
  engine: ModelEngine,
  prompts: readonly string[],
  completion: DecodeFigures,
  bandwidth: number,
  options: BenchmarkOptions,
): Promise<DraftAnalysis> {
  const role: GenerationRole = "completion";
  const targetTokenMs = 1000 / completion.plainTokensPerSecond;
  // The draft model on its own, decoding the same prompts without speculation.
  const draftConfig = engine.config.roles.draft!;
  const alone = ModelEngine.create(
    {
      ...engine.config,
      roles: {
        completion: { ...engine.config.roles.completion!, model: draftConfig.model },
        draft: null,
        chat: null,
        embedding: null,
      },
    },
    new Logger("error"),
  );
  const draftRates: number[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const prompt of prompts) {
        const result = await alone.generate(
          { role, prompt, maxTokens: options.maxTokens, speculation: "none", sequenceKey: "alone" },
          options.signal,
        );
        draftRates.push(result.metrics.decodeTokensPerSecond);
      }
    }
  } finally {
    await alone.dispose();
  }
  const draftTokenMs = 1000 / median(draftRates);

  const base = (await engine.tokenize(role, samples[0]!)).slice(0, 200);
  const verifyMs: Record<string, number> = {};
  for (const count of [1, 2, 3, 5, 9, 17]) {
    const times: number[] = [];
    for (let run = 0; run < Math.max(5, options.runs); run++) {
      const key = "bench-verify";
      await engine.generate({
        role,
        prompt: { tokens: base },
        maxTokens: 1,
        speculation: "none",
        sequenceKey: key,
      });
      const extra = base.slice(10, 10 + count);
      const result = await engine.generate(
        {
          role,
          prompt: { tokens: [...base, ...extra] },
          maxTokens: 1,
          speculation: "none",
          sequenceKey: key,
        },
        options.signal,
      );
      times.push(result.metrics.timeToFirstTokenMs);
    }
    verifyMs[count] = round(median(times), 3);
  }
  const one = verifyMs[1]!;
  const verifyCostPerDraftToken = round(Math.max(0, (verifyMs[9]! - one) / 8) / targetTokenMs, 4);
  const acceptance = Math.min(0.999, completion.draftAcceptanceRate ?? 0);
  const proposalMs = completion.draftProposalMs ?? draftTokenMs;
  const perCycle = (k: number) => (1 - acceptance ** (k + 1)) / (1 - acceptance);
  const verify = (k: number) => targetTokenMs * (1 + k * verifyCostPerDraftToken);
  const predicted = [1, 2, 4, 8, 16].map((k) => {
    const cycleMs = k * proposalMs + verify(k);
    return {
      draftTokens: k,
      tokensPerCycle: round(perCycle(k), 3),
      cycleMs: round(cycleMs, 3),
      speedup: round((perCycle(k) * targetTokenMs) / cycleMs, 3),
    };
  });
  // Speedup > 1  <=>  T (E - 1 - k m) > k d.
  let minTargetTokenMs: number | null = null;
  let maxDraftProposalMs: number | null = null;
  for (const k of [1, 2, 4, 8, 16]) {
    const denominator = perCycle(k) - 1 - k * verifyCostPerDraftToken;
    if (denominator <= 0) continue;
    const needed = (k * proposalMs) / denominator;
    if (minTargetTokenMs === null || needed < minTargetTokenMs) minTargetTokenMs = needed;
    const allowed = (targetTokenMs * denominator) / k;
    if (maxDraftProposalMs === null || allowed > maxDraftProposalMs) maxDraftProposalMs = allowed;
  }
  return {
    targetTokenMs: round(targetTokenMs, 3),
    draftTokenMs: round(draftTokenMs, 3),
    draftProposalMs: round(proposalMs, 3),
    maxDraftProposalMs: maxDraftProposalMs === null ? null : round(maxDraftProposalMs, 3),
    verifyMs,
    acceptanceRate: acceptance,
    predicted,
    verifyCostPerDraftToken,
    minTargetTokenMs: minTargetTokenMs === null ? null : round(minTargetTokenMs, 3),
    minTargetBytesAtMeasuredBandwidth:
      minTargetTokenMs === null ? null : Math.round((minTargetTokenMs / 1000) * bandwidth),
  };
}

export interface SelfBenchmark {
  role: string;
  /** Prompt tokens per request; for embedding, all tokens embedded. */
  promptTokens: number;
  /** Prompt tokens / time to first token (which includes one decode step); for embedding, tokens embedded / s. */
  prefillTokensPerSecond: number;
  /** `null` for embedding. */
  decodeTokensPerSecond: number | null;
}

/** `hearth models doctor`'s quick check: a few seconds per generation role, a few embeddings. */
export async function quickSelfBenchmark(
  engine: ModelEngine,
  signal?: AbortSignal,
): Promise<SelfBenchmark[]> {
  const results: SelfBenchmark[] = [];
  for (const role of ["completion", "chat"] as const) {
    // A remote role's check is its round trip (`remote.latencyMs`), not a local benchmark.
    const status = engine.modelStatuses().find((candidate) => candidate.role === role);
    if (status?.state !== "ready" || status.remote) continue;
    const key = "doctor";
    const limit = Math.min(512, (await engine.contextSize(role)) - 64);
    const tokens = (await engine.tokenize(role, samples.join("\n"))).slice(0, limit);
    const rounds: GenerationResult[] = [];
    for (let run = 0; run < 3; run++) {
      await engine.clearSequence(role, key);
      rounds.push(
        await engine.generate(
          { role, prompt: { tokens }, maxTokens: 32, speculation: "none", sequenceKey: key },
          signal,
        ),
      );
    }
    const prompt = rounds[0]!.metrics.promptTokens;
    results.push({
      role,
      promptTokens: prompt,
      prefillTokensPerSecond: round(
        median(rounds.map((round) => (prompt * 1000) / round.metrics.timeToFirstTokenMs)),
      ),
      decodeTokensPerSecond: round(median(rounds.map((round) => round.metrics.decodeTokensPerSecond))),
    });
  }
  const embedding = engine.modelStatuses().find((status) => status.role === "embedding");
  if (embedding?.state === "ready" && !embedding.remote) {
    const embedder = await engine.embedder();
    const tokens = samples.reduce(
      (sum, sample) => sum + Math.min(embedder.countTokens(sample), embedder.maxTokens),
      0,
    );
    const started = performance.now();
    await engine.embed(samples, signal, "interactive");
    results.push({
      role: "embedding",
      promptTokens: tokens,
      prefillTokensPerSecond: round((tokens * 1000) / (performance.now() - started)),
      decodeTokensPerSecond: null,
    });
  }
  return results;
}

/** Decode speed of one draft setting, for the draft sweep: a fresh engine with those draft settings. */
export async function measureDraftSetting(
  config: ModelsConfig,
  logger: Logger,
  setting: { maxTokens: number; minConfidence: number; adaptive: boolean },
  options: BenchmarkOptions,
): Promise<{
  setting: typeof setting;
  tokensPerSecond: number;
  speedup: number;
  acceptanceRate: number;
  tokensPerTargetEvaluation: number;
}> {
  const completion = config.roles.completion!;
  const engine = ModelEngine.create(
    { ...config, roles: { ...config.roles, completion: { ...completion, draft: setting } } },
    logger,
  );
  try {
    await engine.load("completion");
    const prompts = samples.map((sample) => sample.slice(0, Math.floor(sample.length * 0.45)));
    const figures = await measureDecode(engine, "completion", prompts, true, options);
    return {
      setting,
      tokensPerSecond: figures.draftTokensPerSecond ?? 0,
      speedup: figures.draftSpeedup ?? 0,
      acceptanceRate: figures.draftAcceptanceRate ?? 0,
      tokensPerTargetEvaluation: figures.draftTokensPerTargetEvaluation ?? 0,
    };
  } finally {
    await engine.dispose();
  }
}

function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}
