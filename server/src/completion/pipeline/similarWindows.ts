/**
 * Picks, from recently edited or visited documents, the windows of lines most like the code at the cursor:
 * Jaccard similarity of identifier sets over sliding windows of N lines (Cody's retriever uses 50-line
 * windows). Pure and linear: each window's score is updated incrementally as it slides one line, so a
 * document costs one pass over its identifiers. The caller turns the windows into snippet candidates.
 */

import { lineStartOf } from "./indentation";

export interface SimilarityDocument {
  path: string;
  text: string;
}

export interface SimilarWindow {
  path: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

export interface SimilarWindowOptions {
  windowLines: number;
  /** Non-overlapping windows taken from one document at most. */
  maxPerDocument: number;
  limit: number;
  /** Windows scoring below this are noise. */
  minScore: number;
}

export const defaultSimilarWindowOptions: SimilarWindowOptions = {
  windowLines: 40,
  maxPerDocument: 2,
  limit: 8,
  minScore: 0.1,
};

/** Words too common in code to say two windows are about the same thing. */
const stopWords = new Set(
  (
    "if else for while do return function const let var def class new this self true false null none " +
    "undefined import from export in of is not and or try catch finally throw async await void int string " +
    "public private protected static fn pub use mut struct impl type interface end then elif"
  ).split(" "),
);

/** Identifiers of two characters or more, lower-cased, without stop words. */
export function identifierTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) {
    const token = match[0].toLowerCase();
    if (token.length >= 2 && !stopWords.has(token)) tokens.push(token);
  }
  return tokens;
}

/** The last `windowLines` lines before the cursor, the cursor line's prefix included: the query to match. */
export function cursorQueryWindow(text: string, offset: number, windowLines: number): string {
  let start = lineStartOf(text, offset);
  for (let lines = 1; lines < windowLines && start > 0; lines++) start = lineStartOf(text, start - 1);
  return text.slice(start, offset);
}

/** The best windows over all documents, best first. */
export function similarWindows(
  query: string,
  documents: readonly SimilarityDocument[],
  options: Partial<SimilarWindowOptions> = {},
): SimilarWindow[] {
  const settings = { ...defaultSimilarWindowOptions, ...options };
  const queryTokens = new Set(identifierTokens(query));
  if (queryTokens.size === 0) return [];
  const found: SimilarWindow[] = [];
  for (const document of documents) found.push(...bestWindows(queryTokens, document, settings));
  found.sort(
    (left, right) =>
      right.score - left.score || left.path.localeCompare(right.path) || left.startLine - right.startLine,
  );
  return found.slice(0, settings.limit);
}

function bestWindows(
  query: ReadonlySet<string>,
  document: SimilarityDocument,
  options: SimilarWindowOptions,
): SimilarWindow[] {
  const lines = document.text.split("\n");
  const lineTokens = lines.map(identifierTokens);
  const size = Math.max(1, Math.min(options.windowLines, lines.length));
  const counts = new Map<string, number>();
  let distinct = 0;
  let shared = 0;
  const add = (token: string) => {
    const count = counts.get(token) ?? 0;
    counts.set(token, count + 1);
    if (count === 0) {
      distinct++;
      if (query.has(token)) shared++;
    }
  };
  const remove = (token: string) => {
    const count = counts.get(token)!;
    counts.set(token, count - 1);
    if (count === 1) {
      distinct--;
      if (query.has(token)) shared--;
    }
  };
  const score = () => (shared === 0 ? 0 : shared / (query.size + distinct - shared));

  for (let line = 0; line < size; line++) for (const token of lineTokens[line]!) add(token);
  const scores = [score()];
  for (let start = 1; start + size <= lines.length; start++) {
    for (const token of lineTokens[start - 1]!) remove(token);
    for (const token of lineTokens[start + size - 1]!) add(token);
    scores.push(score());
  }

  const order = scores
    .map((_, start) => start)
    .sort((left, right) => scores[right]! - scores[left]! || left - right);
  const picked: SimilarWindow[] = [];
  for (const start of order) {
    if (picked.length >= options.maxPerDocument || scores[start]! < options.minScore) break;
    const end = start + size - 1;
    if (picked.some((window) => start <= window.endLine && window.startLine <= end)) continue;
    picked.push({
      path: document.path,
      startLine: start,
      endLine: end,
      text: lines.slice(start, end + 1).join("\n"),
      score: scores[start]!,
    });
  }
  return picked;
}
