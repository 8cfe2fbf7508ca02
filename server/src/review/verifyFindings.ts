/**
 * The check every finding passes before anyone sees it, whatever produced it: it must lie in a reviewed
 * region, quote lines that are really in the file, carry a fix that still parses, and not repeat another
 * finding. Each dropped finding is counted under its reason. Pure apart from the parser it is given.
 */

import type { SyntaxNode } from "../syntax/syntaxTree";
import type { Finding, ReviewFile } from "./finding";
import { touchesRegions } from "./finding";
import type { SourceParser } from "./learnedPass";
import { LineIndex } from "./lineIndex";

export const dropReasons = [
  "outside-region",
  "evidence-mismatch",
  "fix-does-not-parse",
  "duplicate",
] as const;
export type DropReason = (typeof dropReasons)[number];

export interface VerificationResult {
  kept: Finding[];
  dropped: Record<DropReason, number>;
  droppedFindings: { finding: Finding; reason: DropReason }[];
}

/** Evidence may be quoted from this many lines around the finding's range. */
export const evidenceSlack = 3;

export async function verifyFindings(
  findings: readonly Finding[],
  files: readonly ReviewFile[],
  parser: SourceParser,
): Promise<VerificationResult> {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const indexes = new Map<string, LineIndex>();
  const baseErrors = new Map<string, number>();
  const dropped = Object.fromEntries(dropReasons.map((reason) => [reason, 0])) as Record<DropReason, number>;
  const droppedFindings: VerificationResult["droppedFindings"] = [];
  const drop = (finding: Finding, reason: DropReason) => {
    dropped[reason]++;
    droppedFindings.push({ finding, reason });
  };
  const survivors: Finding[] = [];
  for (const finding of findings) {
    const file = byPath.get(finding.file);
    if (!file) {
      drop(finding, "outside-region");
      continue;
    }
    let lines = indexes.get(file.path);
    if (!lines) {
      lines = new LineIndex(file.text);
      indexes.set(file.path, lines);
    }
    if (!withinFile(finding, lines.count) || !touchesRegions(finding, file.regions)) {
      drop(finding, "outside-region");
      continue;
    }
    if (!evidenceMatches(finding, lines)) {
      drop(finding, "evidence-mismatch");
      continue;
    }
    if (finding.fix) {
      if (!withinFile(finding.fix, lines.count)) {
        drop(finding, "fix-does-not-parse");
        continue;
      }
      let before = baseErrors.get(file.path);
      if (before === undefined) {
        before = await errorCount(parser, file, file.text);
        baseErrors.set(file.path, before);
      }
      const fixed = applyFix(file.text, lines, finding.fix);
      if ((await errorCount(parser, file, fixed)) > before) {
        drop(finding, "fix-does-not-parse");
        continue;
      }
    }
    survivors.push(finding);
  }
  const kept: Finding[] = [];
  for (const finding of [...survivors].sort((a, b) => b.confidence - a.confidence)) {
    if (kept.some((other) => isDuplicate(finding, other))) drop(finding, "duplicate");
    else kept.push(finding);
  }
  kept.sort(
    (a, b) => a.file.localeCompare(b.file) || a.startLine - b.startLine || b.confidence - a.confidence,
  );
  return { kept, dropped, droppedFindings };
}

function withinFile(range: { startLine: number; endLine: number }, lineCount: number): boolean {
  return (
    Number.isInteger(range.startLine) &&
    Number.isInteger(range.endLine) &&
    range.startLine >= 1 &&
    range.startLine <= range.endLine &&
    range.endLine <= lineCount
  );
}

/** Every quoted line (whitespace at the ends ignored) must be a line of the file near the finding; one at least. */
function evidenceMatches(finding: Finding, lines: LineIndex): boolean {
  const quoted = finding.evidence.map((line) => line.trim()).filter((line) => line.length > 0);
  if (quoted.length === 0) return false;
  const near = new Set(
    lines
      .lines(
        Math.max(1, finding.startLine - evidenceSlack),
        Math.min(lines.count, finding.endLine + evidenceSlack),
      )
      .map((line) => line.trim()),
  );
  return quoted.every((line) => near.has(line));
}

/** Same file and category, overlapping lines: the same problem reported twice (the more confident one stays). */
function isDuplicate(finding: Finding, other: Finding): boolean {
  return (
    finding.file === other.file &&
    finding.category === other.category &&
    finding.startLine <= other.endLine &&
    other.startLine <= finding.endLine
  );
}

export function applyFix(
  text: string,
  lines: LineIndex,
  fix: { startLine: number; endLine: number; replacement: string },
): string {
  return (
    text.slice(0, lines.startOf(fix.startLine - 1)) +
    fix.replacement +
    text.slice(lines.endOf(fix.endLine - 1))
  );
}

async function errorCount(parser: SourceParser, file: ReviewFile, text: string): Promise<number> {
  const tree = await parser.parse(file.language, text);
  try {
    return tree.rootNode.hasError ? countErrors(tree.rootNode) : 0;
  } finally {
    tree.dispose();
  }
}

/** ERROR nodes, plus nodes that hold an error none of their named children explain (a MISSING token). */
function countErrors(node: SyntaxNode): number {
  if (node.type === "ERROR") return 1;
  let count = 0;
  let explained = false;
  for (const child of node.namedChildren) {
    if (!child?.hasError) continue;
    explained = true;
    count += countErrors(child);
  }
  return explained ? count : 1;
}
