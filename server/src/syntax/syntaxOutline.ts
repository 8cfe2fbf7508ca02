/**
 * What chunking and completion need from a parsed file: its definitions (from the language's
 * `definitions.scm`), with names, kinds, line spans and nesting, plus the line spans of multi-line statements,
 * which a chunk boundary must not cut through.
 */

import type { LineRange } from "./chunkPlanner";
import type { SyntaxNode, SyntaxTree } from "./syntaxTree";
import { endLine } from "./syntaxTree";

export const symbolKinds = [
  "class",
  "struct",
  "interface",
  "enum",
  "trait",
  "impl",
  "module",
  "function",
  "method",
] as const;

export type SymbolKind = (typeof symbolKinds)[number];

export interface Definition {
  name: string;
  kind: SymbolKind;
  /**
   * First line (0-based) of the definition with what belongs to it in front: `export`, decorators, attributes,
   * templates and adjacent doc comments.
   */
  startLine: number;
  /** Last line, 0-based and inclusive. */
  endLine: number;
  nameLine: number;
  /** UTF-16 offsets of the definition node itself (without what `startLine` adds in front). */
  startIndex: number;
  endIndex: number;
  /** Index in the same list of the innermost enclosing definition; -1 at top level. */
  parent: number;
}

export interface SyntaxOutline {
  /** Ordered by start; a parent comes before its children. */
  definitions: Definition[];
  /** Multi-line statements at top level and in definition bodies. */
  blocks: LineRange[];
}

const kindSet = new Set<string>(symbolKinds);
const containerKinds = new Set<SymbolKind>(["class", "struct", "interface", "enum", "trait", "impl"]);

/** Nodes that wrap a definition without being one; the definition's lines start where they start. */
const wrapperTypes = new Set([
  "export_statement",
  "decorated_definition",
  "template_declaration",
  "ambient_declaration",
  "expression_statement",
]);

const outlines = new WeakMap<SyntaxTree, SyntaxOutline>();

export function syntaxOutline(tree: SyntaxTree): SyntaxOutline {
  let outline = outlines.get(tree);
  if (!outline) {
    outline = buildOutline(tree);
    outlines.set(tree, outline);
  }
  return outline;
}

/** Every definition in the file (see `Definition`), outer before inner. */
export function definitions(tree: SyntaxTree): readonly Definition[] {
  return syntaxOutline(tree).definitions;
}

/** The definitions enclosing a UTF-16 offset, outermost first: e.g. class `Cart`, then method `add`. */
export function enclosingScopes(tree: SyntaxTree, offset: number): Definition[] {
  return definitions(tree).filter(
    (definition) => definition.startIndex <= offset && offset <= definition.endIndex,
  );
}

interface Found {
  node: SyntaxNode;
  /** Where the name starts and ends: a pattern with several @name captures names the span they cover. */
  nameStart: number;
  nameEnd: number;
  nameLine: number;
  kind: SymbolKind;
}

function buildOutline(tree: SyntaxTree): SyntaxOutline {
  const found = new Map<string, Found>();
  for (const captures of tree.matches("definitions")) {
    let node: SyntaxNode | undefined;
    let kind = "";
    let nameStart = Number.POSITIVE_INFINITY;
    let nameEnd = -1;
    let nameLine = 0;
    for (const capture of captures) {
      if (capture.name.startsWith("definition.")) {
        node = capture.node;
        kind = capture.name.slice("definition.".length);
      } else if (capture.name === "name") {
        if (capture.node.startIndex < nameStart) {
          nameStart = capture.node.startIndex;
          nameLine = capture.node.startPosition.row;
        }
        nameEnd = Math.max(nameEnd, capture.node.endIndex);
      }
    }
    if (!node || nameEnd < 0 || !kindSet.has(kind)) continue;
    const key = `${node.startIndex}:${node.endIndex}`;
    if (!found.has(key)) found.set(key, { node, nameStart, nameEnd, nameLine, kind: kind as SymbolKind });
  }

  const ordered = [...found.values()].sort(
    (a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex,
  );
  const result: Definition[] = [];
  const open: number[] = [];
  for (const { node, nameStart, nameEnd, nameLine, kind } of ordered) {
    while (open.length && result[open.at(-1)!]!.endIndex < node.endIndex) open.pop();
    const parent = open.at(-1) ?? -1;
    const outer = outerNode(node);
    result.push({
      name: tree.text.slice(nameStart, nameEnd).replace(/\s+/g, " ").slice(0, 200),
      kind: kind === "function" && parent >= 0 && containerKinds.has(result[parent]!.kind) ? "method" : kind,
      startLine: leadingTriviaStart(outer),
      endLine: endLine(outer),
      nameLine,
      startIndex: node.startIndex,
      endIndex: node.endIndex,
      parent,
    });
    open.push(result.length - 1);
  }
  return { definitions: result, blocks: statementBlocks(tree.rootNode, ordered) };
}

function outerNode(node: SyntaxNode): SyntaxNode {
  let outer = node;
  while (outer.parent && wrapperTypes.has(outer.parent.type)) outer = outer.parent;
  return outer;
}

function isTrivia(node: SyntaxNode): boolean {
  return /comment|^decorator$|^attribute(_item|_list)?$|annotation$/.test(node.type);
}

/** Start line once adjacent comments and attributes above the node (no blank line between) are included. */
function leadingTriviaStart(node: SyntaxNode): number {
  let start = node.startPosition.row;
  for (let sibling = node.previousNamedSibling; sibling && isTrivia(sibling); ) {
    if (endLine(sibling) < start - 1 || sibling.startPosition.row >= start) break;
    const before = sibling.previousNamedSibling;
    // A comment on the same line as the code before it is that code's trailing comment.
    if (before && endLine(before) >= sibling.startPosition.row) break;
    start = sibling.startPosition.row;
    sibling = before;
  }
  return start;
}

function statementBlocks(root: SyntaxNode, found: Found[]): LineRange[] {
  const containers = [root];
  for (const { node } of found) {
    const body = node.childForFieldName("body");
    if (body) containers.push(body);
  }
  const blocks: LineRange[] = [];
  for (const container of containers) {
    for (const child of container.namedChildren) {
      if (!child) continue;
      const startLine = child.startPosition.row;
      const last = endLine(child);
      if (last > startLine) blocks.push({ startLine, endLine: last });
    }
  }
  return blocks;
}
