/**
 * The spans a completion eval hides and asks the model to write back: the rest of a line, a whole next
 * line, or a block body after an opener. Pure and seeded; the same files and seed give the same spans.
 */

export type MaskKind = "restOfLine" | "nextLine" | "block";

export interface MaskedSpan {
  path: string;
  kind: MaskKind;
  /** The file without the span; the cursor sits at `offset`. */
  maskedText: string;
  offset: number;
  expected: string;
  originalText: string;
}

export interface MaskOptions {
  spansPerFile: number;
  maxBlockLines: number;
}

export const defaultMaskOptions: MaskOptions = { spansPerFile: 3, maxBlockLines: 8 };

interface Line {
  start: number;
  text: string;
}

export function pickMaskedSpans(
  files: { path: string; text: string }[],
  random: () => number,
  options: MaskOptions = defaultMaskOptions,
): MaskedSpan[] {
  const kinds: MaskKind[] = ["restOfLine", "nextLine", "block"];
  const spans: MaskedSpan[] = [];
  for (const file of files) {
    const lines = splitLines(file.text);
    for (let index = 0; index < options.spansPerFile; index++) {
      const kind = kinds[index % kinds.length]!;
      for (let attempt = 0; attempt < 30; attempt++) {
        const span = tryMask(file, lines, kind, Math.floor(random() * lines.length), random, options);
        if (span && !spans.some((other) => other.path === span.path && overlaps(other, span))) {
          spans.push(span);
          break;
        }
      }
    }
  }
  return spans;
}

function tryMask(
  file: { path: string; text: string },
  lines: Line[],
  kind: MaskKind,
  lineIndex: number,
  random: () => number,
  options: MaskOptions,
): MaskedSpan | undefined {
  const line = lines[lineIndex]!;
  const indent = /^[ \t]*/.exec(line.text)![0].length;
  const content = line.text.slice(indent);
  if (content.trim().length < 8 || /^(\/\/|#|\*|\/\*)/.test(content.trim())) return undefined;
  const make = (offset: number, end: number): MaskedSpan => ({
    path: file.path,
    kind,
    maskedText: file.text.slice(0, offset) + file.text.slice(end),
    offset,
    expected: file.text.slice(offset, end),
    originalText: file.text,
  });
  const lineEnd = line.start + line.text.length;
  if (kind === "restOfLine") {
    const tokenEnds = [...content.matchAll(/\W/g)].map((match) => match.index!).filter((at) => at >= 2);
    if (tokenEnds.length === 0) return undefined;
    const cut = line.start + indent + tokenEnds[Math.floor(random() * tokenEnds.length)]!;
    return lineEnd - cut >= 4 ? make(cut, lineEnd) : undefined;
  }
  if (kind === "nextLine") return make(line.start + indent, lineEnd);
  // block: the body after a line that opens one
  const previous = lines[lineIndex - 1];
  if (!previous || !/[:{]\s*$/.test(previous.text)) return undefined;
  let last = lineIndex;
  while (
    last + 1 < lines.length &&
    last + 1 - lineIndex < options.maxBlockLines &&
    (lines[last + 1]!.text.trim() === "" || /^[ \t]*/.exec(lines[last + 1]!.text)![0].length >= indent)
  ) {
    last++;
  }
  while (last > lineIndex && lines[last]!.text.trim() === "") last--;
  const end = lines[last]!.start + lines[last]!.text.length;
  return make(line.start + indent, end);
}

function overlaps(left: MaskedSpan, right: MaskedSpan): boolean {
  return (
    left.offset <= right.offset + right.expected.length && right.offset <= left.offset + left.expected.length
  );
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const text_ of text.split("\n")) {
    lines.push({ start, text: text_ });
    start += text_.length + 1;
  }
  return lines;
}

/** Whitespace runs collapsed and ends trimmed, so indentation style does not count as a miss. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
