/**
 * Reads `git diff` output (unified format) into files and hunks, and turns a file's hunks into the regions a
 * review looks at: the added or changed lines of the new side. Pure.
 */

import type { LineRange } from "./finding";

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The hunk's body lines with their ` `, `+` or `-` prefix. */
  lines: string[];
}

export interface FileDiff {
  /** `null` for an added file. */
  oldPath: string | null;
  /** `null` for a deleted file. */
  newPath: string | null;
  binary: boolean;
  hunks: DiffHunk[];
}

export class DiffParseError extends Error {
  override name = "DiffParseError";
}

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let current: FileDiff | undefined;
  let hunk: DiffHunk | undefined;
  let remainingOld = 0;
  let remainingNew = 0;
  const lines = text.split("\n");
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (hunk && (remainingOld > 0 || remainingNew > 0)) {
      const prefix = line[0];
      if (prefix === " " || line === "") {
        remainingOld--;
        remainingNew--;
      } else if (prefix === "-") remainingOld--;
      else if (prefix === "+") remainingNew--;
      else if (prefix === "\\") continue;
      else
        throw new DiffParseError(
          `line ${index + 1}: unexpected line inside a hunk: ${JSON.stringify(line.slice(0, 60))}`,
        );
      hunk.lines.push(line === "" ? " " : line);
      continue;
    }
    if (line.startsWith("\\")) continue;
    if (line.startsWith("diff --git ")) {
      const paths = gitHeaderPaths(line.slice("diff --git ".length));
      current = { oldPath: paths?.[0] ?? null, newPath: paths?.[1] ?? null, binary: false, hunks: [] };
      files.push(current);
      hunk = undefined;
      continue;
    }
    if (!current) {
      if (line.startsWith("--- ")) {
        current = { oldPath: null, newPath: null, binary: false, hunks: [] };
        files.push(current);
      } else continue;
    }
    if (line.startsWith("new file mode")) current.oldPath = null;
    else if (line.startsWith("deleted file mode")) current.newPath = null;
    else if (line.startsWith("rename from ")) current.oldPath = unquote(line.slice("rename from ".length));
    else if (line.startsWith("rename to ")) current.newPath = unquote(line.slice("rename to ".length));
    else if (line.startsWith("Binary files ") || line === "GIT binary patch") current.binary = true;
    else if (line.startsWith("--- ")) current.oldPath = sidePath(line.slice(4), "a/");
    else if (line.startsWith("+++ ")) current.newPath = sidePath(line.slice(4), "b/");
    else if (line.startsWith("@@")) {
      const match = hunkHeader.exec(line);
      if (!match)
        throw new DiffParseError(`line ${index + 1}: malformed hunk header ${JSON.stringify(line)}`);
      hunk = {
        oldStart: Number(match[1]),
        oldLines: match[2] === undefined ? 1 : Number(match[2]),
        newStart: Number(match[3]),
        newLines: match[4] === undefined ? 1 : Number(match[4]),
        lines: [],
      };
      remainingOld = hunk.oldLines;
      remainingNew = hunk.newLines;
      current.hunks.push(hunk);
    }
  }
  if (hunk && (remainingOld > 0 || remainingNew > 0) && lines.at(-1) !== "") {
    throw new DiffParseError("the diff ends inside a hunk");
  }
  return files;
}

/**
 * The new side's lines a change touched (1-based): runs of added lines, and for a pure deletion the line that
 * now stands where the deleted lines were, so that removing a guard is reviewed too.
 */
export function changedRegions(file: FileDiff): LineRange[] {
  const regions: LineRange[] = [];
  const add = (startLine: number, endLine: number) => {
    const last = regions.at(-1);
    if (last && startLine <= last.endLine + 1) last.endLine = Math.max(last.endLine, endLine);
    else regions.push({ startLine, endLine });
  };
  for (const hunk of file.hunks) {
    let newLine = hunk.newStart;
    let runStart: number | undefined;
    let deletedHere = false;
    for (const line of hunk.lines) {
      if (line[0] === "+") {
        runStart ??= newLine;
        deletedHere = false;
        newLine++;
        continue;
      }
      if (runStart !== undefined) {
        add(runStart, newLine - 1);
        runStart = undefined;
      }
      if (line[0] === "-") deletedHere = true;
      else {
        if (deletedHere) add(Math.max(1, newLine), Math.max(1, newLine));
        deletedHere = false;
        newLine++;
      }
    }
    if (runStart !== undefined) add(runStart, newLine - 1);
    else if (deletedHere) {
      const at = Math.max(1, hunk.newLines === 0 ? hunk.newStart : newLine - 1);
      add(at, at);
    }
  }
  return regions;
}

/**
 * The old side's lines a change touched (1-based): runs of deleted lines, and for a pure insertion the old
 * lines on either side of it. Replaying a fix reviews these lines of the parent, where the bug was.
 */
export function changedOldRegions(file: FileDiff): LineRange[] {
  const regions: LineRange[] = [];
  for (const hunk of file.hunks) {
    let oldLine = hunk.oldStart;
    let runStart: number | undefined;
    const close = () => {
      if (runStart !== undefined) regions.push({ startLine: runStart, endLine: oldLine - 1 });
      runStart = undefined;
    };
    for (const line of hunk.lines) {
      if (line[0] === "+") continue;
      if (line[0] === "-") {
        runStart ??= oldLine;
        oldLine++;
        continue;
      }
      close();
      oldLine++;
    }
    close();
    if (hunk.oldLines === 0) {
      regions.push({ startLine: Math.max(1, hunk.oldStart), endLine: Math.max(1, hunk.oldStart + 1) });
    }
  }
  return regions;
}

/** Number of added plus deleted lines. */
export function changedLineCount(file: FileDiff): number {
  return file.hunks.reduce(
    (sum, hunk) => sum + hunk.lines.filter((line) => line[0] === "+" || line[0] === "-").length,
    0,
  );
}

function sidePath(text: string, prefix: string): string | null {
  const path = unquote(text.split("\t")[0]!);
  if (path === "/dev/null") return null;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** `a/x b/y` (possibly quoted) -> [x, y]; undefined when the names contain spaces and cannot be split for sure. */
function gitHeaderPaths(text: string): [string, string] | undefined {
  if (text.startsWith('"')) {
    const end = closingQuote(text);
    const first = unquote(text.slice(0, end + 1));
    const second = unquote(text.slice(end + 2));
    return [first.replace(/^a\//, ""), second.replace(/^b\//, "")];
  }
  const half = (text.length - 1) / 2;
  if (Number.isInteger(half) && text[half] === " ") {
    const [first, second] = [text.slice(0, half), text.slice(half + 1)];
    if (first.slice(2) === second.slice(2)) return [first.slice(2), second.slice(2)];
  }
  const match = /^a\/(\S+) b\/(\S+)$/.exec(text);
  return match ? [match[1]!, unquote(match[2]!)] : undefined;
}

function closingQuote(text: string): number {
  for (let index = 1; index < text.length; index++) {
    if (text[index] === "\\") index++;
    else if (text[index] === '"') return index;
  }
  return text.length - 1;
}

/** Git's C-style quoting of unusual path names: `"a/caf\303\251.txt"`. */
function unquote(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"')) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12, v: 11 };
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char !== "\\") {
      bytes.push(...new TextEncoder().encode(char));
      continue;
    }
    const next = body[index + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(index + 1, index + 4), 8));
      index += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      index += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
