/**
 * A span of a document followed through later edits, so survival can compare what is there now with what was
 * accepted. Pure: offsets and strings in, offsets out (no `vscode`), so unit tests run it.
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
