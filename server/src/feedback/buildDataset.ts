/**
 * Turns stored suggestions into training examples for `hearth feedback export`. Pure.
 *
 * - `sft`: suggestions accepted whole whose text survived (similarity at the latest measured checkpoint at
 *   least `minSurvival`), as prompt (prefix, suffix) and completion: the region's text at that checkpoint, so
 *   small fixes the user made are in it. Suggestions the user typed out themselves count too.
 * - `preference`: suggestions the user edited after accepting (chosen: the final text), partly accepted or
 *   rejected and then wrote something else in their place (chosen: what they wrote); rejected: the suggestion.
 *
 * Every example passes through the guardrails' `redactSecrets`: secrets in the prompt and the path are replaced
 * by a placeholder naming the rule; an example whose completion, chosen or rejected text holds a secret (or a
 * placeholder) is dropped (a model must not learn to write one, nor a mask).
 * Duplicates (same prompt tail, suffix head and completion, up to whitespace) are written once, the newest.
 */

import { containsSecret, redactionPlaceholderPattern, redactSecrets } from "../guardrails";
import type { SurvivalCheckpoint } from "../protocol";
import { survivalCheckpoints } from "../protocol";
import type { ExportRow } from "../store/feedbackStore";

export type DatasetFormat = "sft" | "preference";

export interface DatasetOptions {
  format: DatasetFormat;
  /** Lowest similarity at the latest checkpoint for an accepted suggestion to count as surviving. */
  minSurvival: number;
  /** Characters of the prefix's tail and the suffix's head that decide whether two examples are the same. */
  dedupPrefixChars: number;
  dedupSuffixChars: number;
}

export const defaultDatasetOptions: Omit<DatasetOptions, "format"> = {
  minSurvival: 0.9,
  dedupPrefixChars: 1000,
  dedupSuffixChars: 300,
};

interface ExampleBase {
  id: string;
  language: string;
  path: string | null;
  prefix: string;
  suffix: string;
  meta: {
    model: string | null;
    template: string | null;
    shownAt: string;
    outcome: string | null;
    reason: string | null;
    survival: Partial<Record<SurvivalCheckpoint, number>>;
  };
}

export interface SftExample extends ExampleBase {
  completion: string;
}

export interface PreferenceExample extends ExampleBase {
  chosen: string;
  rejected: string;
  /** `edited`: accepted then changed; `replaced`: partly accepted or rejected, the user wrote `chosen`. */
  kind: "edited" | "replaced";
}

export type DatasetExample = SftExample | PreferenceExample;

export interface DatasetSummary {
  format: DatasetFormat;
  considered: number;
  written: number;
  duplicates: number;
  /** Secrets masked in prompts of written examples. */
  maskedSecrets: number;
  /** Examples dropped because their completion (or chosen / rejected text) held a secret. */
  droppedForSecrets: number;
  /** Suggestions that qualified but had no stored context (context keeping was off). */
  withoutContext: number;
}

export function buildDataset(
  rows: Iterable<ExportRow>,
  options: DatasetOptions,
): { examples: DatasetExample[]; summary: DatasetSummary } {
  const summary: DatasetSummary = {
    format: options.format,
    considered: 0,
    written: 0,
    duplicates: 0,
    maskedSecrets: 0,
    droppedForSecrets: 0,
    withoutContext: 0,
  };
  const byKey = new Map<string, DatasetExample>();
  for (const row of rows) {
    summary.considered++;
    const target = options.format === "sft" ? sftTarget(row, options) : preferenceTarget(row);
    if (!target) continue;
    if (!row.prompt) {
      summary.withoutContext++;
      continue;
    }
    const outputs = "completion" in target ? [target.completion] : [target.chosen, target.rejected];
    if (outputs.some((text) => containsSecret(text) || redactionPlaceholderPattern.test(text))) {
      summary.droppedForSecrets++;
      continue;
    }
    const prefix = redactSecrets(row.prompt.prefix);
    const suffix = redactSecrets(row.prompt.suffix);
    const path = row.prompt.path === undefined ? null : redactSecrets(row.prompt.path).text;
    const base: ExampleBase = {
      id: row.id,
      language: row.language,
      path,
      prefix: prefix.text,
      suffix: suffix.text,
      meta: {
        model: row.model,
        template: row.template,
        shownAt: new Date(row.shownAt).toISOString(),
        outcome: row.outcome,
        reason: row.outcomeReason,
        survival: row.survival,
      },
    };
    const example: DatasetExample = { ...base, ...target };
    const key = dedupKey(example, options);
    const previous = byKey.get(key);
    if (previous) {
      summary.duplicates++;
      summary.maskedSecrets -= countMasks(previous);
      byKey.delete(key);
    }
    // Rows come oldest first: the newest of a duplicate group is kept, and moves to the end.
    byKey.set(key, example);
    summary.maskedSecrets += prefix.redactions.length + suffix.redactions.length;
  }
  const examples = [...byKey.values()];
  summary.written = examples.length;
  return { examples, summary };
}

function sftTarget(row: ExportRow, options: DatasetOptions): { completion: string } | undefined {
  if (row.outcome === "ignored" && row.outcomeReason === "typedThrough" && row.text) {
    return { completion: row.text };
  }
  if (row.outcome !== "accepted") return undefined;
  const latest = latestSurvival(row);
  if (latest === undefined || latest < options.minSurvival) return undefined;
  const completion = row.finalText ?? (latest >= 1 ? row.text : null);
  if (!completion || !completion.trim()) return undefined;
  return { completion };
}

function preferenceTarget(
  row: ExportRow,
): { chosen: string; rejected: string; kind: PreferenceExample["kind"] } | undefined {
  if (!row.text) return undefined;
  let chosen: string | null = null;
  let kind: PreferenceExample["kind"] = "edited";
  if (row.outcome === "accepted") {
    const latest = latestSurvival(row);
    if (latest === undefined || latest >= 1) return undefined;
    chosen = row.finalText;
  } else if (
    row.outcome === "partiallyAccepted" ||
    (row.outcome === "rejected" && row.outcomeReason !== null)
  ) {
    chosen = row.userText;
    kind = "replaced";
  }
  if (chosen === null || !chosen.trim()) return undefined;
  if (normalize(chosen) === normalize(row.text)) return undefined;
  return { chosen, rejected: row.text, kind };
}

function latestSurvival(row: ExportRow): number | undefined {
  for (let index = survivalCheckpoints.length - 1; index >= 0; index--) {
    const value = row.survival[survivalCheckpoints[index]!];
    if (value !== undefined) return value;
  }
  return undefined;
}

function dedupKey(example: DatasetExample, options: DatasetOptions): string {
  const output = "completion" in example ? example.completion : `${example.chosen}\u0001${example.rejected}`;
  return [
    example.language,
    normalize(example.prefix.slice(-options.dedupPrefixChars)),
    normalize(example.suffix.slice(0, options.dedupSuffixChars)),
    normalize(output),
  ].join("\u0000");
}

const placeholders = new RegExp(redactionPlaceholderPattern.source, "g");

function countMasks(example: DatasetExample): number {
  return (
    (example.prefix.match(placeholders)?.length ?? 0) + (example.suffix.match(placeholders)?.length ?? 0)
  );
}

/** Whitespace runs count as one space, and leading and trailing whitespace not at all. */
function normalize(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** One JSON document per line. */
export function toJsonl(examples: readonly DatasetExample[]): string {
  return examples.map((example) => JSON.stringify(example)).join("\n") + (examples.length ? "\n" : "");
}
