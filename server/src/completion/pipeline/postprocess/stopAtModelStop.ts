/**
 * Stop rule: cut at the first of the model's stop strings (end of text, file separator, FIM markers). The
 * engine already stops before them; this keeps the filters right when text arrives from elsewhere (a cache,
 * a test) and catches a stop string the engine let through inside a longer token.
 */

import type { StopRule } from "./filterContext";

export const stopAtModelStop: StopRule = (text, context) => {
  let cut: number | null = null;
  for (const stop of context.stop) {
    if (stop === "") continue;
    const index = text.indexOf(stop);
    if (index !== -1 && (cut === null || index < cut)) cut = index;
  }
  return cut;
};
