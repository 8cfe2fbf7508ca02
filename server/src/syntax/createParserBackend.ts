/**
 * Chooses a tree-sitter backend: native `tree-sitter` where it loads (fast), `web-tree-sitter` otherwise
 * (portable: no Node ABI to match, so it also works in runtimes the native build was not made for).
 */

import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import type { LanguageId } from "./languages";
import { createNativeBackend } from "./nativeBackend";
import type { ParserBackend, ParserBackendChoice } from "./parserBackend";
import type { ParserBackendKind, SyntaxTree } from "./syntaxTree";
import { createWasmBackend } from "./wasmBackend";

export interface ParserBackendOptions {
  /** Default `auto`. */
  backend?: ParserBackendChoice;
  /** Receives the reason whenever `auto` falls back to wasm. */
  logger?: Pick<Logger, "warn">;
  /** Folder with the query files; default: the `grammars/` found above this module. */
  grammarsDirectory?: string;
}

/**
 * Creates a backend. `native` throws `ParserBackendUnavailableError` at once when `tree-sitter` does not load;
 * `auto` then uses wasm for everything, and also falls back per language when one native grammar fails to load
 * (a binding built for another ABI, say), logging why each time.
 */
export function createParserBackend(options: ParserBackendOptions = {}): ParserBackend {
  const { backend = "auto", logger, grammarsDirectory } = options;
  if (backend === "native") return createNativeBackend(grammarsDirectory);
  if (backend === "wasm") return createWasmBackend(grammarsDirectory);
  let native: ParserBackend | null = null;
  try {
    native = createNativeBackend(grammarsDirectory);
  } catch (error) {
    logger?.warn(`syntax: ${messageOf(error)}; using the wasm backend for every language`);
  }
  return new AutoParserBackend(native, () => createWasmBackend(grammarsDirectory), logger);
}

/** Native per language when its grammar loads, else wasm; the choice is made once per language. */
export class AutoParserBackend implements ParserBackend {
  readonly kind = "auto";
  private wasm: ParserBackend | undefined;
  private readonly chosen = new Map<LanguageId, Promise<ParserBackend>>();

  constructor(
    private readonly native: ParserBackend | null,
    private readonly createWasm: () => ParserBackend,
    private readonly logger: Pick<Logger, "warn"> | undefined,
  ) {}

  async load(language: LanguageId): Promise<ParserBackendKind> {
    return (await this.backendFor(language)).load(language);
  }

  async parse(language: LanguageId, text: string): Promise<SyntaxTree> {
    return (await this.backendFor(language)).parse(language, text);
  }

  private backendFor(language: LanguageId): Promise<ParserBackend> {
    let backend = this.chosen.get(language);
    if (!backend) {
      backend = this.choose(language);
      this.chosen.set(language, backend);
    }
    return backend;
  }

  private async choose(language: LanguageId): Promise<ParserBackend> {
    if (this.native) {
      try {
        await this.native.load(language);
        return this.native;
      } catch (error) {
        this.logger?.warn(`syntax: ${messageOf(error)}; using the wasm backend for ${language}`);
      }
    }
    this.wasm ??= this.createWasm();
    return this.wasm;
  }
}
