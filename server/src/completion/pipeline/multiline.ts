/**
 * Single line or several: decided from the text around the cursor, the way a person would guess what comes
 * next. The core (`decideMultiline`) is a pure function of the cursor line, the lines around it and the
 * language, so tests need no parser; a tree-sitter fact (the cursor opens an empty definition body, from
 * `syntax/`'s `enclosingScopes`) can be passed in, computed by `emptyBlockBody`.
 *
 * Rules, first match wins:
 * 1. text right of the cursor other than closing brackets, quotes, `;` and `,` → single line;
 * 2. the cursor is in a comment or a string → single line;
 * 3. the cursor is on a blank line at the start of an empty definition body (syntax fact) → several lines;
 * 4. the line so far opens a block (`{`, `(`, `[` at its end, `=>`, Python's `:`, `case x:`, `do`, `then`,
 *    Ruby's `def`) → several lines, unless brackets were closed for it on the same line (`foo(|)`: arguments)
 *    and it is not a block header (`if (x) {|}` is one);
 * 5. any other text before the cursor (mid-expression, mid-statement) → single line;
 * 6. a blank line after a line that opens a block → several lines; any other blank line → single line.
 */

import type { Definition } from "../../syntax/syntaxOutline";
import { commentStart, openBrackets } from "./codeScanner";
import { indentWidth, isBlank, lineStartOf } from "./indentation";
import { canonicalLanguage, lexicalRules } from "./languageSyntax";

export interface MultilineInput {
  /** The cursor line up to the cursor. */
  linePrefix: string;
  /** The cursor line after the cursor. */
  lineSuffix: string;
  /** Lines above the cursor line, nearest last. */
  previousLines: readonly string[];
  /** Lines below the cursor line, nearest first. */
  nextLines?: readonly string[];
  language?: string;
  /** From the syntax layer: the cursor sits in the still empty body of a definition. */
  emptyBlockBody?: boolean;
}

export type MultilineReason =
  | "textAfterCursor"
  | "inComment"
  | "inString"
  | "emptyBlockBody"
  | "opensBlock"
  | "closedOnLine"
  | "midLine"
  | "afterBlockOpener"
  | "blankLine";

export interface MultilineDecision {
  multiline: boolean;
  /** Which rule decided, for `--explain` and tests. */
  reason: MultilineReason;
}

/** What may follow the cursor on its line without making the completion single-line. */
const closingOnly = /^[\s)\]}"'`;,]*$/;

export function decideMultiline(input: MultilineInput): MultilineDecision {
  const { linePrefix, lineSuffix, language } = input;
  const rules = lexicalRules(language);
  if (!closingOnly.test(lineSuffix)) return { multiline: false, reason: "textAfterCursor" };

  const scan = openBrackets(linePrefix, rules);
  const trimmed = linePrefix.trim();
  const inBlockComment = rules.blockComment !== null && /^(\/\*|\*)/.test(trimmed);
  if (scan.state.mode === "lineComment" || scan.state.mode === "blockComment" || inBlockComment) {
    return { multiline: false, reason: "inComment" };
  }
  if (scan.state.mode === "string") return { multiline: false, reason: "inString" };

  if (trimmed === "") {
    if (input.emptyBlockBody) return { multiline: true, reason: "emptyBlockBody" };
    const previous = [...input.previousLines].reverse().find((line) => !isBlank(line));
    if (previous !== undefined && opensBlock(previous, language)) {
      return { multiline: true, reason: "afterBlockOpener" };
    }
    return { multiline: false, reason: "blankLine" };
  }

  if (opensBlock(linePrefix, language)) {
    if (lineSuffix.trim() === "" || isBlockHeader(linePrefix, language)) {
      return { multiline: true, reason: "opensBlock" };
    }
    return { multiline: false, reason: "closedOnLine" };
  }
  return { multiline: false, reason: "midLine" };
}

const keywordOpener = /(^|[^\w$])(do|then|else|begin|repeat)(\s*\|[^|]*\|)?$/;
const rubyHeader = /^(def|class|module|if|unless|while|until|case|for|begin)\b/;
const luaHeader = /^(local\s+)?function\b/;
const blockHeaderStart =
  /^(\}\s*)?(if|else|for|foreach|while|do|switch|try|catch|finally|function|func|fn|class|struct|enum|interface|impl|trait|namespace|module|unsafe|loop|match|with|using|lock)\b/;

/** Whether a line's code (comments removed) ends by opening a block that the next lines fill. */
export function opensBlock(line: string, language?: string): boolean {
  const rules = lexicalRules(language);
  const start = commentStart(line, rules);
  const code = (start === -1 ? line : line.slice(0, start)).trim();
  if (code === "") return false;
  const canonical = canonicalLanguage(language);
  if (/[{([]$/.test(code) || code.endsWith("=>")) return true;
  if (code.endsWith(":")) {
    if (canonical === "python") return true;
    if (/^(case\b.*|default\s*):$/.test(code)) return true;
  }
  if (keywordOpener.test(code)) return true;
  if (canonical === "ruby" && rubyHeader.test(code) && !/\bend$/.test(code)) return true;
  if (canonical === "lua" && luaHeader.test(code) && code.endsWith(")")) return true;
  return false;
}

/** `if (x) {`, `function f() {`, `() => {`: a `{` that opens statements rather than an object literal. */
function isBlockHeader(linePrefix: string, language?: string): boolean {
  const code = linePrefix.trim();
  if (!code.endsWith("{")) return canonicalLanguage(language) === "python" && code.endsWith(":");
  const head = code.slice(0, -1).trimEnd();
  return head.endsWith(")") || head.endsWith("=>") || blockHeaderStart.test(head) || /\belse$/.test(head);
}

/** A line holding nothing but closing brackets or a block-ending keyword: `}`, `});`, `end`, `fi`. */
export function isClosingLine(line: string): boolean {
  return /^\s*([)\]}]+[)\]};,]*|end[;,)]*|fi|done|esac)\s*$/.test(line);
}

export interface CursorLines {
  linePrefix: string;
  lineSuffix: string;
  /** 0-based. */
  cursorLine: number;
  previousLines: string[];
  nextLines: string[];
}

/**
 * The cursor line split at the cursor and up to `around` lines on each side. Only those lines are sliced out
 * (a keystroke in a long file does not split the whole file); counting the line number reads up to the cursor.
 */
export function cursorLines(text: string, offset: number, around = 20): CursorLines {
  const lineStart = lineStartOf(text, offset);
  const newline = text.indexOf("\n", offset);
  const lineEnd = newline === -1 ? text.length : newline;
  const previousLines: string[] = [];
  for (let end = lineStart - 1; end >= 0 && previousLines.length < around; ) {
    const start = lineStartOf(text, end);
    previousLines.unshift(text.slice(start, end));
    end = start - 1;
  }
  const nextLines: string[] = [];
  for (let start = lineEnd + 1; newline !== -1 && start <= text.length && nextLines.length < around; ) {
    const next = text.indexOf("\n", start);
    const end = next === -1 ? text.length : next;
    nextLines.push(text.slice(start, end));
    if (next === -1) break;
    start = next + 1;
  }
  let cursorLine = 0;
  for (
    let index = text.indexOf("\n");
    index !== -1 && index < lineStart;
    index = text.indexOf("\n", index + 1)
  ) {
    cursorLine++;
  }
  return {
    linePrefix: text.slice(lineStart, offset),
    lineSuffix: text.slice(offset, lineEnd),
    cursorLine,
    previousLines,
    nextLines,
  };
}

/** `decideMultiline` for a cursor in a document. */
export function decideMultilineAt(
  text: string,
  offset: number,
  language?: string,
  facts: { emptyBlockBody?: boolean } = {},
): MultilineDecision {
  const lines = cursorLines(text, offset);
  return decideMultiline({ ...lines, language, emptyBlockBody: facts.emptyBlockBody });
}

/**
 * The syntax fact for rule 3: the innermost definition around the cursor (from `enclosingScopes`) has an empty
 * body. Between the header's last line (the nearest line above the cursor that is neither blank nor only a
 * comment, which must open a block and belong to the definition) and the definition's last line, every line
 * is blank, only a comment, or the definition's own closing line. `lines` are the document's lines;
 * `cursorLine` is 0-based.
 */
export function emptyBlockBody(
  scopes: readonly Pick<Definition, "nameLine" | "endLine">[],
  lines: readonly string[],
  cursorLine: number,
  language?: string,
): boolean {
  const scope = scopes.at(-1);
  if (!scope || cursorLine <= scope.nameLine || !isBlank(lines[cursorLine] ?? "")) return false;
  const rules = lexicalRules(language);
  const isFiller = (line: string) =>
    isBlank(line) || commentStart(line, rules) === line.length - line.trimStart().length;
  let header = cursorLine - 1;
  while (header > scope.nameLine && isFiller(lines[header] ?? "")) header--;
  if (!opensBlock(lines[header] ?? "", language)) return false;
  const last = Math.max(scope.endLine, cursorLine);
  for (let line = cursorLine + 1; line <= last; line++) {
    const text = lines[line] ?? "";
    if (isFiller(text)) continue;
    // The definition's own closing line, no deeper than its header.
    const closesScope =
      line === last && isClosingLine(text) && indentWidth(text) <= indentWidth(lines[header] ?? "");
    if (!closesScope) return false;
  }
  return true;
}
