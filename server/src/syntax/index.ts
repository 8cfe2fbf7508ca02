/**
 * Hearth's syntax layer: tree-sitter grammars behind one backend interface (native or wasm), structural
 * chunking for the workspace index, and the small structural facts completion needs (definitions, enclosing
 * scopes, imported names).
 */

export type { ChunkFileInput, ParseAndChunkInput, ParseAndChunkOptions } from "./chunkFile";
export { chunkFile, chunkingVersion, parseAndChunk } from "./chunkFile";
export type { Chunk, ChunkOptions, ChunkSymbol } from "./chunkPlanner";
export { chunkEmbeddingText } from "./chunkPlanner";
export type { ParserBackendOptions } from "./createParserBackend";
export { createParserBackend } from "./createParserBackend";
export type { ImportedName } from "./importedNames";
export { importedNames } from "./importedNames";
export type { LanguageId } from "./languages";
export { isLanguageId, languageForPath, languageIds } from "./languages";
export type { ParserBackend, ParserBackendChoice } from "./parserBackend";
export { GrammarLoadError, ParserBackendUnavailableError } from "./parserBackend";
export type { Definition, SymbolKind } from "./syntaxOutline";
export { definitions, enclosingScopes } from "./syntaxOutline";
export type { ParserBackendKind, SyntaxNode, SyntaxTree } from "./syntaxTree";
