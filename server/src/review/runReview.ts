/**
 * One review: the learned pass and, when one is configured, the model pass over the same files, then the
 * verification every finding must pass. Front ends (CLI, LSP, eval) call this with the files they gathered.
 * Pure apart from the parser and passes it is given.
 */

import type { BugDetector } from "./bugDetector";
import type { Finding, ReviewFile } from "./finding";
import { type LearnedPassOptions, reviewWithDetector, type SourceParser } from "./learnedPass";
import { type DropReason, verifyFindings } from "./verifyFindings";

/** A reviewer that proposes findings for the files' regions (the chat-model agent, a workspace checker). */
export interface ReviewPass {
  /** Shown in reports: "model", "eslint", ... */
  name: string;
  source: "model" | "checker";
  review(files: readonly ReviewFile[], signal: AbortSignal): Promise<Finding[]>;
}

export interface ReviewDependencies {
  parser: SourceParser;
  /** Absent when the detector file could not be loaded; the report then says why (`detectorProblem`). */
  detector?: BugDetector;
  detectorProblem?: string;
  learned?: LearnedPassOptions;
  /** Extra passes; when none has source "model", the report says the model pass is off and why. */
  passes?: readonly ReviewPass[];
  /** Why there is no model pass, for the report (default: no chat model configured). */
  modelOffReason?: string;
  signal?: AbortSignal;
}

export interface PassReport {
  name: string;
  state: "ran" | "off" | "failed";
  findings: number;
  milliseconds: number;
  note?: string;
}

export interface ReviewReport {
  findings: Finding[];
  passes: PassReport[];
  dropped: Record<DropReason, number>;
  /** Files none of the passes could read (no grammar for the learned detector), by path. */
  unsupported: string[];
}

export async function runReview(
  files: readonly ReviewFile[],
  dependencies: ReviewDependencies,
): Promise<ReviewReport> {
  const signal = dependencies.signal ?? new AbortController().signal;
  const proposed: Finding[] = [];
  const passes: PassReport[] = [];
  let unsupported: string[] = [];
  if (dependencies.detector) {
    const started = performance.now();
    const learned = await reviewWithDetector(files, dependencies.detector, dependencies.parser, {
      ...dependencies.learned,
      signal,
    });
    proposed.push(...learned.findings);
    unsupported = learned.unsupported;
    passes.push({
      name: "learned",
      state: "ran",
      findings: learned.findings.length,
      milliseconds: elapsed(started),
    });
  } else {
    passes.push({
      name: "learned",
      state: "failed",
      findings: 0,
      milliseconds: 0,
      note: dependencies.detectorProblem ?? "no bug detector",
    });
  }
  const extra = dependencies.passes ?? [];
  if (!extra.some((pass) => pass.source === "model")) {
    passes.push({
      name: "model",
      state: "off",
      findings: 0,
      milliseconds: 0,
      note: dependencies.modelOffReason ?? "no chat model configured",
    });
  }
  for (const pass of extra) {
    signal.throwIfAborted();
    const started = performance.now();
    try {
      const found = (await pass.review(files, signal)).map((finding) => ({
        ...finding,
        source: pass.source,
      }));
      proposed.push(...found);
      passes.push({ name: pass.name, state: "ran", findings: found.length, milliseconds: elapsed(started) });
    } catch (error) {
      if (signal.aborted) throw error;
      passes.push({
        name: pass.name,
        state: "failed",
        findings: 0,
        milliseconds: elapsed(started),
        note: error instanceof Error ? error.message : String(error),
      });
    }
  }
  signal.throwIfAborted();
  const verified = await verifyFindings(proposed, files, dependencies.parser);
  return { findings: verified.kept, passes, dropped: verified.dropped, unsupported };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
