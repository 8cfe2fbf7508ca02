/**
 * A span of a document followed through later edits, and the edit similarity used to say how much of a
 * text survived. Pure: offsets and strings in, offsets and numbers out (no `vscode`), so unit tests run it.
 *
 * Edits arrive as VS Code reports them (`rangeOffset`, `rangeLength`, `text`), in the order they apply.
 * An edit wholly before the span shifts it (edits above it included: inserting a line moves it down), an edit
 * after it changes nothing, and an edit that overlaps it changes its text; text inserted exactly at either
 * edge lies outside, because typing right after accepted text is the user's own code, not part of the
 * suggestion.
 */

export interface OffsetEdit {
  /** Where the replaced range starts, in the document before this edit. */
  offset: number;
  /** Length of the replaced range. */
  length: number;
  /** The inserted text. */
  text: string;
}

export class TrackedRegion {
  constructor(
    public start: number,
    public end: number,
  ) {
    if (start < 0 || end < start) throw new RangeError(`invalid region ${start}..${end}`);
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Moves or reshapes the region for one edit. */
  apply(edit: OffsetEdit): void {
    const editEnd = edit.offset + edit.length;
    const delta = edit.text.length - edit.length;
    if (edit.length === 0) {
      // A pure insertion: inside only when strictly between the edges.
      if (edit.offset <= this.start) {
        this.start += delta;
        this.end += delta;
      } else if (edit.offset < this.end) {
        this.end += delta;
      }
      return;
    }
    if (editEnd <= this.start) {
      this.start += delta;
      this.end += delta;
      return;
    }
    if (edit.offset >= this.end) return;
    // The edit overlaps the region: what is left of the region stays in it, and the inserted text joins it
    // because it replaced some of the region's text (a similarity then measures how much was rewritten).
    const keptAfter = Math.max(0, this.end - editEnd);
    this.start = Math.min(this.start, edit.offset);
    this.end = edit.offset + edit.text.length + keptAfter;
  }

  /** Applies edits in the order the editor reported them. */
  applyAll(edits: readonly OffsetEdit[]): void {
    for (const edit of edits) this.apply(edit);
  }

  /** Grows the region's end by `chars` (a partial accept that continues the accepted text). */
  extend(chars: number): void {
    this.end += chars;
  }

  textIn(documentText: string): string {
    return documentText.slice(this.start, Math.min(this.end, documentText.length));
  }
}

/**
 * 1 - Levenshtein(a, b) / max(|a|, |b|): 1 for equal texts, 0 for nothing in common (or one side empty).
 * Large pairs cost at most `maxCells` cell updates: beyond that the upper bound min/max of the lengths is
 * returned when it is already small, else the texts' common prefix and suffix are trimmed first, which is
 * exact, and what remains is compared in full.
 */
export function editSimilarity(a: string, b: string, maxCells = 4_000_000): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const left = a.slice(start, endA);
  const right = b.slice(start, endB);
  if (left.length * right.length > maxCells) {
    // The distance is at least the difference in length; the bound is close to the truth when it is small.
    return Math.min(a.length, b.length) / longer;
  }
  return 1 - levenshtein(left, right) / longer;
}

export function levenshtein(a: string, b: string): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let previous = new Array<number>(short.length + 1);
  let current = new Array<number>(short.length + 1);
  for (let i = 0; i <= short.length; i++) previous[i] = i;
  for (let j = 1; j <= long.length; j++) {
    current[0] = j;
    const code = long.charCodeAt(j - 1);
    for (let i = 1; i <= short.length; i++) {
      const substitution = previous[i - 1]! + (short.charCodeAt(i - 1) === code ? 0 : 1);
      current[i] = Math.min(substitution, previous[i]! + 1, current[i - 1]! + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[short.length]!;
}
