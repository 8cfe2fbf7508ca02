/**
 * The small edits that make or mend a bug at a candidate site: training seeds them into real code, the review
 * eval plants them, and the learned pass offers the reverse edit as a finding's suggested fix. Pure.
 */

import type { AwaitedCall, BugKind, CandidateSite, TextEdit, VariableUse } from "./candidateSites";
import {
  invertedOperators,
  offByOnePairs,
  operandAlternatives,
  operatorAgreement,
  operatorFamily,
} from "./candidateSites";

export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

/** Where a site that starts at `site.start` and ends at `site.end` lies once `edit` (inside it or before it) is applied. */
export function extentAfter(
  site: { start: number; end: number },
  edit: TextEdit,
): { start: number; end: number } {
  const delta = edit.text.length - (edit.end - edit.start);
  const start = edit.end <= site.start ? site.start + delta : site.start;
  return { start, end: site.end + delta };
}

/** One seeded bug of the site's kind; `undefined` when the site cannot carry one. */
export function seedEdit(site: CandidateSite, text: string, random: () => number): TextEdit | undefined {
  const detail = site.detail;
  switch (site.kind) {
    case "swapped-arguments":
      return detail.layout === "call" ? swapEdit(detail.first, detail.second, text) : undefined;
    case "wrong-operator": {
      if (detail.layout !== "binary") return undefined;
      const others = (operatorFamily(detail.operator) ?? []).filter(
        (operator) => operator !== detail.operator,
      );
      const replacement = pick(others, random);
      return replacement === undefined ? undefined : { ...detail.operatorSpan, text: replacement };
    }
    case "off-by-one": {
      if (detail.layout !== "binary") return undefined;
      const replacement = offByOnePairs[detail.operator];
      return replacement === undefined ? undefined : { ...detail.operatorSpan, text: replacement };
    }
    case "wrong-operand": {
      if (detail.layout !== "binary") return undefined;
      const operand = pick(detail.operands, random);
      const replacement = pick(operandAlternatives(detail), random);
      return operand && replacement
        ? { start: operand.span.start, end: operand.span.end, text: replacement.name }
        : undefined;
    }
    case "inverted-condition":
      return toggleCondition(site, text);
    case "missing-await":
      return undefined;
  }
}

/** Seeds a missing `await`: `await f(x)` becomes `f(x)`. */
export function removeAwaitEdit(call: AwaitedCall): TextEdit {
  return { start: call.awaitStart, end: call.callStart, text: "" };
}

/** A way to mend a flagged site: the edit, and the site's features as they would read after it. */
export interface Repair {
  edit: TextEdit;
  /** Features of the mended site; absent when the edit removes the site (an added `await`). */
  features?: { tokens: string[]; numbers: number[] };
  /** What the edit puts in place, for the message: an operator, a name, `await`. */
  replacement: string;
}

/**
 * The edits that would mend a flagged site, each with the site's features after it, derived directly from the
 * site's own features so that choosing among them costs no re-parse. Where a mended site's numbers cannot be
 * known without one (a substituted name's occurrence count), the substitute's counts from the function are used.
 */
export function repairsOf(site: CandidateSite, text: string): Repair[] {
  const { tokens, numbers, detail } = site;
  const changed = (tokenChanges: Record<number, string>, numberChanges: Record<number, number>) => ({
    tokens: tokens.map((token, index) => tokenChanges[index] ?? token),
    numbers: numbers.map((value, index) => numberChanges[index] ?? value),
  });
  switch (site.kind) {
    case "swapped-arguments":
      if (detail.layout !== "call") return [];
      return [
        {
          edit: swapEdit(detail.first, detail.second, text),
          features: changed(
            { 2: tokens[3]!, 3: tokens[2]!, 4: tokens[5]!, 5: tokens[4]! },
            {
              6: numbers[6] === 0 ? 0 : -numbers[6]!,
              7: numbers[8]!,
              8: numbers[7]!,
              9: numbers[11]!,
              10: numbers[12]!,
              11: numbers[9]!,
              12: numbers[10]!,
            },
          ),
          replacement: `${detail.second.text}, ${detail.first.text}`,
        },
      ];
    case "wrong-operator":
    case "off-by-one": {
      if (detail.layout !== "binary") return [];
      const replacements =
        site.kind === "off-by-one"
          ? [offByOnePairs[detail.operator]].filter((operator): operator is string => operator !== undefined)
          : (operatorFamily(detail.operator) ?? []).filter((operator) => operator !== detail.operator);
      return replacements.map((operator) => ({
        edit: { ...detail.operatorSpan, text: operator },
        features: changed(
          { 0: `op:${operator}` },
          atIndex(12, operatorAgreement(detail.sameOperands, detail.swappedOperands, operator)),
        ),
        replacement: operator,
      }));
    }
    case "wrong-operand": {
      if (detail.layout !== "binary") return [];
      return detail.operands.flatMap((operand) =>
        likelyAlternatives(operandAlternatives(detail)).map((alternative) => {
          const other = tokens[2 - operand.side]!;
          return {
            edit: { start: operand.span.start, end: operand.span.end, text: alternative.name },
            features: changed(
              { [1 + operand.side]: alternative.name, [3 + operand.side]: "kind:name" },
              {
                0: alternative.name === other && tokens[4 - operand.side] === "kind:name" ? 1 : 0,
                // the substitute occurs once more in the function after the edit
                [4 + operand.side]: Math.log1p(alternative.count + 1) / 3,
                [6 + operand.side]: alternative.isParameter ? 1 : 0,
                [10 + operand.side]:
                  !alternative.isParameter && alternative.firstOffset >= operand.span.start ? 1 : 0,
              },
            ),
            replacement: alternative.name,
          };
        }),
      );
    }
    case "inverted-condition": {
      if (detail.layout !== "condition") return [];
      const edit = toggleCondition(site, text);
      if (!edit) return [];
      const negation = detail.negation;
      const features =
        negation.shape === "negated"
          ? changed({}, { 0: 0 })
          : negation.shape === "plain"
            ? changed({}, { 0: 1 })
            : changed({ 1: `cond:${invertedOperators[negation.operator]}` }, { 6: 1 - numbers[6]! });
      // the file's other tests of the same condition: those the same way round become the other way round
      features.numbers[7] = numbers[8]!;
      features.numbers[8] = numbers[7]!;
      return [{ edit, features, replacement: edit.text }];
    }
    case "missing-await": {
      const insideMember = tokens[2] === "ctx:member" || tokens[2] === "ctx:index";
      const call = text.slice(site.start, site.end);
      const edit = insideMember
        ? { start: site.start, end: site.end, text: `(await ${call})` }
        : { start: site.start, end: site.start, text: "await " };
      return [{ edit, replacement: "await" }];
    }
  }
}

/** Substitutes tried when mending a wrong operand: the function's most used variables (training uses the same). */
export const maxOperandAlternatives = 6;

function likelyAlternatives(alternatives: readonly VariableUse[]): VariableUse[] {
  return [...alternatives]
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, maxOperandAlternatives);
}

function atIndex(start: number, values: number[]): Record<number, number> {
  return Object.fromEntries(values.map((value, index) => [start + index, value]));
}

function swapEdit(
  first: { start: number; end: number; text: string },
  second: { start: number; end: number; text: string },
  text: string,
): TextEdit {
  const between = text.slice(first.end, second.start);
  return { start: first.start, end: second.end, text: second.text + between + first.text };
}

/** `not x` <-> `x`, `a == b` <-> `a != b`, `x` -> `not x` (Python); the same with `!`, `===` in JS/TS. */
function toggleCondition(site: CandidateSite, text: string): TextEdit | undefined {
  if (site.detail.layout !== "condition") return undefined;
  const { condition, negation } = site.detail;
  const python = site.numbers[2] === 1;
  switch (negation.shape) {
    case "negated":
      return { start: negation.whole.start, end: negation.whole.end, text: negation.inner.text };
    case "operator":
      return { ...negation.operatorSpan, text: invertedOperators[negation.operator]! };
    case "plain": {
      const body = text.slice(condition.start, condition.end);
      const wrapped = negation.needsParentheses ? `(${body})` : body;
      return { start: condition.start, end: condition.end, text: `${python ? "not " : "!"}${wrapped}` };
    }
  }
}

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

export const bugKindTitles: Record<BugKind, string> = {
  "swapped-arguments": "swapped arguments",
  "wrong-operator": "wrong binary operator",
  "wrong-operand": "wrong operand",
  "off-by-one": "off-by-one comparison",
  "inverted-condition": "inverted condition",
  "missing-await": "missing await",
};
