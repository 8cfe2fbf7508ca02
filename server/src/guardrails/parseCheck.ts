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
  ) {}

  async check(
    language: LanguageId,
    prefix: string,
    suggestion: string,
    suffix: string,
  ): Promise<ParseCheckOutcome> {
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

function collectErrors(node: SyntaxNode, into: Range[]): Range[] {
  if (node.type === "ERROR") into.push([node.startIndex, node.endIndex]);
  for (const child of node.namedChildren) if (child?.hasError) collectErrors(child, into);
  return into;
}
