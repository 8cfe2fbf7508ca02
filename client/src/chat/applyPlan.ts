/**
 * Where a chat code block goes when the user presses Apply, decided on plain strings (no `vscode`): which file
 * (`codeBlockTarget`) and which part of it (`planEdit`). Small local models rarely write diffs that apply, so
 * Hearth reads the block as new code for a part of the file and finds that part itself:
 *
 * 1. a non-empty selection in the target editor is replaced (the user said where);
 * 2. a block that repeats most of the file (same first line and at least 60% of its distinct lines, or 80%
 *    of them anyway) replaces the whole file;
 * 3. otherwise the block's first line is looked up in the file (exactly, ignoring indentation; else the
 *    declaration of the same name: `def distance` finds `def distance(a: Point, ...)` even when the signature
 *    changed), and the region runs from there to the end of that line's indented block or to the last line
 *    the block lines up with, whichever is later; the block is re-indented to the region's indentation;
 * 4. a citation-style line range in the fence (`python pkg/geometry.py:18-20`) is used when no line matches;
 * 5. nothing found: no plan, and the caller offers to append, replace the whole file, or insert at the cursor.
 *
 * A block that leaves code out (`# ...`, `// ... existing code ...`) gets a warning: applying it puts that line
 * where the code was.
 */

export interface CodeBlockTarget {
  /** Workspace-relative (or absolute) path named by the fence's info string or the block's first line. */
  path?: string;
  /** 1-based inclusive lines named with the path (`file.py:18-20`). */
  lines?: { start: number; end: number };
  /** The code without a first line that only named the path. */
  code: string;
}

export interface EditPlan {
  kind: "selection" | "region" | "whole" | "append";
  /** UTF-16 offsets in the file's text of the part replaced (equal for an insertion). */
  start: number;
  end: number;
  newText: string;
  /** For people: "lines 18–20 (def distance)". */
  description: string;
  /** Reasons to look twice before applying. */
  warnings: string[];
}

const pathPattern = /^(?:\.{0,2}\/)?[\w@.+-]+(?:[/\\][\w@.+-]+)*\.[A-Za-z0-9]{1,10}$/;
const lineRangeSuffix = /:(\d+)(?:-(\d+))?$/;
/** Info-string words that are languages even though they look like file names. */
const notPaths = new Set(["objective-c", "c++", "f#", "c#"]);

/** Reads the target file named by a fenced block's info string or its first line. */
export function codeBlockTarget(info: string, code: string): CodeBlockTarget {
  const words = info.trim().split(/\s+/).filter(Boolean);
  for (const [index, word] of words.entries()) {
    const attribute = /^(?:title|file|filename|path)=["']?([^"']+)["']?$/i.exec(word);
    const candidate = attribute
      ? attribute[1]!
      : index === 0 && word.includes(":") && !lineRangeSuffix.test(word)
        ? word.slice(word.indexOf(":") + 1)
        : word;
    const parsed = parsePath(candidate);
    if (parsed) return { ...parsed, code };
  }
  const lines = code.split("\n");
  const first = lines[0] ?? "";
  const comment =
    /^\s*(?:#|\/\/|--|;|\/\*|<!--)\s*(?:(?:file(?:name)?|path)\s*:\s*)?(\S+?)\s*(?:\*\/|-->)?\s*$/i.exec(
      first,
    );
  const parsed = comment ? parsePath(comment[1]!) : undefined;
  if (parsed) return { ...parsed, code: lines.slice(1).join("\n") };
  return { code };
}

function parsePath(word: string): Omit<CodeBlockTarget, "code"> | undefined {
  let path = word.replace(/^["'`]|["'`,]$/g, "");
  let lines: CodeBlockTarget["lines"];
  const range = lineRangeSuffix.exec(path);
  if (range) {
    const start = Number(range[1]);
    const end = Number(range[2] ?? range[1]);
    if (start >= 1 && end >= start) lines = { start, end };
    path = path.slice(0, range.index);
  }
  if (notPaths.has(path.toLowerCase()) || /^[a-z]+:\/\//i.test(path) || !pathPattern.test(path))
    return undefined;
  return lines ? { path, lines } : { path };
}

export interface PlanOptions {
  /** The target editor's selection (offsets), when it is not empty. */
  selection?: { start: number; end: number } | undefined;
  /** Lines named with the path in the fence (1-based, inclusive). */
  lineHint?: { start: number; end: number } | undefined;
}

/** Where `code` goes in `fileText`; `undefined` when no part of the file matches it. */
export function planEdit(fileText: string, code: string, options: PlanOptions = {}): EditPlan | undefined {
  const file = new FileLines(fileText);
  const codeLines = trimBlankEdges(code.replace(/\r\n?/g, "\n").split("\n"));
  if (codeLines.length === 0) return undefined;
  const warnings = elisionWarnings(codeLines);

  if (options.selection && options.selection.end > options.selection.start) {
    return selectionPlan(file, codeLines, options.selection, warnings);
  }
  if (file.lines.every(isBlank) || coversWholeFile(file.lines, codeLines)) {
    return wholeFilePlan(fileText, code, warnings);
  }
  const anchor = findAnchor(file.lines, codeLines);
  if (anchor) {
    const startLine = anchor.fileLine - anchor.leadingLines;
    const endLine = Math.max(
      blockEnd(file.lines, anchor.fileLine),
      alignedEnd(file.lines, codeLines, startLine),
    );
    const indent = indentOf(file.lines[anchor.fileLine]!);
    const newLines = reindent(codeLines, indentOf(codeLines[anchor.codeLine]!), indent);
    return {
      kind: "region",
      start: file.lineStart(startLine),
      end: file.lineEnd(endLine),
      newText: newLines.join(file.eol),
      description: `${lineSpan(startLine, endLine)} (${file.lines[anchor.fileLine]!.trim().slice(0, 60)})`,
      warnings,
    };
  }
  const hint = options.lineHint;
  if (hint && hint.start <= file.lines.length) {
    const startLine = hint.start - 1;
    const endLine = Math.min(hint.end, file.lines.length) - 1;
    const firstCodeLine = codeLines.find((line) => !isBlank(line)) ?? "";
    const newLines = reindent(codeLines, indentOf(firstCodeLine), indentOf(file.lines[startLine]!));
    return {
      kind: "region",
      start: file.lineStart(startLine),
      end: file.lineEnd(endLine),
      newText: newLines.join(file.eol),
      description: `${lineSpan(startLine, endLine)}, as the answer named them`,
      warnings,
    };
  }
  return undefined;
}

/** Replaces the whole file with the block. */
export function wholeFilePlan(fileText: string, code: string, warnings: string[] = []): EditPlan {
  const file = new FileLines(fileText);
  const lines = trimBlankEdges(code.replace(/\r\n?/g, "\n").split("\n"));
  const ending = fileText === "" || /\n$/.test(fileText) ? file.eol : "";
  return {
    kind: "whole",
    start: 0,
    end: fileText.length,
    newText: lines.join(file.eol) + ending,
    description: fileText.trim() ? "the whole file" : "the empty file",
    warnings: warnings.length ? warnings : elisionWarnings(lines),
  };
}

/** Adds the block after the file's last line, one blank line apart. */
export function appendPlan(fileText: string, code: string): EditPlan {
  const file = new FileLines(fileText);
  const lines = trimBlankEdges(code.replace(/\r\n?/g, "\n").split("\n"));
  const trimmed = fileText.replace(/(?:\r?\n[ \t]*)+$/, "");
  const separator = trimmed ? file.eol + file.eol : "";
  return {
    kind: "append",
    start: trimmed.length,
    end: fileText.length,
    newText: separator + lines.join(file.eol) + file.eol,
    description: "added at the end",
    warnings: elisionWarnings(lines),
  };
}

/**
 * A block as Insert puts it at a cursor whose line starts with `lineLead`: without its trailing newline, and,
 * when the cursor sits in the line's indentation, with the later lines indented like the cursor's line.
 */
export function insertionText(code: string, lineLead: string): string {
  const lines = trimBlankEdges(code.replace(/\r\n?/g, "\n").split("\n"));
  if (lines.length === 0) return "";
  if (!isBlank(lineLead) || lineLead === "") return lines.join("\n");
  const base = indentOf(lines.find((line) => !isBlank(line))!);
  const rebased = reindent(lines, base, lineLead);
  rebased[0] = rebased[0]!.slice(lineLead.length);
  return rebased.join("\n");
}

/** The file's text with the plan applied (the right side of the diff). */
export function applyPlanToText(fileText: string, plan: EditPlan): string {
  return fileText.slice(0, plan.start) + plan.newText + fileText.slice(plan.end);
}

class FileLines {
  readonly lines: string[];
  readonly eol: string;
  private readonly starts: number[] = [];

  constructor(readonly text: string) {
    this.eol = text.includes("\r\n") ? "\r\n" : "\n";
    this.lines = [];
    let start = 0;
    for (const match of text.matchAll(/\r\n|\n|\r/g)) {
      this.starts.push(start);
      this.lines.push(text.slice(start, match.index));
      start = match.index + match[0].length;
    }
    this.starts.push(start);
    this.lines.push(text.slice(start));
  }

  lineStart(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  lineEnd(line: number): number {
    return this.lineStart(line) + (this.lines[line]?.length ?? 0);
  }
}

function selectionPlan(
  file: FileLines,
  codeLines: string[],
  selection: { start: number; end: number },
  warnings: string[],
): EditPlan {
  const before = file.text.slice(0, selection.start);
  const lineLead = before.slice(before.lastIndexOf("\n") + 1);
  const selected = file.text.slice(selection.start, selection.end);
  let newLines = codeLines;
  let trailing = "";
  if (isBlank(lineLead)) {
    // Whole lines selected: the block takes the indentation of the first selected line.
    const firstSelected = selected.split(/\r?\n/).find((line) => !isBlank(line)) ?? "";
    const firstCode = codeLines.find((line) => !isBlank(line)) ?? "";
    const target = lineLead + indentOf(firstSelected);
    newLines = reindent(codeLines, indentOf(firstCode), target);
    newLines[0] = newLines[0]!.slice(Math.min(lineLead.length, indentOf(newLines[0]!).length));
    if (/\r?\n$/.test(selected)) trailing = file.eol;
  }
  const startLine = before.split("\n").length - 1;
  const endLine = startLine + selected.replace(/\r?\n$/, "").split("\n").length - 1;
  return {
    kind: "selection",
    start: selection.start,
    end: selection.end,
    newText: newLines.join(file.eol) + trailing,
    description: `the selection (${lineSpan(startLine, endLine)})`,
    warnings,
  };
}

function coversWholeFile(fileLines: string[], codeLines: string[]): boolean {
  const fileKeys = new Set(fileLines.map((line) => line.trim()).filter(Boolean));
  const codeKeys = new Set(codeLines.map((line) => line.trim()).filter(Boolean));
  if (fileKeys.size === 0) return true;
  let shared = 0;
  for (const key of fileKeys) if (codeKeys.has(key)) shared++;
  const overlap = shared / fileKeys.size;
  const firstOf = (lines: string[]) => lines.find((line) => !isBlank(line))?.trim();
  return (firstOf(fileLines) === firstOf(codeLines) && overlap >= 0.6) || overlap >= 0.8;
}

interface Anchor {
  /** The file line the block's anchor line replaces. */
  fileLine: number;
  /** The block's anchor line. */
  codeLine: number;
  /** Block lines before the anchor (decorators, comments) that replace the lines just above `fileLine`. */
  leadingLines: number;
}

function findAnchor(fileLines: string[], codeLines: string[]): Anchor | undefined {
  const firstCode = codeLines.findIndex((line) => !isBlank(line));
  const first = codeLines[firstCode]!.trim();
  if (first.length >= 3 && !isCloser(first)) {
    const candidates = fileLines.flatMap((line, index) => (line.trim() === first ? [index] : []));
    if (candidates.length > 0) {
      const best = maxBy(candidates, (candidate) =>
        followingMatches(fileLines, candidate, codeLines, firstCode),
      );
      return { fileLine: best, codeLine: firstCode, leadingLines: 0 };
    }
  }
  // The first declaration among the block's first lines, found by name.
  for (let index = firstCode; index < Math.min(codeLines.length, firstCode + 6); index++) {
    const declaration = declarationOf(codeLines[index]!);
    if (!declaration) continue;
    const candidates = fileLines.flatMap((line, fileIndex) => {
      const other = declarationOf(line);
      return other?.name === declaration.name
        ? [{ fileIndex, sameKind: other.kind === declaration.kind }]
        : [];
    });
    if (candidates.length === 0) return undefined;
    const best = maxBy(
      candidates,
      (candidate) =>
        (candidate.sameKind ? 1000 : 0) + followingMatches(fileLines, candidate.fileIndex, codeLines, index),
    );
    const leading = codeLines.slice(firstCode, index).filter((line) => !isBlank(line)).length;
    return {
      fileLine: best.fileIndex,
      codeLine: index,
      leadingLines: leadingPrefixLines(fileLines, best.fileIndex, leading),
    };
  }
  return undefined;
}

/** How many of the decorator or comment lines right above `line` the block's `wanted` leading lines replace. */
function leadingPrefixLines(fileLines: string[], line: number, wanted: number): number {
  let count = 0;
  const indent = indentOf(fileLines[line]!);
  while (count < wanted && line - count - 1 >= 0) {
    const above = fileLines[line - count - 1]!;
    if (indentOf(above) !== indent || !/^\s*(?:@|#|\/\/|\/\*|\*|--|\[)/.test(above)) break;
    count++;
  }
  return count;
}

/** Block lines after `codeLine` that equal, in order, the file lines after `fileLine` (ignoring indentation). */
function followingMatches(
  fileLines: string[],
  fileLine: number,
  codeLines: string[],
  codeLine: number,
): number {
  let matches = 0;
  let cursor = fileLine + 1;
  for (let index = codeLine + 1; index < codeLines.length && cursor < fileLines.length; index++) {
    const wanted = codeLines[index]!.trim();
    if (!wanted) continue;
    const limit = Math.min(fileLines.length, cursor + 5);
    for (let probe = cursor; probe < limit; probe++) {
      if (fileLines[probe]!.trim() === wanted) {
        matches++;
        cursor = probe + 1;
        break;
      }
    }
  }
  return matches;
}

/** The last file line that the block's lines line up with, walking both in order from `startLine`. */
function alignedEnd(fileLines: string[], codeLines: string[], startLine: number): number {
  let last = startLine;
  let cursor = startLine;
  const window = codeLines.length + 10;
  for (const line of codeLines) {
    const wanted = line.trim();
    if (!wanted) continue;
    const limit = Math.min(fileLines.length, cursor + window);
    for (let probe = cursor; probe < limit; probe++) {
      if (fileLines[probe]!.trim() === wanted) {
        last = probe;
        cursor = probe + 1;
        break;
      }
    }
  }
  return last;
}

/** The last line of the indented block that `line` opens (its body, and a closing bracket at its indent). */
function blockEnd(fileLines: string[], line: number): number {
  const indent = indentOf(fileLines[line]!).length;
  let last = line;
  for (let index = line + 1; index < fileLines.length; index++) {
    const text = fileLines[index]!;
    if (isBlank(text)) continue;
    const depth = indentOf(text).length;
    if (depth > indent) {
      last = index;
      continue;
    }
    if (depth === indent && isCloser(text.trim())) last = index;
    break;
  }
  return last;
}

const declarationPattern =
  /^\s*(?:export\s+)?(?:default\s+)?(?:public\s+|private\s+|protected\s+|static\s+|async\s+|abstract\s+|pub(?:\([^)]*\))?\s+|override\s+|readonly\s+)*(def|class|function\*?|fn|func|interface|type|struct|enum|trait|impl|module|const|let|var)\s+([A-Za-z_$][\w$]*)/;
const methodPattern =
  /^\s*(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^)]*\)?\s*(?::[^{=]*)?\{?\s*$/;
const notMethodNames = new Set(["if", "for", "while", "switch", "catch", "return", "function", "else"]);

function declarationOf(line: string): { kind: string; name: string } | undefined {
  const declaration = declarationPattern.exec(line);
  if (declaration) return { kind: declaration[1]!.replace("*", ""), name: declaration[2]! };
  const method = methodPattern.exec(line);
  if (method && !notMethodNames.has(method[1]!)) return { kind: "method", name: method[1]! };
  return undefined;
}

function elisionWarnings(codeLines: string[]): string[] {
  const elided = codeLines.find((line) =>
    /^\s*(?:(?:#|\/\/|\/\*|--|<!--)\s*)?(?:\.{3}|…)(?:\s*(?:rest|existing|unchanged|remaining|other)\b.*)?\s*(?:\*\/|-->)?\s*$/i.test(
      line,
    ),
  );
  return elided === undefined
    ? []
    : [
        `The code block leaves code out ("${elided.trim()}"); applying it puts that line where the code was. Check the diff.`,
      ];
}

function reindent(lines: string[], from: string, to: string): string[] {
  if (from === to) return [...lines];
  return lines.map((line) => {
    if (isBlank(line)) return "";
    if (line.startsWith(from)) return to + line.slice(from.length);
    // A line indented less than the anchor keeps its own relative position as far as possible.
    const own = indentOf(line);
    return to.slice(0, Math.max(0, to.length - (from.length - own.length))) + line.slice(own.length);
  });
}

function trimBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start]!)) start++;
  while (end > start && isBlank(lines[end - 1]!)) end--;
  return lines.slice(start, end).map((line) => line.replace(/\s+$/, ""));
}

function lineSpan(startLine: number, endLine: number): string {
  return startLine === endLine ? `line ${startLine + 1}` : `lines ${startLine + 1}–${endLine + 1}`;
}

function maxBy<T>(items: T[], score: (item: T) => number): T {
  let best = items[0] as T;
  let bestScore = score(best);
  for (const item of items.slice(1)) {
    const value = score(item);
    if (value > bestScore) {
      best = item;
      bestScore = value;
    }
  }
  return best;
}

const isBlank = (line: string) => line.trim() === "";
const indentOf = (line: string) => /^[ \t]*/.exec(line)![0];
const isCloser = (trimmed: string) => /^(?:[\]})]+[;,)]*|end|fi|done|esac)$/.test(trimmed);
