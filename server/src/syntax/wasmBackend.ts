/**
 * The wasm backend: `web-tree-sitter` and each grammar package's `.wasm`. Slower than native but independent of
 * the Node ABI. Files are located through the packages' own resolution (createRequire), so it works from the
 * sources and from bundles alike as long as `node_modules` is reachable from the running module.
 */

import { createRequire } from "node:module";
import * as path from "node:path";
import type * as WebTreeSitter from "web-tree-sitter";
import type { LanguageId } from "./languages";
import { grammarSpec } from "./languages";
import type { ParserBackend } from "./parserBackend";
import { GrammarLoadError, ParserBackendUnavailableError } from "./parserBackend";
import { readQuerySource } from "./querySources";
import type { QueryKind, SyntaxTree } from "./syntaxTree";

const require = createRequire(import.meta.url);

type Runtime = typeof WebTreeSitter;

interface WasmGrammar {
  parser: WebTreeSitter.Parser;
  queries: Record<QueryKind, WebTreeSitter.Query>;
}

export function createWasmBackend(grammarsDirectory?: string): ParserBackend {
  return new WasmParserBackend(grammarsDirectory);
}

class WasmParserBackend implements ParserBackend {
  readonly kind = "wasm";
  private readonly grammars = new Map<LanguageId, Promise<WasmGrammar>>();

  constructor(private readonly grammarsDirectory: string | undefined) {}

  async load(language: LanguageId): Promise<"wasm"> {
    await this.grammar(language);
    return "wasm";
  }

  async parse(language: LanguageId, text: string): Promise<SyntaxTree> {
    const { parser, queries } = await this.grammar(language);
    const tree = parser.parse(text);
    if (!tree) throw new Error(`web-tree-sitter returned no tree for a ${language} text`);
    return {
      language,
      backend: "wasm",
      text,
      rootNode: tree.rootNode,
      matches: (kind) => queries[kind].matches(tree.rootNode).map((match) => match.captures),
      dispose: () => tree.delete(),
    };
  }

  private grammar(language: LanguageId): Promise<WasmGrammar> {
    let grammar = this.grammars.get(language);
    if (!grammar) {
      grammar = this.loadGrammar(language);
      this.grammars.set(language, grammar);
    }
    return grammar;
  }

  private async loadGrammar(language: LanguageId): Promise<WasmGrammar> {
    const api = await loadRuntime();
    const spec = grammarSpec(language);
    try {
      const wasmPath = path.join(path.dirname(require.resolve(`${spec.package}/package.json`)), spec.wasm);
      const grammar = await api.Language.load(wasmPath);
      const parser = new api.Parser();
      parser.setLanguage(grammar);
      const query = (kind: QueryKind) =>
        new api.Query(grammar, readQuerySource(spec.queries, kind, this.grammarsDirectory));
      return { parser, queries: { definitions: query("definitions"), imports: query("imports") } };
    } catch (error) {
      throw new GrammarLoadError(language, spec.package, "wasm", error);
    }
  }
}

// One runtime per process: web-tree-sitter's module is a singleton, so every backend instance shares it.
let runtime: Promise<Runtime> | undefined;

function loadRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    try {
      const loaded: Runtime = await import("web-tree-sitter");
      const runtimeWasm = require.resolve("web-tree-sitter/tree-sitter.wasm");
      await loaded.Parser.init({ locateFile: () => runtimeWasm });
      return loaded;
    } catch (error) {
      throw new ParserBackendUnavailableError("wasm", error);
    }
  })();
  return runtime;
}
