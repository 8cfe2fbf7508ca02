/**
 * The parsed-tree shape Hearth's syntax code relies on, met by both the native `tree-sitter` binding and
 * `web-tree-sitter`, so chunking and queries never know which backend produced a tree.
 *
 * Offsets (`startIndex`, `endIndex`) are UTF-16 code units into the JS string that was parsed (both backends
 * parse JS strings as UTF-16); rows are 0-based and count `\n` only.
 */

import type { LanguageId } from "./languages";

export type ParserBackendKind = "native" | "wasm";

export interface Point {
  row: number;
  column: number;
}

export interface SyntaxNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly parent: SyntaxNode | null;
  readonly namedChildren: readonly (SyntaxNode | null)[];
  readonly previousNamedSibling: SyntaxNode | null;
  readonly hasError: boolean;
  childForFieldName(fieldName: string): SyntaxNode | null;
}

export interface QueryCapture {
  name: string;
  node: SyntaxNode;
}

/** The query files each language has under `grammars/<folder>/`. */
export type QueryKind = "definitions" | "imports";

export interface SyntaxTree {
  readonly language: LanguageId;
  readonly backend: ParserBackendKind;
  /** The text that was parsed; node offsets index into it. */
  readonly text: string;
  readonly rootNode: SyntaxNode;
  /** Runs one of the language's queries over the whole tree: one capture list per pattern match. */
  matches(query: QueryKind): QueryCapture[][];
  /**
   * Frees the tree. wasm trees live in the wasm heap, which the JS garbage collector never shrinks, so an
   * indexing pass must dispose every tree; native trees are freed by GC and this is a no-op for them.
   */
  dispose(): void;
}

/** Line of a node's last character: a node ending at column 0 ends with the previous line's newline. */
export function endLine(node: SyntaxNode): number {
  const { row, column } = node.endPosition;
  return column === 0 && row > node.startPosition.row ? row - 1 : row;
}
