/**
 * Clean-up rule: small models fall into loops, writing the same line, or the same block of up to
 * `maxPeriod` lines, over and over. Where a block of lines repeats `minRepeats` times or more in a row, keep
 * its first occurrence and drop everything from the second on (what follows a loop is loop too).
 */

import { isBlank } from "../indentation";
import type { CleanupRule } from "./filterContext";

export const maxPeriod = 4;
export const minRepeats = 3;

export const removeRepetitionLoops: CleanupRule = (text) => {
  const lines = text.split("\n");
  for (let start = 0; start < lines.length; start++) {
    for (let period = 1; period <= maxPeriod; period++) {
      if (start + period * minRepeats > lines.length) break;
      const block = lines.slice(start, start + period);
      if (block.every(isBlank)) continue;
      if (repeats(lines, start, period) >= minRepeats) return lines.slice(0, start + period).join("\n");
    }
  }
  return text;
};

/** How many times in a row the `period` lines at `start` occur, counting the first. */
function repeats(lines: readonly string[], start: number, period: number): number {
  let count = 1;
  for (let next = start + period; next + period <= lines.length; next += period) {
    for (let offset = 0; offset < period; offset++) {
      if (lines[next + offset] !== lines[start + offset]) return count;
    }
    count++;
  }
  return count;
}
