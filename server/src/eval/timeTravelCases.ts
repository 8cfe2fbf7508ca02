/**
 * The cases of the time-travel eval: from the lines a commit added to a file, the spans to hide and ask the
 * completion pipeline to write back. For each chosen hunk: the whole hunk (up to `maxHunkLines` lines, from
 * its first line's indentation), one whole line within it, and the rest of one line from a token boundary.
 * The document is the file as the commit left it with only that span removed. Pure and seeded by the commit,
 * so a commit gives the same cases in every run, whichever other commits the run covers (runs pair by case).
 */

import { seededRandom } from "../base/numbers";
import type { AddedHunk } from "./gitHistory";

export type TimeTravelKind = "hunk" | "line" | "restOfLine";

export interface CompletionCase {
  /** Stable across runs: commit, path, line and kind. */
  key: string;
  path: string;
  kind: TimeTravelKind | "restOfLineMasked" | "nextLineMasked" | "blockMasked";
  /** The file without the span; the cursor sits at `offset`. */
  maskedText: string;
  offset: number;
  expected: string;
  /** The file as written, for the parse check. */
  originalText: string;
  /** The commit whose added lines these are (`null` for masked spans of the working tree). */
  commit: string | null;
}

export interface TimeTravelCaseOptions {
  /** Hunks sampled per file, and cases kept per commit. */
  hunksPerFile: number;
  casesPerCommit: number;
  maxHunkLines: number;
}

export const defaultTimeTravelCaseOptions: TimeTravelCaseOptions = {
  hunksPerFile: 2,
  casesPerCommit: 9,
  maxHunkLines: 8,
};

/** A line worth asking for: some code, not a lone bracket or a comment. */
export function isSubstantialLine(line: string): boolean {
  const content = line.trim();
  return content.length >= 4 && !/^(\/\/|#|\*|\/\*|--|;)/.test(content) && /[A-Za-z0-9_]/.test(content);
}

export function timeTravelCases(
  commit: string,
  files: { path: string; text: string; hunks: AddedHunk[] }[],
  options: TimeTravelCaseOptions = defaultTimeTravelCaseOptions,
): CompletionCase[] {
  const random = seededRandom(hashSeed(commit));
  const cases: CompletionCase[] = [];
  for (const file of [...files].sort((left, right) => left.path.localeCompare(right.path))) {
    const lineStarts = lineStartsOf(file.text);
    const usable = file.hunks.filter((hunk) => hunk.lines.some(isSubstantialLine));
    for (const hunk of shuffled(usable, random).slice(0, options.hunksPerFile)) {
      cases.push(...hunkCases(commit, file, lineStarts, hunk, random, options));
    }
  }
  return shuffled(cases, random)
    .slice(0, options.casesPerCommit)
    .sort((left, right) => left.key.localeCompare(right.key));
}

function hunkCases(
  commit: string,
  file: { path: string; text: string },
  lineStarts: number[],
  hunk: AddedHunk,
  random: () => number,
  options: TimeTravelCaseOptions,
): CompletionCase[] {
  const lineText = (line: number) => {
    const start = lineStarts[line]!;
    const end = line + 1 < lineStarts.length ? lineStarts[line + 1]! - 1 : file.text.length;
    return file.text.slice(start, end).replace(/\r$/, "");
  };
  const indentOf = (line: number) => /^[ \t]*/.exec(lineText(line))![0].length;
  const make = (kind: TimeTravelKind, line: number, start: number, end: number): CompletionCase => ({
    key: `${commit.slice(0, 12)}:${file.path}:${line + 1}:${kind}`,
    path: file.path,
    kind,
    maskedText: file.text.slice(0, start) + file.text.slice(end),
    offset: start,
    expected: file.text.slice(start, end),
    originalText: file.text,
    commit,
  });
  const first = hunk.startLine;
  if (first + hunk.lines.length > lineStarts.length) return [];
  const cases: CompletionCase[] = [];
  // The whole hunk, from the first substantial line's indentation to the end of its last kept line.
  const opening = hunk.lines.findIndex(isSubstantialLine);
  const last = Math.min(hunk.lines.length, opening + options.maxHunkLines) - 1;
  let end = last;
  while (end > opening && lineText(first + end).trim() === "") end--;
  if (end > opening) {
    const startLine = first + opening;
    cases.push(
      make(
        "hunk",
        startLine,
        lineStarts[startLine]! + indentOf(startLine),
        lineStarts[first + end]! + lineText(first + end).length,
      ),
    );
  }
  // One whole line, and the rest of one line after a token boundary.
  const substantial = hunk.lines.flatMap((text, index) => (isSubstantialLine(text) ? [first + index] : []));
  const wholeLine = substantial[Math.floor(random() * substantial.length)]!;
  cases.push(
    make(
      "line",
      wholeLine,
      lineStarts[wholeLine]! + indentOf(wholeLine),
      lineStarts[wholeLine]! + lineText(wholeLine).length,
    ),
  );
  const cutLine = substantial[Math.floor(random() * substantial.length)]!;
  const text = lineText(cutLine);
  const indent = indentOf(cutLine);
  const boundaries = [...text.slice(indent).matchAll(/\W/g)]
    .map((match) => indent + match.index! + 1)
    .filter((at) => at - indent >= 2 && text.length - at >= 4);
  if (boundaries.length > 0) {
    const cut = boundaries[Math.floor(random() * boundaries.length)]!;
    cases.push(make("restOfLine", cutLine, lineStarts[cutLine]! + cut, lineStarts[cutLine]! + text.length));
  }
  return cases;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) {
    starts.push(index + 1);
  }
  return starts;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/** A 32-bit seed from a commit id, so each commit's sample is its own. */
function hashSeed(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}
