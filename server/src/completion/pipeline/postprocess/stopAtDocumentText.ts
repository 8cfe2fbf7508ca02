/**
 * Stop rule: the completion has reached text the document already has after the cursor. In multi-line mode,
 * a completion line equal to the next non-blank line of the document ends the completion before it (equal
 * with its indentation; or equal once trimmed when it has at least `minTrimmedMatch` characters, since short
 * lines such as `}` or `return;` repeat legitimately at other depths). On the cursor line, reaching the text
 * right of the cursor (`, y)` in `f(x|, y)`) ends it there, where the completion's own brackets and strings are
 * closed; a lone closing bracket is the bracket rule's job.
 */

import { openBrackets } from "../codeScanner";
import { isBlank } from "../indentation";
import { completeLines, cutBefore, type StopRule } from "./filterContext";

export const minTrimmedMatch = 8;

export const stopAtDocumentText: StopRule = (text, context, final) => {
  const anchor = context.lineSuffix.trim();
  if (anchor.length >= 2 && /[^\s)\]}]/.test(anchor)) {
    const newline = text.indexOf("\n");
    const firstLine = newline === -1 ? text : text.slice(0, newline);
    for (let index = firstLine.indexOf(anchor); index !== -1; index = firstLine.indexOf(anchor, index + 1)) {
      // Only where the completion's own brackets and strings are closed: `foo(a);` inside `bar(|);` is no match.
      const before = openBrackets(firstLine.slice(0, index), context.rules, context.prefixScan.state);
      if (before.open.length === 0 && before.state.mode === context.prefixScan.state.mode) return index;
    }
  }
  if (!context.multiline) return null;
  const next = context.nextLines.find((line) => !isBlank(line));
  if (next === undefined) return null;
  for (const line of completeLines(text, final)) {
    const asWritten = line.index === 0 ? context.linePrefix + line.text : line.text;
    if (line.index === 0 && !isBlank(context.linePrefix)) continue;
    if (isBlank(asWritten)) continue;
    if (sameLine(asWritten, next)) return cutBefore(line);
  }
  return null;
};

/** Equal with indentation, or equal trimmed when long enough not to be a coincidence. */
export function sameLine(left: string, right: string): boolean {
  if (left.trimEnd() === right.trimEnd()) return true;
  const trimmed = left.trim();
  return trimmed.length >= minTrimmedMatch && trimmed === right.trim();
}
