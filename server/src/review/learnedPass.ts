/**
 * The review's fast first pass: Hearth's learned bug detector over the candidate sites of the reviewed regions.
 * A site scoring above its kind's threshold becomes a finding whose suggested fix is the mend the detector
 * likes best. Runs in milliseconds per file and needs no chat model. Pure apart from the parser it is given.
 */

import type { ParserBackend } from "../syntax/parserBackend";
import type { BugDetector } from "./bugDetector";
import { applyEdit, bugKindTitles, type Repair, repairsOf } from "./bugEdits";
import {
  type BugKind,
  type CandidateSite,
  detectorSupports,
  extractSites,
  type TextEdit,
} from "./candidateSites";
import { type Finding, type ReviewFile, touchesRegions } from "./finding";
import { LineIndex } from "./lineIndex";

export type SourceParser = Pick<ParserBackend, "parse">;

export interface LearnedPassOptions {
  /** Per-kind score thresholds; default: the ones stored in the detector file. */
  thresholds?: Partial<Record<BugKind, number>>;
  /**
   * Per-kind margins: a finding needs its best repair to score at least this much lower than the site itself
   * (the detector must prefer the repaired code); default: the margins stored in the detector file.
   */
  margins?: Partial<Record<BugKind, number>>;
  /** Checked between files: a huge diff stops within one file of a cancel. */
  signal?: AbortSignal;
  /** Called before each file (0-based index), for progress over a large diff. */
  onFile?(index: number, total: number): void;
}

export interface LearnedPassResult {
  findings: Finding[];
  /** Files the detector has no grammar for, by path. */
  unsupported: string[];
  sitesScored: number;
}

/** Reviews each file's regions (the whole file when it has none) with the learned detector. */
export async function reviewWithDetector(
  files: readonly ReviewFile[],
  detector: BugDetector,
  parser: SourceParser,
  options: LearnedPassOptions = {},
): Promise<LearnedPassResult> {
  const findings: Finding[] = [];
  const unsupported: string[] = [];
  let sitesScored = 0;
  for (const [index, file] of files.entries()) {
    options.onFile?.(index, files.length);
    // A turn of the event loop per file: a cancel request can arrive, and native trees (freed by finalizers,
    // which only run between turns) do not pile up over a large diff.
    await new Promise((resolve) => setTimeout(resolve, 0));
    options.signal?.throwIfAborted();
    if (!detectorSupports(file.language)) {
      unsupported.push(file.path);
      continue;
    }
    const tree = await parser.parse(file.language, file.text);
    let sites: CandidateSite[];
    try {
      sites = extractSites(tree).sites;
    } finally {
      tree.dispose();
    }
    const lines = new LineIndex(file.text);
    for (const site of sites) {
      const range = { startLine: site.line + 1, endLine: site.endLine + 1 };
      if (!touchesRegions(range, file.regions)) continue;
      sitesScored++;
      const finding = judgeSite(site, file, lines, detector, options);
      if (finding) findings.push(finding);
    }
  }
  return { findings, unsupported, sitesScored };
}

function judgeSite(
  site: CandidateSite,
  file: ReviewFile,
  lines: LineIndex,
  detector: BugDetector,
  options: LearnedPassOptions,
): Finding | undefined {
  const score = detector.score(site);
  if (score < (options.thresholds?.[site.kind] ?? detector.threshold(site.kind))) return undefined;
  let best: { repair: Repair; score: number } | undefined;
  for (const repair of repairsOf(site, file.text)) {
    const repaired = repair.features ? detector.score({ kind: site.kind, ...repair.features }) : 0;
    if (!best || repaired < best.score) best = { repair, score: repaired };
  }
  if (!best || score - best.score < (options.margins?.[site.kind] ?? detector.margin(site.kind)))
    return undefined;
  const edit = best.repair.edit;
  const startLine = lines.lineOf(edit.start) + 1;
  const endLine = lines.lineOf(Math.max(edit.start, edit.end - 1)) + 1;
  return {
    file: file.path,
    startLine,
    endLine,
    category: site.kind,
    severity: "warning",
    message: messageFor(site, best.repair, file.text),
    evidence: lines.lines(startLine, endLine),
    fix: { startLine, endLine, replacement: replacedLines(file.text, lines, startLine, endLine, edit) },
    confidence: Math.round(score * 1000) / 1000,
    source: "learned",
  };
}

function replacedLines(
  text: string,
  lines: LineIndex,
  startLine: number,
  endLine: number,
  edit: TextEdit,
): string {
  const from = lines.startOf(startLine - 1);
  const to = lines.endOf(endLine - 1);
  return applyEdit(text.slice(from, to), { start: edit.start - from, end: edit.end - from, text: edit.text });
}

function messageFor(site: CandidateSite, repair: Repair, text: string): string {
  const quote = (value: string) => `\`${value.length > 40 ? `${value.slice(0, 37)}...` : value}\``;
  const detail = site.detail;
  const title = bugKindTitles[site.kind];
  switch (detail.layout) {
    case "call":
      return `Possible ${title}: ${quote(detail.first.text)} and ${quote(detail.second.text)} passed to ${quote(detail.callee)} look like they are in the wrong order.`;
    case "binary": {
      if (site.kind === "wrong-operand") {
        return `Possible ${title}: ${quote(text.slice(repair.edit.start, repair.edit.end))} does not fit here; did you mean ${quote(repair.replacement)}?`;
      }
      return `Possible ${title}: ${quote(detail.operator)} looks wrong here; did you mean ${quote(repair.replacement)}?`;
    }
    case "condition":
      return `Possible ${title}: the test ${quote(detail.condition.text)} may be the wrong way round.`;
    case "await":
      return `Possible ${title}: ${quote(`${detail.callee}(...)`)} is called in an async function without \`await\`, so its result is a promise nobody waits for.`;
  }
}
