/**
 * The one interface over Hearth's two tree-sitter backends (native `tree-sitter`, `web-tree-sitter`) and the
 * errors loading them can raise.
 */

import { messageOf } from "../base/errors";

import type { LanguageId } from "./languages";
import type { ParserBackendKind, SyntaxTree } from "./syntaxTree";

export interface ParserBackend {
  /** `auto` chooses per language, native first; see `load`. */
  readonly kind: ParserBackendKind | "auto";
  /** Loads a language's grammar and queries once (cached, failures too); resolves to the backend serving it. */
  load(language: LanguageId): Promise<ParserBackendKind>;
  /** Parses text, loading the grammar on first use. Broken code still parses: the tree holds ERROR nodes. */
  parse(language: LanguageId, text: string): Promise<SyntaxTree>;
}

export type ParserBackendChoice = ParserBackendKind | "auto";

/** A grammar package (or its queries) failed to load; names the language, the package and the backend. */
export class GrammarLoadError extends Error {
  override name = "GrammarLoadError";

  constructor(
    readonly language: LanguageId,
    readonly packageName: string,
    readonly backend: ParserBackendKind,
    cause: unknown,
  ) {
    super(
      `cannot load the ${language} grammar from ${packageName} with the ${backend} backend: ${messageOf(cause)}`,
      { cause },
    );
  }
}

/** A backend's runtime itself (`tree-sitter` or `web-tree-sitter`) failed to load. */
export class ParserBackendUnavailableError extends Error {
  override name = "ParserBackendUnavailableError";

  constructor(
    readonly backend: ParserBackendKind,
    cause: unknown,
  ) {
    super(
      `the ${backend} tree-sitter backend (${backend === "native" ? "tree-sitter" : "web-tree-sitter"}) is unavailable: ${messageOf(cause)}`,
      { cause },
    );
  }
}
