/**
 * Post-processing of a completion, as a pipeline of small rules, each in its own file with its own tests.
 *
 * Stop rules run while tokens arrive (`createStreamingFilter`), so that generation stops as soon as the
 * completion is known to be over: that is how a completion is cut short and tokens are saved. Each says
 * where to cut; the earliest cut wins. They run again on the final text, with its last line complete.
 * 1. `stopAtModelStop`: the model's stop strings;
 * 2. `stopAtFirstNewline`: single-line mode ends at a newline;
 * 3. `stopAtUnbalancedBracket`: a closing bracket that closes nothing the completion may close;
 * 4. `stopAtIndentationDrop`: multi-line mode leaves the cursor's block (its closing line may stay);
 * 5. `stopAtDocumentText`: the completion reached text that already follows the cursor.
 *
 * Clean-up rules run once on the final text (`finalize`), in this order; any may drop the suggestion:
 * 1. `dropUnfinishedLine`: only when generation ran out of tokens and no stop rule cut the text;
 * 2. `removeRepetitionLoops`: a line or block repeated three times or more;
 * 3. `removeRepeatedNextLines`: lines the document already has next;
 * 4. `removeDuplicatedSuffix`: an ending that duplicates the rest of the cursor line;
 * 5. `normalizeIndentation`: indentation that fits the cursor line and the document;
 * 6. `trimTrailingWhitespace`: no trailing blank lines or spaces;
 * 7. a suggestion that is empty or only whitespace is none (null).
 */

import { dropUnfinishedLine } from "./dropUnfinishedLine";
import type { CleanupRule, FilterContext, StopRule } from "./filterContext";
import { normalizeIndentation } from "./normalizeIndentation";
import { removeDuplicatedSuffix } from "./removeDuplicatedSuffix";
import { removeRepeatedNextLines } from "./removeRepeatedNextLines";
import { removeRepetitionLoops } from "./removeRepetitionLoops";
import { stopAtDocumentText } from "./stopAtDocumentText";
import { stopAtFirstNewline } from "./stopAtFirstNewline";
import { stopAtIndentationDrop } from "./stopAtIndentationDrop";
import { stopAtModelStop } from "./stopAtModelStop";
import { stopAtUnbalancedBracket } from "./stopAtUnbalancedBracket";
import { trimTrailingWhitespace } from "./trimTrailingWhitespace";

export type { CleanupRule, FilterContext, FilterContextInput, StopRule } from "./filterContext";
export { createFilterContext, filterContextAt } from "./filterContext";

export const stopRules: readonly { name: string; rule: StopRule }[] = [
  { name: "modelStop", rule: stopAtModelStop },
  { name: "firstNewline", rule: stopAtFirstNewline },
  { name: "unbalancedBracket", rule: stopAtUnbalancedBracket },
  { name: "indentationDrop", rule: stopAtIndentationDrop },
  { name: "documentText", rule: stopAtDocumentText },
];

export const cleanupRules: readonly { name: string; rule: CleanupRule }[] = [
  { name: "removeRepetitionLoops", rule: removeRepetitionLoops },
  { name: "removeRepeatedNextLines", rule: removeRepeatedNextLines },
  { name: "removeDuplicatedSuffix", rule: removeDuplicatedSuffix },
  { name: "normalizeIndentation", rule: normalizeIndentation },
  { name: "trimTrailingWhitespace", rule: trimTrailingWhitespace },
];

export interface StopDecision {
  /** Where to cut, or null. */
  cut: number | null;
  /** The rule that cut earliest. */
  rule: string | null;
}

/** The earliest cut any stop rule asks for. */
export function applyStopRules(text: string, context: FilterContext, final: boolean): StopDecision {
  let decision: StopDecision = { cut: null, rule: null };
  for (const { name, rule } of stopRules) {
    const cut = rule(text, context, final);
    if (cut !== null && (decision.cut === null || cut < decision.cut)) decision = { cut, rule: name };
  }
  return decision;
}

export interface StreamDecision {
  /** Stop generating: the completion is over. */
  stop: boolean;
  /** The text kept so far. */
  text: string;
}

export interface StreamingFilter {
  /** Called with the whole text generated so far (the engine's `onText`). */
  push(textSoFar: string): StreamDecision;
  /** The rule that stopped generation, once one has. */
  readonly stoppedBy: string | null;
}

export function createStreamingFilter(context: FilterContext): StreamingFilter {
  let stopped: StreamDecision | null = null;
  let stoppedBy: string | null = null;
  return {
    push(textSoFar) {
      if (stopped) return stopped;
      const decision = applyStopRules(textSoFar, context, false);
      if (decision.cut === null) return { stop: false, text: textSoFar };
      stoppedBy = decision.rule;
      stopped = { stop: true, text: textSoFar.slice(0, decision.cut) };
      return stopped;
    },
    get stoppedBy() {
      return stoppedBy;
    },
  };
}

export interface FinalizeOptions {
  /** Generation ended because it ran out of tokens (`stopReason` `maxTokens`): the last line is unfinished. */
  truncated?: boolean;
}

export interface FinalizeStep {
  rule: string;
  /** The text after the rule; null when it dropped the suggestion. */
  text: string | null;
}

/** The suggestion to show, or null for none. */
export function finalize(text: string, context: FilterContext, options: FinalizeOptions = {}): string | null {
  return finalizeWithTrace(text, context, options).text;
}

/** `finalize`, with every rule that changed the text and what it made of it (for `--explain` and tests). */
export function finalizeWithTrace(
  text: string,
  context: FilterContext,
  options: FinalizeOptions = {},
): { text: string | null; steps: FinalizeStep[] } {
  const steps: FinalizeStep[] = [];
  let current = text;
  // A cut can complete a line another rule then objects to, so stop rules run until nothing changes.
  for (let round = 0; round < 8; round++) {
    const decision = applyStopRules(current, context, true);
    if (decision.cut === null || decision.cut >= current.length) break;
    current = current.slice(0, decision.cut);
    steps.push({ rule: decision.rule!, text: current });
  }
  // A stop rule's cut ends the text at a line boundary; only an uncut truncated text ends mid-line.
  const unfinished = options.truncated === true && context.multiline && steps.length === 0;
  const rules = unfinished
    ? [{ name: "dropUnfinishedLine", rule: dropUnfinishedLine }, ...cleanupRules]
    : cleanupRules;
  for (const { name, rule } of rules) {
    const next = rule(current, context);
    if (next === current) continue;
    steps.push({ rule: name, text: next });
    if (next === null) return { text: null, steps };
    current = next;
  }
  if (current.trim() === "") {
    steps.push({ rule: "rejectEmpty", text: null });
    return { text: null, steps };
  }
  return { text: current, steps };
}
