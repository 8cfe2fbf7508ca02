/**
 * `$0` cursor markers, as in VS Code snippets and rust-analyzer fixtures: a document written with `$0` where
 * the cursor is becomes the text without it and the cursor's offset. Used by tests and golden fixtures, and
 * handy for trying completions from the command line.
 */

export const cursorMarker = "$0";

export class CursorMarkerError extends Error {
  override name = "CursorMarkerError";
}

export function parseCursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf(cursorMarker);
  if (offset === -1 || marked.indexOf(cursorMarker, offset + 1) !== -1) {
    throw new CursorMarkerError(`expected exactly one ${cursorMarker} cursor marker`);
  }
  return { text: marked.slice(0, offset) + marked.slice(offset + cursorMarker.length), offset };
}
