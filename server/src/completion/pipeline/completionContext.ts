/**
 * What goes into a completion prompt, within a token budget: the prefix and suffix windows around the cursor
 * and the cross-file snippets admitted into what the windows leave.
 *
 * Windows grow a whole line at a time away from the cursor, the prefix up to `prefixShare` of the budget and
 * the suffix up to `suffixShare`; the cursor line's own prefix and suffix are always kept whole (only a line
 * too long for the window on its own, such as minified code, is cut, from the far end).
 *
 * The prompt should change as little as possible from one keystroke to the next, so that the model reuses its
 * cached prefix instead of re-reading the prompt: snippets get what the windows' shares leave (not what the
 * windows happen to use, which changes with every character typed), and a prefix window cut by its budget
 * starts on a line whose number is a multiple of `prefixAnchorLines`, so its start moves every few lines
 * typed rather than on every line.
 *
 * Snippets are considered best first: empty ones, ones already inside the windows (at least 90 % of their
 * lines) and near-duplicates of an admitted one (Jaccard similarity of line sets above 0.9, llama.vscode's
 * number) are dropped; one that does not fit is cut to whole lines when enough budget remains, else dropped.
 * Admitted snippets come back least relevant first, the order `buildFimPrompt` wants.
 */

import { lineNumberAt, lineStartOf } from "./indentation";

export type CountTokens = (text: string) => number;

/**
 * A tokenizer-free estimate: code runs about 3 to 4 characters per token in BPE vocabularies, so 3 errs on
 * the side of a smaller prompt. Use the model's own count where the orchestrator has it.
 */
export function approximateTokenCount(text: string): number {
  return Math.ceil(text.length / 3);
}

export interface ContextBudget {
  /** Tokens the whole prompt may use: the model's context minus the tokens to generate. */
  maxPromptTokens: number;
  /** The prefix window's upper share of `maxPromptTokens`. */
  prefixShare: number;
  /** The suffix window's upper share of `maxPromptTokens`. */
  suffixShare: number;
  /** A budget-limited prefix window starts on a line number divisible by this. */
  prefixAnchorLines: number;
  /** Tokens held back for the template's markers and the current file's header. */
  reservedTokens: number;
  /** Tokens a snippet costs beyond its path and text (separators, header words). */
  snippetOverheadTokens: number;
  maxSnippets: number;
  /** A snippet that does not fit is cut to whole lines when at least this many tokens remain. */
  minSnippetTokens: number;
}

export const defaultContextBudget: ContextBudget = {
  maxPromptTokens: 1536,
  prefixShare: 0.55,
  suffixShare: 0.15,
  prefixAnchorLines: 4,
  reservedTokens: 16,
  snippetOverheadTokens: 4,
  maxSnippets: 8,
  minSnippetTokens: 48,
};

export type SnippetSource = "retrieval" | "recentEdit" | "openFile" | "importDefinition";

export interface SnippetCandidate {
  source: SnippetSource;
  /** Workspace-relative path of the snippet's file. */
  path: string;
  text: string;
  /** Higher is more relevant; scores from different sources are assumed comparable. */
  score: number;
}

export interface AdmittedSnippet extends SnippetCandidate {
  /** What it costs in the prompt, overhead included. */
  tokens: number;
  /** Cut to whole lines to fit. */
  truncated: boolean;
}

export type SnippetDropReason = "empty" | "inWindow" | "nearDuplicate" | "limit" | "budget";

export interface DroppedSnippet {
  candidate: SnippetCandidate;
  reason: SnippetDropReason;
}

export interface CompletionContextInput {
  /** The whole document. */
  text: string;
  /** The cursor, a UTF-16 offset into `text`. */
  offset: number;
  candidates?: readonly SnippetCandidate[];
  /**
   * Applied to the chosen windows and to each snippet before it enters the prompt (the guardrails' secret
   * redaction): only what the model would see is scanned, never the whole document.
   */
  redact?: (text: string) => string;
  countTokens: CountTokens;
  budget?: Partial<ContextBudget>;
}

export interface CompletionContext {
  /** The prefix window: whole lines, then the cursor line up to the cursor. */
  prefix: string;
  /** The suffix window: the rest of the cursor line, then whole lines. */
  suffix: string;
  linePrefix: string;
  lineSuffix: string;
  /** Document offset where the prefix window starts; the suffix window ends at `suffixEnd`. */
  prefixStart: number;
  suffixEnd: number;
  prefixTokens: number;
  suffixTokens: number;
  snippetTokens: number;
  /** Least relevant first. */
  snippets: AdmittedSnippet[];
  dropped: DroppedSnippet[];
}

/** The windows around the cursor and the snippets that fit beside them. */
export function buildCompletionContext(input: CompletionContextInput): CompletionContext {
  const budget = { ...defaultContextBudget, ...input.budget };
  const { text, offset, countTokens } = input;
  const prefixBudget = Math.floor(budget.maxPromptTokens * budget.prefixShare);
  const suffixBudget = Math.floor(budget.maxPromptTokens * budget.suffixShare);
  const prefixWindow = anchorPrefix(
    text,
    offset,
    growPrefix(text, offset, prefixBudget, countTokens),
    budget.prefixAnchorLines,
    countTokens,
  );
  const suffixWindow = growSuffix(text, offset, suffixBudget, countTokens);
  const redact = input.redact ?? ((unchanged: string) => unchanged);
  const prefix = redact(text.slice(prefixWindow.start, offset));
  const suffix = redact(text.slice(offset, suffixWindow.end));
  const lineStart = lineStartOf(text, offset);
  const lineEndIndex = text.indexOf("\n", offset);
  const lineEnd = lineEndIndex === -1 ? text.length : lineEndIndex;

  const remaining = budget.maxPromptTokens - budget.reservedTokens - prefixBudget - suffixBudget;
  const { admitted, dropped, tokens } = admitSnippets(
    (input.candidates ?? []).map((candidate) => ({ ...candidate, text: redact(candidate.text) })),
    `${prefix}\n${suffix}`,
    Math.max(0, remaining),
    budget,
    countTokens,
  );
  return {
    prefix,
    suffix,
    linePrefix: text.slice(Math.max(lineStart, prefixWindow.start), offset),
    lineSuffix: text.slice(offset, Math.min(lineEnd, suffixWindow.end)),
    prefixStart: prefixWindow.start,
    suffixEnd: suffixWindow.end,
    prefixTokens: prefixWindow.tokens,
    suffixTokens: suffixWindow.tokens,
    snippetTokens: tokens,
    snippets: admitted,
    dropped,
  };
}

interface Window {
  start: number;
  end: number;
  tokens: number;
}

function growPrefix(text: string, offset: number, budget: number, countTokens: CountTokens): Window {
  const lineStart = lineStartOf(text, offset);
  let tokens = countTokens(text.slice(lineStart, offset));
  if (tokens > budget) {
    const start =
      offset -
      longestFitting(
        offset - lineStart,
        budget,
        (length) => text.slice(offset - length, offset),
        countTokens,
      );
    return { start, end: offset, tokens: countTokens(text.slice(start, offset)) };
  }
  let start = lineStart;
  while (start > 0) {
    const previousStart = lineStartOf(text, start - 1);
    const cost = countTokens(text.slice(previousStart, start));
    if (tokens + cost > budget) break;
    tokens += cost;
    start = previousStart;
  }
  return { start, end: offset, tokens };
}

/**
 * Moves the start of a prefix window that its budget cut (it does not reach the document's start) forward to
 * the next line whose number is a multiple of `anchorLines`, never past the cursor line.
 */
function anchorPrefix(
  text: string,
  offset: number,
  window: Window,
  anchorLines: number,
  countTokens: CountTokens,
): Window {
  if (window.start === 0 || anchorLines <= 1) return window;
  const cursorLineStart = lineStartOf(text, offset);
  if (window.start >= cursorLineStart) return window;
  let line = lineNumberAt(text, window.start);
  let start = window.start;
  while (line % anchorLines !== 0 && start < cursorLineStart) {
    start = text.indexOf("\n", start) + 1;
    line++;
  }
  return start === window.start
    ? window
    : { ...window, start, tokens: countTokens(text.slice(start, offset)) };
}

function growSuffix(text: string, offset: number, budget: number, countTokens: CountTokens): Window {
  const newline = text.indexOf("\n", offset);
  const lineEnd = newline === -1 ? text.length : newline;
  let tokens = countTokens(text.slice(offset, lineEnd));
  if (tokens > budget) {
    const length = longestFitting(
      lineEnd - offset,
      budget,
      (size) => text.slice(offset, offset + size),
      countTokens,
    );
    return { start: offset, end: offset + length, tokens: countTokens(text.slice(offset, offset + length)) };
  }
  let end = lineEnd;
  while (end < text.length) {
    const next = text.indexOf("\n", end + 1);
    const nextEnd = next === -1 ? text.length : next;
    // A line costs its leading newline: the suffix window never ends with a dangling one.
    const cost = countTokens(text.slice(end, nextEnd));
    if (tokens + cost > budget) break;
    tokens += cost;
    end = nextEnd;
  }
  return { start: offset, end, tokens };
}

/** The largest length in [0, max] whose text fits `budget` (binary search; token counts grow with length). */
function longestFitting(
  max: number,
  budget: number,
  textOf: (length: number) => string,
  countTokens: CountTokens,
): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (countTokens(textOf(middle)) <= budget) low = middle;
    else high = middle - 1;
  }
  return low;
}

const sourceRank: Record<SnippetSource, number> = {
  importDefinition: 3,
  recentEdit: 2,
  openFile: 1,
  retrieval: 0,
};

/** Best first: score, then source (definitions the code uses before loose matches), then path and text. */
function compareRelevance(left: SnippetCandidate, right: SnippetCandidate): number {
  return (
    right.score - left.score ||
    sourceRank[right.source] - sourceRank[left.source] ||
    left.path.localeCompare(right.path) ||
    left.text.localeCompare(right.text)
  );
}

/** Trimmed non-blank lines: what the overlap and duplicate checks compare. */
export function lineSet(text: string): Set<string> {
  const lines = new Set<string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed !== "") lines.add(trimmed);
  }
  return lines;
}

export function jaccardSimilarity(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  for (const item of small) if (large.has(item)) shared++;
  return shared / (left.size + right.size - shared);
}

export const nearDuplicateThreshold = 0.9;
/** A snippet is "inside the window" when at least this share of its lines is. */
export const inWindowShare = 0.9;

function admitSnippets(
  candidates: readonly SnippetCandidate[],
  windowText: string,
  available: number,
  budget: ContextBudget,
  countTokens: CountTokens,
): { admitted: AdmittedSnippet[]; dropped: DroppedSnippet[]; tokens: number } {
  const windowLines = lineSet(windowText);
  const admitted: AdmittedSnippet[] = [];
  const admittedLines: Set<string>[] = [];
  const dropped: DroppedSnippet[] = [];
  let remaining = available;
  for (const candidate of [...candidates].sort(compareRelevance)) {
    const lines = lineSet(candidate.text);
    if (lines.size === 0) {
      dropped.push({ candidate, reason: "empty" });
      continue;
    }
    let inside = 0;
    for (const line of lines) if (windowLines.has(line)) inside++;
    if (inside / lines.size >= inWindowShare) {
      dropped.push({ candidate, reason: "inWindow" });
      continue;
    }
    if (admittedLines.some((other) => jaccardSimilarity(lines, other) > nearDuplicateThreshold)) {
      dropped.push({ candidate, reason: "nearDuplicate" });
      continue;
    }
    if (admitted.length >= budget.maxSnippets) {
      dropped.push({ candidate, reason: "limit" });
      continue;
    }
    const fixed = countTokens(candidate.path) + budget.snippetOverheadTokens;
    const cost = fixed + countTokens(candidate.text);
    if (cost <= remaining) {
      admitted.push({ ...candidate, tokens: cost, truncated: false });
      admittedLines.push(lines);
      remaining -= cost;
      continue;
    }
    const cut =
      remaining >= budget.minSnippetTokens ? cutToFit(candidate.text, remaining - fixed, countTokens) : null;
    if (cut === null) {
      dropped.push({ candidate, reason: "budget" });
      continue;
    }
    const tokens = fixed + countTokens(cut);
    admitted.push({ ...candidate, text: cut, tokens, truncated: true });
    admittedLines.push(lineSet(cut));
    remaining -= tokens;
  }
  admitted.sort((left, right) => compareRelevance(right, left));
  return { admitted, dropped, tokens: available - remaining };
}

/** The longest run of leading whole lines that fits, or null when not even one non-blank line does. */
function cutToFit(text: string, budget: number, countTokens: CountTokens): string | null {
  const lines = text.split("\n");
  let kept = "";
  let tokens = 0;
  for (const [index, line] of lines.entries()) {
    const piece = index === 0 ? line : `\n${line}`;
    const cost = countTokens(piece);
    if (tokens + cost > budget) break;
    kept += piece;
    tokens += cost;
  }
  return kept.trim() === "" ? null : kept;
}
