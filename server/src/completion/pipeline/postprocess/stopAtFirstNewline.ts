/** Stop rule: in single-line mode, the completion ends at its first newline. */

import type { StopRule } from "./filterContext";

export const stopAtFirstNewline: StopRule = (text, context) => {
  if (context.multiline) return null;
  const newline = text.indexOf("\n");
  return newline === -1 ? null : newline;
};
