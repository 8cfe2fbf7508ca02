/**
 * Clean-up rule, only when generation ran out of tokens: the last line of a multi-line completion was cut
 * mid-way, so it goes (a half-written line is worse than none). A single line stays: it is all there is.
 */

import type { CleanupRule } from "./filterContext";

export const dropUnfinishedLine: CleanupRule = (text) => {
  const newline = text.lastIndexOf("\n");
  return newline === -1 ? text : text.slice(0, newline);
};
