/**
 * The native backend: the `tree-sitter` Node binding and each grammar package's native binding.
 * Fastest, but both are built for one Node ABI, so a runtime they were not built for cannot load them.
 */

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type TreeSitter from "tree-sitter";
import type { LanguageId } from "./languages";
import { grammarSpec } from "./languages";
import type { ParserBackend } from "./parserBackend";
import { GrammarLoadError, ParserBackendUnavailableError } from "./parserBackend";
import { readQuerySource } from "./querySources";
import type { QueryKind, SyntaxTree } from "./syntaxTree";

const require = createRequire(import.meta.url);

interface NativeGrammar {
  parser: TreeSitter;
  queries: Record<QueryKind, TreeSitter.Query>;
}

/** Throws `ParserBackendUnavailableError` when the `tree-sitter` binding does not load in this runtime. */
export function createNativeBackend(grammarsDirectory?: string): ParserBackend {
  let runtime: typeof TreeSitter;
  try {
    runtime = require("tree-sitter");
  } catch (error) {
    throw new ParserBackendUnavailableError("native", error);
  }
  return new NativeParserBackend(runtime, grammarsDirectory);
}

class NativeParserBackend implements ParserBackend {
  readonly kind = "native";
  private readonly grammars = new Map<LanguageId, Promise<NativeGrammar>>();

  constructor(
    private readonly runtime: typeof TreeSitter,
    private readonly grammarsDirectory: string | undefined,
  ) {}

  async load(language: LanguageId): Promise<"native"> {
    await this.grammar(language);
    return "native";
  }

  async parse(language: LanguageId, text: string): Promise<SyntaxTree> {
    const { parser, queries } = await this.grammar(language);
    const tree = parser.parse(text);
    return {
      language,
      backend: "native",
      text,
      rootNode: tree.rootNode,
      matches: (kind) => queries[kind].matches(tree.rootNode).map((match) => match.captures),
      dispose() {},
    };
  }

  private grammar(language: LanguageId): Promise<NativeGrammar> {
    let grammar = this.grammars.get(language);
    if (!grammar) {
      grammar = this.loadGrammar(language);
      this.grammars.set(language, grammar);
    }
    return grammar;
  }

  private async loadGrammar(language: LanguageId): Promise<NativeGrammar> {
    const spec = grammarSpec(language);
    try {
      // import() rather than require(): tree-sitter-c-sharp's binding is an ES module with top-level await.
      const loaded = await import(pathToFileURL(require.resolve(spec.package)).href);
      const binding = loaded.default ?? loaded;
      const grammar = spec.nativeExport === null ? binding : binding[spec.nativeExport];
      if (!grammar?.language)
        throw new Error(`the package's binding has no language${exportNote(spec.nativeExport)}`);
      const parser = new this.runtime();
      parser.setLanguage(grammar);
      const query = (kind: QueryKind) =>
        new this.runtime.Query(grammar, readQuerySource(spec.queries, kind, this.grammarsDirectory));
      return { parser, queries: { definitions: query("definitions"), imports: query("imports") } };
    } catch (error) {
      throw new GrammarLoadError(language, spec.package, "native", error);
    }
  }
}

function exportNote(nativeExport: string | null): string {
  return nativeExport === null ? "" : ` under "${nativeExport}"`;
}
