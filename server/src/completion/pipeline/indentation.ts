/**
 * Line and indentation arithmetic shared by the multi-line decision and the post-processing filters: how wide
 * a line's indentation is (tabs count as `tabSize` columns), and whether a document indents with tabs or
 * spaces.
 */

export const defaultTabSize = 4;

export function leadingWhitespace(line: string): string {
  return line.slice(0, line.length - line.trimStart().length);
}

/** Columns of leading whitespace, a tab counting `tabSize`. */
export function indentWidth(line: string, tabSize = defaultTabSize): number {
  let width = 0;
  for (const char of leadingWhitespace(line)) width += char === "\t" ? tabSize : 1;
  return width;
}

export function isBlank(line: string): boolean {
  return line.trim() === "";
}

export interface IndentStyle {
  /** `\t` or a run of spaces: one level of indentation. */
  unit: string;
  tabSize: number;
}

/**
 * How the given lines indent: tabs when more indented lines start with a tab than with a space; otherwise
 * spaces, with the most common positive step between consecutive indented lines as the unit (2 when no
 * evidence).
 */
export function detectIndentStyle(lines: readonly string[], tabSize = defaultTabSize): IndentStyle {
  let tabs = 0;
  let spaces = 0;
  const steps = new Map<number, number>();
  let previous = 0;
  for (const line of lines) {
    if (isBlank(line)) continue;
    if (line.startsWith("\t")) tabs++;
    else if (line.startsWith(" ")) spaces++;
    const width = indentWidth(line, tabSize);
    const step = width - previous;
    if (step > 0 && !line.startsWith("\t")) steps.set(step, (steps.get(step) ?? 0) + 1);
    previous = width;
  }
  if (tabs > spaces) return { unit: "\t", tabSize };
  let best = 2;
  let bestCount = 0;
  for (const [step, count] of steps) {
    if (count > bestCount || (count === bestCount && step < best)) {
      best = step;
      bestCount = count;
    }
  }
  return { unit: " ".repeat(best), tabSize };
}

/** Re-writes a width of indentation in a style: tabs then spaces for the remainder, or spaces only. */
export function indentText(width: number, style: IndentStyle): string {
  if (style.unit !== "\t") return " ".repeat(width);
  return "\t".repeat(Math.floor(width / style.tabSize)) + " ".repeat(width % style.tabSize);
}

/**
 * Where the line holding `offset` starts. (`lastIndexOf` with a negative position still looks at index 0, so
 * a bare `lastIndexOf("\n", offset - 1)` goes wrong at the start of a text that begins with a newline.)
 */
export function lineStartOf(text: string, offset: number): number {
  return offset <= 0 ? 0 : text.lastIndexOf("\n", offset - 1) + 1;
}

/** The 0-based number of the line holding `offset`. */
export function lineNumberAt(text: string, offset: number): number {
  let line = 0;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1))
    line++;
  return line;
}
