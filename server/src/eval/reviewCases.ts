/**
 * The cases of the review eval, made from real functions of a codebase: one planted bug per case (the same
 * edits training seeds), or a clean control (the function unchanged, a parameter renamed, or reformatted).
 * Pure: it works on texts, trees and extracted sites the eval hands it.
 */

import { applyEdit, removeAwaitEdit, seedEdit } from "../review/bugEdits";
import type { BugKind, ExtractedSites, FunctionSpan, TextEdit } from "../review/candidateSites";
import type { ReviewFile } from "../review/finding";
import { LineIndex } from "../review/lineIndex";
import type { SyntaxNode, SyntaxTree } from "../syntax/syntaxTree";

export const cleanControls = ["unchanged", "renamed", "reformatted"] as const;
export type CleanControl = (typeof cleanControls)[number];

export interface ReviewCase {
  id: string;
  /** The planted bug's kind, or the clean control. */
  kind: BugKind | CleanControl;
  file: ReviewFile;
  /** 1-based line of the planted bug; absent for clean controls. */
  bugLine?: number;
}

/** Functions worth a case: not nested, 3 to 150 lines. */
export function caseFunctions(extracted: ExtractedSites): FunctionSpan[] {
  return extracted.functions.filter(
    (span) => !span.nested && span.endLine - span.line >= 2 && span.endLine - span.line < 150,
  );
}

export function functionRegion(span: FunctionSpan): { startLine: number; endLine: number } {
  return { startLine: span.line + 1, endLine: span.endLine + 1 };
}

/** The planted edit of one bug of `kind` inside `span`, chosen at random; undefined when the function has none. */
export function plantBug(
  kind: BugKind,
  text: string,
  extracted: ExtractedSites,
  span: FunctionSpan,
  random: () => number,
): TextEdit | undefined {
  const inside = (start: number) => span.start <= start && start < span.end;
  if (kind === "missing-await") {
    const calls = extracted.awaitedCalls.filter((call) => inside(call.awaitStart));
    const call = calls[Math.floor(random() * calls.length)];
    return call ? removeAwaitEdit(call) : undefined;
  }
  const sites = extracted.sites.filter((site) => site.kind === kind && inside(site.start));
  for (let attempt = 0; attempt < 4 && sites.length > 0; attempt++) {
    const site = sites[Math.floor(random() * sites.length)]!;
    const edit = seedEdit(site, text, random);
    if (edit && text.slice(edit.start, edit.end) !== edit.text) return edit;
  }
  return undefined;
}

export function bugCase(
  id: string,
  kind: BugKind,
  file: ReviewFile,
  span: FunctionSpan,
  edit: TextEdit,
): ReviewCase {
  const text = applyEdit(file.text, edit);
  return {
    id,
    kind,
    file: { ...file, text, regions: [functionRegion(span)] },
    bugLine: new LineIndex(text).lineOf(edit.start) + 1,
  };
}

/**
 * Renames one parameter everywhere it is used in the function, when every whole-word occurrence of its name
 * there is a variable reference (not a property, keyword argument, string or comment), so behaviour is kept.
 */
export function renameParameter(
  tree: SyntaxTree,
  span: FunctionSpan,
  random: () => number,
): string | undefined {
  const node = nodeAt(tree.rootNode, span.start, span.end);
  if (!node) return undefined;
  const body = tree.text.slice(span.start, span.end);
  const candidates = span.parameters.filter((name) => !["self", "cls", "this"].includes(name));
  for (const name of shuffled(candidates, random)) {
    const uses = variableUses(node, name, tree.text);
    const words = [...body.matchAll(new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`, "g"))].length;
    if (uses.length === 0 || uses.length !== words) continue;
    const renamed = renamedName(name, tree.language === "python");
    if (new RegExp(`(?<![\\w$])${escapeRegExp(renamed)}(?![\\w$])`).test(tree.text)) continue;
    let text = tree.text;
    for (const use of [...uses].sort((a, b) => b - a))
      text = text.slice(0, use) + renamed + text.slice(use + name.length);
    return text;
  }
  return undefined;
}

/**
 * Changes only layout inside the function: spaces around symbolic binary operators added or removed, and the
 * first two arguments of one call put on separate lines. The caller checks that the result parses and keeps
 * every site's features.
 */
export function reformatFunction(
  text: string,
  extracted: ExtractedSites,
  span: FunctionSpan,
): string | undefined {
  const edits: TextEdit[] = [];
  const seen = new Set<number>();
  const inside = (start: number) => span.start <= start && start < span.end;
  for (const site of extracted.sites) {
    if (site.kind !== "wrong-operand" && site.kind !== "wrong-operator" && site.kind !== "off-by-one")
      continue;
    if (!inside(site.start) || site.detail.layout !== "binary") continue;
    const { operatorSpan, operator } = site.detail;
    if (!/^[-+*/%<>=!&|^]+$/.test(operator)) continue;
    if (seen.has(operatorSpan.start)) continue;
    seen.add(operatorSpan.start);
    const before = text[operatorSpan.start - 1];
    const after = text[operatorSpan.end];
    if (
      before === " " &&
      after === " " &&
      text[operatorSpan.start - 2] !== " " &&
      text[operatorSpan.end + 1] !== " "
    ) {
      edits.push({ start: operatorSpan.start - 1, end: operatorSpan.end + 1, text: operator });
    } else if (before !== " " && after !== " " && before !== "\n" && after !== "\n") {
      edits.push({ start: operatorSpan.start, end: operatorSpan.end, text: ` ${operator} ` });
    }
  }
  const call = extracted.sites.find(
    (site) =>
      site.kind === "swapped-arguments" &&
      inside(site.start) &&
      site.detail.layout === "call" &&
      !text.slice(site.detail.first.start, site.detail.second.start).includes("\n") &&
      !edits.some(
        (edit) =>
          site.detail.layout === "call" &&
          edit.start >= site.detail.first.end &&
          edit.end <= site.detail.second.start,
      ),
  );
  if (call && call.detail.layout === "call") {
    const lineStart = text.lastIndexOf("\n", call.start - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    edits.push({ start: call.detail.first.end, end: call.detail.second.start, text: `,\n${indent}        ` });
  }
  if (edits.length === 0) return undefined;
  let result = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) result = applyEdit(result, edit);
  return result;
}

/** `count` -> `count_value` in Python, `countValue` elsewhere: a plausible name in the language's style. */
function renamedName(name: string, python: boolean): string {
  return python ? `${name}_value` : `${name}Value`;
}

/** Offsets of identifiers named `name` under `node` that are variable references. */
function variableUses(node: SyntaxNode, name: string, text: string): number[] {
  const uses: number[] = [];
  const visit = (current: SyntaxNode) => {
    if (current.type === "identifier" && text.slice(current.startIndex, current.endIndex) === name) {
      const parent = current.parent;
      const field = (fieldName: string) =>
        parent?.childForFieldName(fieldName)?.startIndex === current.startIndex;
      const property = parent?.type === "attribute" && field("attribute");
      const keyword = parent?.type === "keyword_argument" && field("name");
      if (!property && !keyword) uses.push(current.startIndex);
    }
    for (const child of current.namedChildren) if (child) visit(child);
  };
  visit(node);
  return uses;
}

function nodeAt(root: SyntaxNode, start: number, end: number): SyntaxNode | undefined {
  let current: SyntaxNode | undefined = root;
  while (current) {
    if (current.startIndex === start && current.endIndex === end) return current;
    current = current.namedChildren.find(
      (child): child is SyntaxNode => !!child && child.startIndex <= start && end <= child.endIndex,
    );
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
