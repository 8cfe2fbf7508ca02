/**
 * Clean-up rule: a completion that ends with what already follows the cursor on its line (`)`, `);`, `"]`)
 * loses that ending, when doing so leaves the line better balanced. The test compares the brackets of
 * completion plus line suffix, with and without the ending, from the state the prefix left: unmatched closers,
 * prefix brackets left open that the line suffix alone would have closed, brackets left open that the line
 * suffix alone would not have opened, and a string left open that the line suffix alone would have closed. `foo(|)` + `x)` becomes `x`; `foo(|)` + `bar(x)` stays; on a tie
 * the ending goes, since the document already has it (`x = |;` + `1;` becomes `1`).
 */

import { isOpener, openerOf, scanCode } from "../codeScanner";
import type { CleanupRule, FilterContext } from "./filterContext";

export const removeDuplicatedSuffix: CleanupRule = (text, context) => {
  const ending = context.lineSuffix.trim();
  if (ending === "") return text;
  const body = text.trimEnd();
  let overlap = 0;
  for (let size = Math.min(ending.length, body.length); size > 0; size--) {
    if (body.endsWith(ending.slice(0, size))) {
      overlap = size;
      break;
    }
  }
  if (overlap === 0) return text;
  const stripped = body.slice(0, body.length - overlap);
  const expected = balance(context.lineSuffix, context);
  const keptScore = distance(balance(text + context.lineSuffix, context), expected);
  const strippedScore = distance(balance(stripped + context.lineSuffix, context), expected);
  return strippedScore <= keptScore ? stripped : text;
};

interface Balance {
  unmatched: number;
  prefixOpen: number;
  ownOpen: number;
  inString: boolean;
}

function balance(text: string, context: FilterContext): Balance {
  const prefix = [...context.prefixScan.open];
  const own: string[] = [];
  let unmatched = 0;
  const end = scanCode(text, context.rules, context.prefixScan.state, {
    bracket: (char) => {
      if (isOpener(char)) own.push(char);
      else if (own.length > 0) {
        if (own.at(-1) === openerOf[char]) own.pop();
        else unmatched++;
      } else if (prefix.at(-1) === openerOf[char]) prefix.pop();
      else unmatched++;
      return undefined;
    },
  });
  return { unmatched, prefixOpen: prefix.length, ownOpen: own.length, inString: end.state.mode === "string" };
}

function distance(actual: Balance, expected: Balance): number {
  return (
    actual.unmatched +
    Math.abs(actual.prefixOpen - expected.prefixOpen) +
    Math.abs(actual.ownOpen - expected.ownOpen) +
    (actual.inString === expected.inString ? 0 : 1)
  );
}
