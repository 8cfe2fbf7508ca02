/**
 * The inline-completion parse check: prefix + suggestion + suffix may not hold a tree-sitter ERROR node where
 * the text without the suggestion had none. Built on `syntax/`'s `ParserBackend`, so it runs on the native or
 * the wasm backend alike. This is the one guardrails file that imports `syntax/` (types only): the rest of
 * the folder stays free of it for the client.
 *
 * The text without the suggestion is rarely clean (the cursor sits in an unfinished statement), so "where
 * there was none" is positional: each ERROR range of the text without the suggestion is moved to where it
 * lies once the suggestion is inserted (a range touching the cursor grows over the suggestion), and an ERROR
 * node after insertion that is not inside one of those ranges is new. MISSING nodes alone (no ERROR node)
 * never count: the `SyntaxTree` interface cannot locate them. The ranges of the text without the suggestion
 * are cached, because every keystroke in one place shares them.
 *
 * Only a window around the cursor is parsed (from a top-level line at least `linesBefore` lines up to a
 * top-level line at least `linesAfter` lines down): a whole large file took about 10 ms a parse, which the
 * keystroke path cannot afford. A cut through a construct makes an error in both texts at the same place, so
 * it is never new.
 */

import type { LanguageId, ParserBackend, SyntaxNode } from "../syntax";

/** `clean`: no error at all after insertion; `noNewErrors`: only errors that were there before. */
export type ParseCheckOutcome = "clean" | "noNewErrors" | "breaksParse";

type Range = readonly [start: number, end: number];

export class SuggestionParseCheck {
  private readonly baseline = new Map<string, Range[]>();

  constructor(
    private readonly backend: ParserBackend,
    private readonly cacheSize = 16,
    private readonly window = { linesBefore: 120, linesAfter: 60 },
  ) {}

  async check(
    language: LanguageId,
    wholePrefix: string,
    suggestion: string,
    wholeSuffix: string,
  ): Promise<ParseCheckOutcome> {
    const prefix = wholePrefix.slice(windowStart(wholePrefix, this.window.linesBefore));
    const suffix = wholeSuffix.slice(0, windowEnd(wholeSuffix, this.window.linesAfter));
    const before = prefix + suffix;
    let beforeRanges = this.baseline.get(before);
    if (beforeRanges === undefined) {
      beforeRanges = (await this.errorRanges(language, before)) ?? [];
      this.baseline.set(before, beforeRanges);
      if (this.baseline.size > this.cacheSize) this.baseline.delete(this.baseline.keys().next().value!);
    }
    const afterRanges = await this.errorRanges(language, prefix + suggestion + suffix);
    if (afterRanges === undefined) return "clean";
    const cursor = prefix.length;
    const shift = suggestion.length;
    const moved = beforeRanges.map(
      ([start, end]): Range => [start < cursor ? start : start + shift, end < cursor ? end : end + shift],
    );
    const isNew = ([start, end]: Range) => !moved.some(([from, to]) => from <= start && end <= to);
    return afterRanges.some(isNew) ? "breaksParse" : "noNewErrors";
  }

  /**
   * The suggestion, or its longest run of whole leading lines that adds no syntax error, or null when no such
   * run is left. A multi-line answer cut off by the token limit usually breaks only in its last lines, and
   * its first lines are still worth showing. At most `maxTries` parses, so the keystroke path stays bounded.
   */
  async trimToParse(
    language: LanguageId,
    prefix: string,
    suggestion: string,
    suffix: string,
    maxTries = 4,
  ): Promise<string | null> {
    const lines = suggestion.split("\n");
    for (let keep = lines.length, tries = 0; keep > 0 && tries < maxTries; keep--, tries++) {
      const candidate = lines.slice(0, keep).join("\n");
      if (candidate.trim().length === 0) return null;
      if ((await this.check(language, prefix, candidate, suffix)) !== "breaksParse") return candidate;
    }
    return null;
  }

  /** The ERROR nodes' ranges, or undefined when the text parses without any error. */
  private async errorRanges(language: LanguageId, text: string): Promise<Range[] | undefined> {
    const tree = await this.backend.parse(language, text);
    try {
      return tree.rootNode.hasError ? collectErrors(tree.rootNode, []) : undefined;
    } finally {
      tree.dispose();
    }
  }
}

/** Where the parsed window starts: the start of a top-level line at least `lines` lines above the end. */
function windowStart(prefix: string, lines: number): number {
  let at = prefix.length;
  for (let seen = 0; seen <= lines; seen++) {
    at = prefix.lastIndexOf("\n", at - 1);
    if (at <= 0) return 0;
  }
  for (; at > 0; at = prefix.lastIndexOf("\n", at - 1)) {
    if (isTopLevelLineAt(prefix, at + 1)) return at + 1;
  }
  return 0;
}

/** Where the parsed window ends: just before a top-level line at least `lines` lines below the start. */
function windowEnd(suffix: string, lines: number): number {
  let at = -1;
  for (let seen = 0; seen <= lines; seen++) {
    at = suffix.indexOf("\n", at + 1);
    if (at < 0) return suffix.length;
  }
  for (; at >= 0; at = suffix.indexOf("\n", at + 1)) {
    if (isTopLevelLineAt(suffix, at + 1)) return at + 1;
  }
  return suffix.length;
}

/** A line that starts a top-level statement: not indented, not blank, not a closing bracket. */
function isTopLevelLineAt(text: string, start: number): boolean {
  const first = text[start];
  return first !== undefined && !/[\s)\]}]/.test(first);
}

function collectErrors(node: SyntaxNode, into: Range[]): Range[] {
  if (node.type === "ERROR") into.push([node.startIndex, node.endIndex]);
  for (const child of node.namedChildren) if (child?.hasError) collectErrors(child, into);
  return into;
}
