/**
 * Chunks one file for the workspace index: structural chunks when a syntax tree is at hand, overlapping line
 * windows otherwise (see chunkPlanner.ts for the rules).
 */

import type { Chunk, ChunkOptions } from "./chunkPlanner";
import { planChunks } from "./chunkPlanner";
import type { LanguageId } from "./languages";
import { isLanguageId, languageForPath } from "./languages";
import type { ParserBackend } from "./parserBackend";
import { syntaxOutline } from "./syntaxOutline";
import type { SyntaxTree } from "./syntaxTree";

export interface ChunkFileInput {
  path: string;
  /** Any language name; it labels the chunks. Structure comes from `tree` alone. */
  language: string;
  text: string;
  /** A tree parsed from exactly `text`; absent or null for line windows. */
  tree?: SyntaxTree | null;
}

export function chunkFile(input: ChunkFileInput, options: ChunkOptions): Chunk[] {
  const { path, language, text, tree } = input;
  if (tree && tree.text !== text)
    throw new RangeError(`the syntax tree given for ${path} was parsed from other text`);
  return planChunks({ path, language, text, outline: tree ? syntaxOutline(tree) : null }, options);
}

export interface ParseAndChunkOptions extends ChunkOptions {
  /** Longer texts are not parsed (parsing time grows with size) and get line windows. Default 512 Ki characters. */
  maxParseChars?: number;
}

export const defaultMaxParseChars = 512 * 1024;

export interface ParseAndChunkInput {
  path: string;
  text: string;
  /** Omitted: detected from the path, then the shebang. Not one of `languageIds`: line windows under that name. */
  language?: string | null;
}

/**
 * Raised whenever a change here or in `chunkPlanner.ts` moves chunk boundaries: an index stamped with another
 * version is chunked again on its next full pass (unchanged files included).
 */
export const chunkingVersion = 1;

/**
 * Detects the language, parses, chunks and frees the tree. Files without a grammar, and texts over
 * `maxParseChars`, get line windows labelled `plaintext` (or the language given). A grammar that fails to load
 * rejects with `GrammarLoadError`; broken code does not: it is chunked from the tree tree-sitter recovers.
 */
export async function parseAndChunk(
  backend: ParserBackend,
  input: ParseAndChunkInput,
  options: ParseAndChunkOptions,
): Promise<Chunk[]> {
  const language = input.language ?? languageForPath(input.path, firstLine(input.text));
  const label = language ?? "plaintext";
  if (
    !language ||
    !isLanguageId(language) ||
    input.text.length > (options.maxParseChars ?? defaultMaxParseChars)
  ) {
    return chunkFile({ path: input.path, language: label, text: input.text }, options);
  }
  const tree = await backend.parse(language as LanguageId, input.text);
  try {
    return chunkFile({ path: input.path, language, text: input.text, tree }, options);
  } finally {
    tree.dispose();
  }
}

function firstLine(text: string): string {
  const end = text.indexOf("\n");
  return end < 0 ? text : text.slice(0, end);
}
