/** Offsets and line numbers of a text (0-based lines; `\n` ends a line, a `\r` before it is not content). */

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) {
      this.starts.push(index + 1);
    }
  }

  get count(): number {
    return this.starts.length;
  }

  /** The 0-based line holding `offset`. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  startOf(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  /** Offset just past the line's content (before its `\r\n` or `\n`). */
  endOf(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    return this.text[next - 2] === "\r" ? next - 2 : next - 1;
  }

  /** The text of 1-based lines `startLine..endLine`, one string per line. */
  lines(startLine: number, endLine: number): string[] {
    const result: string[] = [];
    for (let line = startLine - 1; line <= endLine - 1 && line < this.count; line++) {
      result.push(this.text.slice(this.startOf(line), this.endOf(line)));
    }
    return result;
  }
}
