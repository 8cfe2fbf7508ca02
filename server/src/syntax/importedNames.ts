/**
 * The names a file imports, from the language's `imports.scm`: what completion may assume is in scope and
 * which modules the file leans on.
 */

import type { SyntaxTree } from "./syntaxTree";

export interface ImportedName {
  /**
   * The local name the import binds (`*` for a wildcard). Imports that bind no explicit name (C includes, Go
   * packages, Ruby requires, sourced scripts) are named after the source's last path segment.
   */
  name: string;
  /** The module, header or path as written, without quotes or angle brackets; null when the statement has none. */
  source: string | null;
  /** 0-based line of the import statement. */
  line: number;
}

export function importedNames(tree: SyntaxTree): ImportedName[] {
  const seen = new Set<string>();
  const result: ImportedName[] = [];
  for (const captures of tree.matches("imports")) {
    let line = -1;
    let name: string | null = null;
    let source: string | null = null;
    for (const capture of captures) {
      const text = tree.text.slice(capture.node.startIndex, capture.node.endIndex);
      if (capture.name === "import") line = capture.node.startPosition.row;
      else if (capture.name === "name") name = text;
      else if (capture.name === "source") source = unquote(text);
    }
    if (line < 0) continue;
    name ??= source === null ? null : lastSegment(source);
    if (!name) continue;
    const key = `${line}\0${name}\0${source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ name, source, line });
  }
  return result.sort((a, b) => a.line - b.line);
}

function unquote(text: string): string {
  return text.replace(/^["'`<]|["'`>]$/g, "");
}

function lastSegment(source: string): string {
  const segment = source.slice(source.lastIndexOf("/") + 1);
  return segment.endsWith("*") ? "*" : segment;
}
