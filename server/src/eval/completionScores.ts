/**
 * How a completion is scored against what the author wrote. Exact match and edit similarity compare the first
 * line for one-line cases and the whole text for hunks, with whitespace runs collapsed (indentation style is
 * not a miss). Identifier match is the F1 of the identifiers the two texts use (CrossCodeEval's measure: right
 * names in the wrong shape still count). Accepted characters are what a user taking the suggestion word by
 * word would keep: the characters that match the author's text from the suggestion's start; a whole
 * suggestion matching is counted on its own. Pure.
 */

import { editSimilarity } from "../base/editSimilarity";
import { normalizeWhitespace } from "./maskedSpans";

export interface CompletionScore {
  exact: boolean;
  similarity: number;
  identifierF1: number;
  /** Characters of the suggestion a user would keep (0 for an empty one). */
  acceptedChars: number;
  /** The whole suggestion is what the author wrote (trailing whitespace aside). */
  wholeMatch: boolean;
}

export function scoreCompletion(completion: string, expected: string, wholeText: boolean): CompletionScore {
  const firstLine = (text: string) => text.split("\n")[0]!;
  const got = wholeText ? completion : firstLine(completion);
  const want = wholeText ? expected : firstLine(expected);
  return {
    exact: normalizeWhitespace(got) === normalizeWhitespace(want),
    similarity: editSimilarity(normalizeWhitespace(got), normalizeWhitespace(want)),
    identifierF1: identifierF1(got, want),
    acceptedChars: commonPrefixLength(completion, expected),
    wholeMatch: completion.trimEnd() !== "" && completion.trimEnd() === expected.trimEnd(),
  };
}

export function commonPrefixLength(left: string, right: string): number {
  const limit = Math.min(left.length, right.length);
  let length = 0;
  while (length < limit && left.charCodeAt(length) === right.charCodeAt(length)) length++;
  return length;
}

/** F1 of the two texts' identifier multisets; 1 when neither has any (nothing to get wrong). */
export function identifierF1(got: string, expected: string): number {
  const counts = (text: string) => {
    const found = new Map<string, number>();
    for (const match of text.matchAll(/[A-Za-z_$][\w$]*/g))
      found.set(match[0], (found.get(match[0]) ?? 0) + 1);
    return found;
  };
  const left = counts(got);
  const right = counts(expected);
  const total = (map: Map<string, number>) => [...map.values()].reduce((sum, count) => sum + count, 0);
  const gotTotal = total(left);
  const expectedTotal = total(right);
  if (gotTotal === 0 && expectedTotal === 0) return 1;
  if (gotTotal === 0 || expectedTotal === 0) return 0;
  let common = 0;
  for (const [name, count] of left) common += Math.min(count, right.get(name) ?? 0);
  if (common === 0) return 0;
  const precision = common / gotTotal;
  const recall = common / expectedTotal;
  return (2 * precision * recall) / (precision + recall);
}
