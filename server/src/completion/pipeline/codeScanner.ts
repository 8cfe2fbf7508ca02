/**
 * A small lexer that walks code and reports brackets outside strings and comments. It is not a parser: it
 * knows line and block comments, one-line strings with backslash escapes, template literals and triple
 * quotes, and nothing else. That is enough to count what the prefix left open and to find the first closing
 * bracket of a completion that closes something it must not. Its state carries across calls, so the
 * completion is scanned from the state the prefix ended in (inside a string, say).
 */

import type { LexicalRules } from "./languageSyntax";

export type LexMode = "code" | "string" | "lineComment" | "blockComment";

export interface LexState {
  mode: LexMode;
  /** The string's delimiter (`"`, `'''`, ...) in `string` mode; "" otherwise. */
  quote: string;
}

export const openerOf: Readonly<Record<string, string>> = { ")": "(", "]": "[", "}": "{" };
export const closerOf: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };

export function isOpener(char: string): boolean {
  return char === "(" || char === "[" || char === "{";
}

export function isCloser(char: string): boolean {
  return char === ")" || char === "]" || char === "}";
}

export function codeState(): LexState {
  return { mode: "code", quote: "" };
}

const startCharacterSets = new WeakMap<LexicalRules, Set<string>>();

/** The characters that can start a comment, a string or a bracket under `rules`. */
function startCharacters(rules: LexicalRules): Set<string> {
  let set = startCharacterSets.get(rules);
  if (!set) {
    set = new Set([
      "(",
      ")",
      "[",
      "]",
      "{",
      "}",
      ...rules.quotes,
      ...rules.lineComments.map((opener) => opener[0]!),
    ]);
    if (rules.blockComment) set.add(rules.blockComment.open[0]!);
    startCharacterSets.set(rules, set);
  }
  return set;
}

/** What a walk reports; a visitor that returns true stops the walk there. */
export interface ScanVisitor {
  /** A bracket in code. */
  bracket?: (char: string, index: number) => boolean | undefined;
  /** The start of a comment. */
  comment?: (index: number) => boolean | undefined;
}

/**
 * Walks `text` from `state`, reporting brackets in code and comment starts to `visitor`. Returns the state
 * after the walk and the index where a visitor stopped it (null when it reached the end).
 */
export function scanCode(
  text: string,
  rules: LexicalRules,
  state: LexState,
  visitor: ScanVisitor,
): { state: LexState; stoppedAt: number | null } {
  let { mode, quote } = state;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (mode === "lineComment") {
      if (char === "\n") mode = "code";
      continue;
    }
    if (mode === "blockComment") {
      const close = rules.blockComment!.close;
      if (text.startsWith(close, index)) {
        mode = "code";
        index += close.length - 1;
      }
      continue;
    }
    if (mode === "string") {
      if (char === "\\") {
        index++;
        continue;
      }
      if (text.startsWith(quote, index)) {
        mode = "code";
        index += quote.length - 1;
        quote = "";
      } else if (char === "\n" && quote.length === 1 && quote !== "`") {
        // An unterminated one-line string ends with its line; the lexer must not stay lost in it.
        mode = "code";
        quote = "";
      }
      continue;
    }
    // Most characters open nothing: skip them before the slower comment and quote checks.
    if (!startCharacters(rules).has(char)) continue;
    const comment = rules.lineComments.find((opener) => text.startsWith(opener, index));
    if (comment) {
      if (visitor.comment?.(index)) return { state: { mode, quote }, stoppedAt: index };
      mode = "lineComment";
      index += comment.length - 1;
      continue;
    }
    if (rules.blockComment && text.startsWith(rules.blockComment.open, index)) {
      if (visitor.comment?.(index)) return { state: { mode, quote }, stoppedAt: index };
      mode = "blockComment";
      index += rules.blockComment.open.length - 1;
      continue;
    }
    if (rules.quotes.includes(char)) {
      const triple = char.repeat(3);
      quote = rules.tripleQuotes && char !== "`" && text.startsWith(triple, index) ? triple : char;
      mode = "string";
      index += quote.length - 1;
      continue;
    }
    if ((isOpener(char) || isCloser(char)) && visitor.bracket?.(char, index)) {
      return { state: { mode, quote }, stoppedAt: index };
    }
  }
  return { state: { mode, quote }, stoppedAt: null };
}

/** Where a comment starts in `line` outside strings, or -1: the code of a line is what comes before it. */
export function commentStart(line: string, rules: LexicalRules): number {
  const found = scanCode(line, rules, codeState(), { comment: () => true });
  return found.stoppedAt ?? -1;
}

export interface BracketScan {
  /** Brackets opened and not closed, outermost first. Stray closers are ignored. */
  open: string[];
  state: LexState;
}

/** The brackets `text` leaves open and the lexer state at its end. */
export function openBrackets(text: string, rules: LexicalRules, state: LexState = codeState()): BracketScan {
  const open: string[] = [];
  const result = scanCode(text, rules, state, {
    bracket: (char) => {
      if (isOpener(char)) open.push(char);
      else if (open.at(-1) === openerOf[char]) open.pop();
      return undefined;
    },
  });
  return { open, state: result.state };
}
