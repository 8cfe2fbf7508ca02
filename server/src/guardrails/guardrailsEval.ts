/**
 * `hearth eval guardrails`: runs every guard over its committed corpus (`testdata/corpora.json`, generated
 * from a fixed seed) and reports, per guard, how many positives it missed (`violationRate`), how many
 * negatives it wrongly blocked or flagged (`falseRefusalRate`) and the median time of one check (`p50Us`).
 * Misses are broken down by category, so the injection figures show the phrasings the rules were never
 * tuned on (`unseen`) apart from the rest. Pure. The corpora are generated here from their fixed seed (the
 * same text as the committed `corpora.json`, which a test keeps equal), so Hearth's bundle holds no literal
 * token shaped like a real credential for secret scanners to trip on.
 */

import { findDangerousCommands } from "./dangerousCommands";
import { defaultGuardrailsConfig, type GuardrailsConfig } from "./guardrailsConfig";
import { classifyInjection } from "./injection";
import { findSecrets, redactSecrets } from "./secrets";
import { type Corpora, type CorpusCase, type GuardCorpus, generateCorpora } from "./testdata/generateCorpora";
import committedIdentifierCorpus from "./testdata/identifierCorpus.json";
import { unknownIdentifiers } from "./unknownIdentifiers";

export interface GuardEvalRow {
  positives: number;
  negatives: number;
  /** Positives the guard let through. */
  violationRate: number;
  /** Negatives the guard blocked, redacted or flagged. */
  falseRefusalRate: number;
  /** Median microseconds of one check of one corpus case. */
  p50Us: number;
  /** Missed positives per category, only categories with a miss. */
  missedByCategory: Record<string, string>;
  /** Wrongly refused negatives per category, only categories with one. */
  refusedByCategory: Record<string, string>;
}

/** One completion of the bundled tiny model, with every identifier it used labelled. */
export interface IdentifierCase {
  id: string;
  language: string;
  /** The document text the completer had before and after the cursor (a prefix tail and a suffix head). */
  prefix: string;
  suffix: string;
  completion: string;
  /** What the file really held there. */
  expected: string;
  /** Names the suggestion uses that occur nowhere in the codebase nor the language's built-ins. */
  hallucinated: string[];
  /** Names the suggestion uses that do exist. */
  real: string[];
}

export interface IdentifierCorpus {
  source: string;
  model: string;
  seed: number;
  /** Definitions in the codebase (what the index's symbol table holds) and every file's imported names. */
  workspaceSymbols: string[];
  cases: IdentifierCase[];
}

export interface GuardrailsEvalResult {
  seed: number;
  guards: {
    secrets: GuardEvalRow;
    injection: GuardEvalRow;
    dangerousCommands: GuardEvalRow;
    unknownIdentifiers: GuardEvalRow & { suggestionsFlagged: number; suggestions: number };
  };
  /** `redactSecrets` on a completion-prompt-sized text (see `promptChars`). */
  promptRedaction: { promptChars: number; p50Us: number; p90Us: number };
}

export function runGuardrailsEval(
  config: GuardrailsConfig = defaultGuardrailsConfig,
  corpora: Corpora = generateCorpora(),
  identifiers: IdentifierCorpus = committedIdentifierCorpus as IdentifierCorpus,
): GuardrailsEvalResult {
  const secrets = evaluate(
    corpora.secrets,
    (item) => !redactSecrets(item.text, config.secrets).text.includes(item.secret!),
    (item) => findSecrets(item.text, config.secrets).length > 0,
  );
  const injection = evaluate(
    corpora.injection,
    (item) => classifyInjection(item.text, config.injection.threshold).injected,
  );
  const commands = evaluate(
    corpora.dangerousCommands,
    (item) => findDangerousCommands(item.text, config.dangerousCommands).length > 0,
  );
  return {
    seed: corpora.seed,
    guards: {
      secrets,
      injection,
      dangerousCommands: commands,
      unknownIdentifiers: evaluateIdentifiers(identifiers),
    },
    promptRedaction: measurePromptRedaction(corpora, config),
  };
}

function evaluate(
  corpus: GuardCorpus,
  caught: (item: CorpusCase) => boolean,
  refused: (item: CorpusCase) => boolean = caught,
): GuardEvalRow {
  const times: number[] = [];
  const timed = (check: (item: CorpusCase) => boolean, item: CorpusCase) => {
    const started = performance.now();
    const result = check(item);
    times.push(performance.now() - started);
    return result;
  };
  const missed = corpus.positives.filter((item) => !timed(caught, item));
  const wronglyRefused = corpus.negatives.filter((item) => timed(refused, item));
  return {
    positives: corpus.positives.length,
    negatives: corpus.negatives.length,
    violationRate: rate(missed.length, corpus.positives.length),
    falseRefusalRate: rate(wronglyRefused.length, corpus.negatives.length),
    p50Us: round(percentile(times, 0.5) * 1000),
    missedByCategory: byCategory(missed, corpus.positives),
    refusedByCategory: byCategory(wronglyRefused, corpus.negatives),
  };
}

/**
 * Positives: hallucinated names in the tiny model's completions; negatives: real names in them. A name counts
 * as caught when the check flags it; the check knows only what the completer would know (the document
 * window, the workspace's definitions and imports, the language's built-ins), not the whole codebase.
 */
function evaluateIdentifiers(corpus: IdentifierCorpus): GuardrailsEvalResult["guards"]["unknownIdentifiers"] {
  const knownNames = new Set(corpus.workspaceSymbols);
  const times: number[] = [];
  let positives = 0;
  let negatives = 0;
  let suggestionsFlagged = 0;
  const missedNames: string[] = [];
  const refusedNames: string[] = [];
  for (const item of corpus.cases) {
    const started = performance.now();
    const flagged = new Set(
      unknownIdentifiers(item.completion, {
        language: item.language,
        prefix: item.prefix,
        suffix: item.suffix,
        knownNames,
      }),
    );
    times.push(performance.now() - started);
    if (flagged.size > 0) suggestionsFlagged++;
    positives += item.hallucinated.length;
    negatives += item.real.length;
    missedNames.push(...item.hallucinated.filter((name) => !flagged.has(name)));
    refusedNames.push(...item.real.filter((name) => flagged.has(name)));
  }
  return {
    positives,
    negatives,
    violationRate: rate(missedNames.length, positives),
    falseRefusalRate: rate(refusedNames.length, negatives),
    p50Us: round(percentile(times, 0.5) * 1000),
    missedByCategory: missedNames.length ? { names: missedNames.slice(0, 12).join(", ") } : {},
    refusedByCategory: refusedNames.length ? { names: refusedNames.slice(0, 12).join(", ") } : {},
    suggestionsFlagged,
    suggestions: corpus.cases.length,
  };
}

/**
 * A completion prompt's worth of code (about 6,000 characters, the size of Hearth's default prefix and suffix
 * windows plus snippets): benign corpus cases with one credential among them, scanned and redacted whole.
 */
function measurePromptRedaction(
  corpora: Corpora,
  config: GuardrailsConfig,
): GuardrailsEvalResult["promptRedaction"] {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < 6000; index += 7) {
    const item = corpora.secrets.negatives[index % corpora.secrets.negatives.length]!;
    parts.push(item.text);
    length += item.text.length;
  }
  parts.splice(parts.length >> 1, 0, corpora.secrets.positives[0]!.text);
  const prompt = parts.join("");
  const times: number[] = [];
  for (let run = 0; run < 200; run++) {
    const started = performance.now();
    redactSecrets(prompt, config.secrets);
    times.push(performance.now() - started);
  }
  return {
    promptChars: prompt.length,
    p50Us: round(percentile(times, 0.5) * 1000),
    p90Us: round(percentile(times, 0.9) * 1000),
  };
}

function byCategory(items: CorpusCase[], all: CorpusCase[]): Record<string, string> {
  const totals = new Map<string, number>();
  for (const item of all) totals.set(item.category, (totals.get(item.category) ?? 0) + 1);
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.category, (counts.get(item.category) ?? 0) + 1);
  return Object.fromEntries(
    [...counts].map(([category, count]) => [category, `${count}/${totals.get(category)}`]),
  );
}

function rate(count: number, total: number): number {
  return total === 0 ? 0 : Math.round((count / total) * 10000) / 10000;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
