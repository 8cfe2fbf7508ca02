/**
 * Clean-up rule: indentation that fits the cursor line and the document.
 * - On a line the editor has already indented (the prefix is only whitespace), the completion's first line
 *   does not indent again.
 * - After a prefix ending in a space, the completion does not start with another one (`x = ` + ` 1`).
 * - Later lines use the document's style: tabs where it indents with tabs, spaces where it uses spaces.
 */

import { indentText, indentWidth, leadingWhitespace } from "../indentation";
import type { CleanupRule } from "./filterContext";

export const normalizeIndentation: CleanupRule = (text, context) => {
  const lines = text.split("\n");
  const { linePrefix, indentStyle } = context;
  const first = lines[0]!;
  if (linePrefix !== "" && linePrefix.trim() === "") lines[0] = first.trimStart();
  else if (linePrefix.endsWith(" ") && first.startsWith(" ")) lines[0] = first.trimStart();
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    const indent = leadingWhitespace(line);
    if (indent === "") continue;
    const wantsTabs = indentStyle.unit === "\t";
    const mixedStyle = wantsTabs ? indent.includes(" ") : indent.includes("\t");
    if (!mixedStyle) continue;
    const width = indentWidth(line, indentStyle.tabSize);
    lines[index] = indentText(width, indentStyle) + line.slice(indent.length);
  }
  return lines.join("\n");
};
