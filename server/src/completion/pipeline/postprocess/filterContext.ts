/**
 * What the filters know about the place a completion goes, computed once per request from the document and
 * the cursor: the cursor line split at the cursor, the lines around it, the document's indentation style,
 * the brackets the prefix left open and whether the completion may close them.
 */

import { type BracketScan, isCloser, isOpener, openBrackets, scanCode } from "../codeScanner";
import { parseCursor } from "../cursorMarker";
import { detectIndentStyle, type IndentStyle } from "../indentation";
import { type LexicalRules, lexicalRules } from "../languageSyntax";
import { cursorLines } from "../multiline";

export interface FilterContext {
  linePrefix: string;
  lineSuffix: string;
  /** Lines above the cursor line, nearest last. */
  previousLines: readonly string[];
  /** Lines below the cursor line, nearest first. */
  nextLines: readonly string[];
  multiline: boolean;
  /** The model's stop strings. */
  stop: readonly string[];
  language?: string;
  rules: LexicalRules;
  indentStyle: IndentStyle;
  /** Brackets open at the cursor (in the scanned part of the prefix) and the lexer state there. */
  prefixScan: BracketScan;
  /**
   * How many of the open brackets, innermost first, the completion may close: none when the text after the
   * cursor closes the innermost one (`foo(|)`, a function body above its `}`), all of them otherwise (the
   * user is writing the end of an unfinished file).
   */
  closableBrackets: number;
}

export interface FilterContextInput {
  text: string;
  offset: number;
  multiline: boolean;
  stop?: readonly string[];
  language?: string;
  /** Characters scanned on each side of the cursor for brackets (default 4000), widened to whole lines. */
  scanChars?: number;
  /** Lines kept on each side of the cursor line (default 20). */
  aroundLines?: number;
}

export function createFilterContext(input: FilterContextInput): FilterContext {
  const { text, offset } = input;
  const scanChars = input.scanChars ?? 4000;
  const rules = lexicalRules(input.language);
  const lines = cursorLines(text, offset, input.aroundLines ?? 20);
  const from = offset - scanChars;
  const scanStart = from <= 0 ? 0 : text.lastIndexOf("\n", from) + 1;
  const prefixScan = openBrackets(text.slice(scanStart, offset), rules);
  const suffixEnd = text.indexOf("\n", Math.min(text.length, offset + scanChars));
  const suffix = text.slice(offset, suffixEnd === -1 ? text.length : suffixEnd);
  return {
    linePrefix: lines.linePrefix,
    lineSuffix: lines.lineSuffix,
    previousLines: lines.previousLines,
    nextLines: lines.nextLines,
    multiline: input.multiline,
    stop: input.stop ?? [],
    language: input.language,
    rules,
    indentStyle: detectIndentStyle([...lines.previousLines, lines.linePrefix, ...lines.nextLines]),
    prefixScan,
    closableBrackets: closesInnermost(suffix, rules, prefixScan) ? 0 : prefixScan.open.length,
  };
}

/** `createFilterContext` for a document written with a `$0` cursor (tests, golden cases, the command line). */
export function filterContextAt(
  marked: string,
  options: Omit<FilterContextInput, "text" | "offset" | "multiline"> & { multiline?: boolean } = {},
): FilterContext {
  return createFilterContext({ ...parseCursor(marked), ...options, multiline: options.multiline ?? false });
}

/** Whether the suffix, read from the prefix's lexer state, closes a bracket the prefix opened. */
function closesInnermost(suffix: string, rules: LexicalRules, prefixScan: BracketScan): boolean {
  if (prefixScan.open.length === 0) return false;
  let depth = 0;
  const found = scanCode(suffix, rules, prefixScan.state, {
    bracket: (char) => {
      if (isOpener(char)) depth++;
      else if (isCloser(char)) {
        if (depth === 0) return true;
        depth--;
      }
      return undefined;
    },
  });
  return found.stoppedAt !== null;
}

/**
 * A stop rule looks at the text generated so far and says where to cut it (keep `text.slice(0, cut)`), or null
 * to let generation go on. `final` is true once no more text comes, so that the last line counts as complete.
 */
export type StopRule = (text: string, context: FilterContext, final: boolean) => number | null;

/** A clean-up rule rewrites the final text, or returns null to drop the suggestion. */
export type CleanupRule = (text: string, context: FilterContext) => string | null;

export interface LineSpan {
  /** Index of the line in the completion; line 0 continues the cursor line. */
  index: number;
  start: number;
  /** Exclusive; the newline, if any, is at `end`. */
  end: number;
  text: string;
}

/** The completion's lines that are complete: all when `final`, else those followed by a newline. */
export function completeLines(text: string, final: boolean): LineSpan[] {
  const spans: LineSpan[] = [];
  let start = 0;
  for (let index = 0; ; index++) {
    const newline = text.indexOf("\n", start);
    if (newline === -1) {
      if (final) spans.push({ index, start, end: text.length, text: text.slice(start) });
      return spans;
    }
    spans.push({ index, start, end: newline, text: text.slice(start, newline) });
    start = newline + 1;
  }
}

/** Where to cut to drop line `span` and everything after it: before the newline that precedes it. */
export function cutBefore(span: LineSpan): number {
  return Math.max(0, span.start - 1);
}
