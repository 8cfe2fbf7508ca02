/**
 * How review findings read in VS Code, without VS Code: the diagnostic's message (the explanation, then
 * where it came from), the hover's related lines (quoted evidence, the suggested fix), the one-line summary
 * after a review, the Review Changes choices, and whether a fix still applies to the document as it is now.
 * Pure, so it is tested in plain Node.
 */

import type { ReviewFinding, ReviewParams, ReviewResult } from "../../../server/src/protocol";

export const reviewDiagnosticSource = "Hearth review";

export function diagnosticMessage(finding: ReviewFinding): string {
  const origin = finding.source === "learned" ? "learned detector" : finding.source;
  return `${finding.message} (${origin}, confidence ${Math.round(finding.confidence * 100)}%)`;
}

/** The lines shown under the message: each quoted evidence line, then the suggested fix. */
export function relatedLines(finding: ReviewFinding): { line: number; text: string }[] {
  const related = finding.evidence.map((text, index) => ({
    line: finding.range.start.line + Math.min(index, finding.range.end.line - finding.range.start.line),
    text: `evidence: ${text.trim()}`,
  }));
  if (finding.fix) {
    related.push({
      line: finding.fix.range.start.line,
      text: `suggested fix: ${finding.fix.newText.trim().split("\n").join(" ⏎ ")}`,
    });
  }
  return related;
}

/**
 * Whether the finding's lines still read as they did when it was made (its evidence is there): a fix for
 * lines the user has since edited would overwrite their edit.
 */
export function fixStillApplies(finding: ReviewFinding, currentLines: readonly string[]): boolean {
  if (!finding.fix) return false;
  const { start, end } = finding.range;
  const now = currentLines.slice(start.line, end.line + 1).map((line) => line.trim());
  return finding.evidence.every((quoted) => now.includes(quoted.trim()));
}

export function reviewSummary(result: ReviewResult): string {
  if (result.error) return `Hearth review: ${result.error}`;
  if (result.cancelled) return "Hearth review cancelled.";
  const count = result.findings.length;
  const files = result.reviewed.length;
  const head = `Hearth review: ${count} finding${count === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}`;
  const notes = result.notes.slice(0, 2).join("; ");
  return notes
    ? `${head}. ${notes}${result.notes.length > 2 ? ` (+${result.notes.length - 2} more)` : ""}`
    : `${head}.`;
}

export interface ChangesChoice {
  label: string;
  description: string;
  diff: ReviewParams["diff"] | "askBase";
}

export const changesChoices: readonly ChangesChoice[] = [
  { label: "Working tree", description: "changes against HEAD, untracked files included", diff: {} },
  { label: "Staged", description: "the changes in the index", diff: { staged: true } },
  { label: "Branch", description: "this branch since it left a base branch…", diff: "askBase" },
];
