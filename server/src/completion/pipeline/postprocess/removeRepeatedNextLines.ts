/**
 * Clean-up rule: a completion whose last lines repeat the lines that already follow the cursor loses them,
 * and one that only repeats them (llama.vscode discards such suggestions) is dropped. Blank lines aside,
 * lines compare as `stopAtDocumentText` compares them (with indentation, or trimmed when long), and the cursor
 * line counts as written: its prefix plus the completion's first line.
 */

import { isBlank } from "../indentation";
import type { CleanupRule } from "./filterContext";
import { sameLine } from "./stopAtDocumentText";

export const removeRepeatedNextLines: CleanupRule = (text, context) => {
  const next = context.nextLines.filter((line) => !isBlank(line));
  if (next.length === 0) return text;
  const lines = text.split("\n");
  const written = lines
    .map((line, index) => ({ line: index === 0 ? context.linePrefix + line : line, index }))
    .filter(({ line }) => !isBlank(line));
  // The longest tail of the completion's non-blank lines that equals the document's next lines.
  for (let size = Math.min(written.length, next.length); size > 0; size--) {
    const tail = written.slice(written.length - size);
    if (!tail.every(({ line }, position) => sameLine(line, next[position]!))) continue;
    const firstRepeated = tail[0]!.index;
    return firstRepeated === 0 ? null : lines.slice(0, firstRepeated).join("\n");
  }
  return text;
};
