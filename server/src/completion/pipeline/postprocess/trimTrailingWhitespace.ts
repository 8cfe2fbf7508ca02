/**
 * Clean-up rule: no trailing blank lines, and no trailing spaces when nothing follows the cursor. When text
 * does follow on the cursor line and the completion spans lines, that text goes on a line of its own at the
 * cursor line's indentation (`{|}` completed with a body leaves `}` under the line that opened it), as the
 * model meant by ending with a newline, or as a closing brace needs.
 */

import { leadingWhitespace } from "../indentation";
import type { CleanupRule } from "./filterContext";

export const trimTrailingWhitespace: CleanupRule = (text, context) => {
  const lines = text.split("\n");
  let endedWithNewline = false;
  while (lines.length > 1 && lines.at(-1)!.trim() === "") {
    lines.pop();
    endedWithNewline = true;
  }
  const rest = context.lineSuffix.trim();
  if (rest === "") {
    lines[lines.length - 1] = lines.at(-1)!.trimEnd();
    return lines.join("\n");
  }
  const spansLines = lines.length > 1;
  if (spansLines && (endedWithNewline || rest.startsWith("}"))) {
    lines[lines.length - 1] = lines.at(-1)!.trimEnd();
    lines.push(leadingWhitespace(context.linePrefix));
  }
  return lines.join("\n");
};
