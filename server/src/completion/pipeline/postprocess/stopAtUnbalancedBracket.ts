/**
 * Stop rule: cut before the first closing bracket that closes nothing the completion may close. A completion
 * may close its own brackets, and the prefix's open brackets innermost first when the text after the cursor
 * does not already close them (`FilterContext.closableBrackets`); a closer that matches nothing, or the wrong
 * opener, means the model has run past the end of its construct (`foo(a|)` completed with `b)` duplicates the
 * `)` that is already there). Strings and comments do not count; the scan starts in the lexer state the
 * prefix ended in, so a completion inside a string may hold any bracket.
 */

import { isOpener, openerOf, scanCode } from "../codeScanner";
import type { StopRule } from "./filterContext";

export const stopAtUnbalancedBracket: StopRule = (text, context) => {
  const own: string[] = [];
  const prefixOpen = context.prefixScan.open;
  let closedFromPrefix = 0;
  const found = scanCode(text, context.rules, context.prefixScan.state, {
    bracket: (char) => {
      if (isOpener(char)) {
        own.push(char);
        return undefined;
      }
      if (own.length > 0) {
        if (own.at(-1) !== openerOf[char]) return true;
        own.pop();
        return undefined;
      }
      const target = prefixOpen[prefixOpen.length - 1 - closedFromPrefix];
      if (closedFromPrefix >= context.closableBrackets || target !== openerOf[char]) return true;
      closedFromPrefix++;
      return undefined;
    },
  });
  return found.stoppedAt;
};
