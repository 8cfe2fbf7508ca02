/**
 * Scores of the review eval (pure): recall on planted bugs (a finding within two lines of the bug), precision
 * of all findings, false positives per clean control, each also per bug kind, per control and per source.
 */

import type { Finding } from "../review/finding";
import type { ReviewCase } from "./reviewCases";
import { cleanControls } from "./reviewCases";

/** A finding counts for a planted bug when the bug's line is within this many lines of the finding's range. */
export const lineTolerance = 2;

export interface CaseOutcome {
  case: ReviewCase;
  findings: Finding[];
  /** Wall time, and CPU time of this process (the same work on a machine shared with other jobs). */
  milliseconds: number;
  cpuMilliseconds: number;
}

export interface Scores {
  cases: number;
  recall: number | null;
  precision: number | null;
  findings: number;
}

export interface ReviewEvalScores extends Scores {
  bugCases: number;
  cleanCases: number;
  falsePositivesPerCleanCase: number | null;
  perKind: Record<string, Scores & { kindMatched: number | null }>;
  perControl: Record<string, { cases: number; falsePositivesPerCase: number | null; findings: number }>;
  perSource: Record<string, Scores & { falsePositivesPerCleanCase: number | null }>;
  p50MsPerCase: number;
  p90MsPerCase: number;
  p50CpuMsPerCase: number;
}

export function isNear(finding: Finding, line: number): boolean {
  return finding.startLine - lineTolerance <= line && line <= finding.endLine + lineTolerance;
}

export function scoreReviewEval(
  outcomes: readonly CaseOutcome[],
  sources: readonly string[],
): ReviewEvalScores {
  const bug = outcomes.filter((outcome) => outcome.case.bugLine !== undefined);
  const clean = outcomes.filter((outcome) => outcome.case.bugLine === undefined);
  const overall = scores(outcomes, () => true);
  const cleanFindings = clean.reduce((sum, outcome) => sum + outcome.findings.length, 0);
  const perKind: ReviewEvalScores["perKind"] = {};
  for (const kind of [...new Set(bug.map((outcome) => outcome.case.kind))].sort()) {
    const planted = bug.filter((outcome) => outcome.case.kind === kind);
    const detected = planted.filter((outcome) =>
      outcome.findings.some((finding) => isNear(finding, outcome.case.bugLine!)),
    );
    const kindMatched = detected.filter((outcome) =>
      outcome.findings.some((finding) => isNear(finding, outcome.case.bugLine!) && finding.category === kind),
    );
    // Precision per kind: of the findings labelled with this kind, anywhere, how many sit on a planted bug.
    const labelled = scores(outcomes, (finding) => finding.category === kind);
    perKind[kind] = {
      cases: planted.length,
      recall: ratio(detected.length, planted.length),
      precision: labelled.precision,
      findings: labelled.findings,
      kindMatched: ratio(kindMatched.length, detected.length),
    };
  }
  const perControl: ReviewEvalScores["perControl"] = {};
  for (const control of cleanControls) {
    const controls = clean.filter((outcome) => outcome.case.kind === control);
    const findings = controls.reduce((sum, outcome) => sum + outcome.findings.length, 0);
    perControl[control] = {
      cases: controls.length,
      falsePositivesPerCase: ratio(findings, controls.length),
      findings,
    };
  }
  const perSource: ReviewEvalScores["perSource"] = {};
  for (const source of sources) {
    const bySource = scores(outcomes, (finding) => finding.source === source);
    const cleanBySource = clean.reduce(
      (sum, outcome) => sum + outcome.findings.filter((finding) => finding.source === source).length,
      0,
    );
    perSource[source] = { ...bySource, falsePositivesPerCleanCase: ratio(cleanBySource, clean.length) };
  }
  const times = outcomes.map((outcome) => outcome.milliseconds).sort((a, b) => a - b);
  const cpuTimes = outcomes.map((outcome) => outcome.cpuMilliseconds).sort((a, b) => a - b);
  return {
    ...overall,
    bugCases: bug.length,
    cleanCases: clean.length,
    falsePositivesPerCleanCase: ratio(cleanFindings, clean.length),
    perKind,
    perControl,
    perSource,
    p50MsPerCase: round(percentile(times, 0.5)),
    p90MsPerCase: round(percentile(times, 0.9)),
    p50CpuMsPerCase: round(percentile(cpuTimes, 0.5)),
  };
}

/** Recall over bug cases and precision over the findings `counted` selects, in all cases. */
function scores(outcomes: readonly CaseOutcome[], counted: (finding: Finding) => boolean): Scores {
  let findings = 0;
  let correct = 0;
  let bugCases = 0;
  let detected = 0;
  for (const outcome of outcomes) {
    const line = outcome.case.bugLine;
    const selected = outcome.findings.filter(counted);
    findings += selected.length;
    if (line === undefined) continue;
    bugCases++;
    const near = selected.filter((finding) => isNear(finding, line));
    correct += near.length;
    if (near.length > 0) detected++;
  }
  return {
    cases: outcomes.length,
    recall: ratio(detected, bugCases),
    precision: ratio(correct, findings),
    findings,
  };
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round(numerator / denominator, 4);
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
