/**
 * Stop rule for multi-line completions: the completion belongs to the cursor's block, so it ends before the
 * first line indented less than that block. One exception: the line that closes the block (`}`, `end`) at the
 * indentation of the line that opened it is kept, and ends the completion, when the document does not already
 * have that closing line next (the user is writing a new block, not filling one).
 *
 * The block's indentation: deeper than the cursor line when the user's text on it opens a block (`if (x) {|`);
 * else that of the cursor line as completed (`linePrefix` plus the completion's first line), or of the first
 * non-blank completion line when both are blank.
 */

import { indentWidth, isBlank } from "../indentation";
import { isClosingLine, opensBlock } from "../multiline";
import { completeLines, cutBefore, type FilterContext, type StopRule } from "./filterContext";

export const stopAtIndentationDrop: StopRule = (text, context, final) => {
  if (!context.multiline) return null;
  const lines = completeLines(text, final);
  const block = blockIndentation(text, context);
  if (block === null) return null;
  for (const line of lines) {
    if (line.index === 0 || isBlank(line.text)) continue;
    const width = indentWidth(line.text, context.indentStyle.tabSize);
    if (width >= block.minimum) continue;
    const closesBlock =
      block.opener !== null &&
      width === block.opener &&
      isClosingLine(line.text) &&
      !documentHasNext(line.text, context);
    return closesBlock ? line.end : cutBefore(line);
  }
  return null;
};

interface BlockIndentation {
  /** Lines of the block are at least this wide. */
  minimum: number;
  /** Indentation of the line that opened the block, where its closing line goes; null when unknown. */
  opener: number | null;
}

function blockIndentation(text: string, context: FilterContext): BlockIndentation | null {
  const tabSize = context.indentStyle.tabSize;
  const { linePrefix } = context;
  if (!isBlank(linePrefix) && opensBlock(linePrefix, context.language)) {
    const opener = indentWidth(linePrefix, tabSize);
    return { minimum: opener + 1, opener };
  }
  const firstLine = linePrefix + text.split("\n", 1)[0];
  const reference = !isBlank(firstLine) ? firstLine : text.split("\n").find((line) => !isBlank(line));
  if (reference === undefined) return null;
  const minimum = indentWidth(reference, tabSize);
  const enclosing = [...context.previousLines]
    .reverse()
    .find((line) => !isBlank(line) && indentWidth(line, tabSize) < minimum);
  const opener =
    enclosing !== undefined && opensBlock(enclosing, context.language)
      ? indentWidth(enclosing, tabSize)
      : null;
  return { minimum, opener };
}

/** The document's next non-blank line is this same closing line: the block is already closed. */
function documentHasNext(line: string, context: FilterContext): boolean {
  const next = context.nextLines.find((candidate) => !isBlank(candidate));
  return next !== undefined && next.trimEnd() === line.trimEnd();
}
