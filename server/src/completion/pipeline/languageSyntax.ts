/**
 * The little lexical knowledge completion needs per language, without a parser: how a line comment starts,
 * which quotes delimit strings, whether a language has block comments or triple-quoted strings. Used to
 * render cross-file snippets as comments, to see that the cursor sits in a comment, and to skip strings and
 * comments while counting brackets. Accepts both Hearth's `LanguageId`s and VS Code's language ids.
 */

export interface LexicalRules {
  /** Line comment openers, longest first where one is a prefix of another. */
  lineComments: readonly string[];
  /** `/* ... *\/` style block comments. */
  blockComment: { open: string; close: string } | null;
  /** Characters that open and close a one-line string (an unterminated one ends at the end of the line). */
  quotes: readonly string[];
  /** Python's `"""` and `'''`, which may span lines. */
  tripleQuotes: boolean;
}

const cBlock = { open: "/*", close: "*/" };

const cFamily: LexicalRules = {
  lineComments: ["//"],
  blockComment: cBlock,
  quotes: ['"', "'", "`"],
  tripleQuotes: false,
};

const byLanguage: Record<string, LexicalRules> = {
  python: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: true },
  ruby: { lineComments: ["#"], blockComment: null, quotes: ['"', "'", "`"], tripleQuotes: false },
  bash: { lineComments: ["#"], blockComment: null, quotes: ['"', "'", "`"], tripleQuotes: false },
  perl: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: false },
  r: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: false },
  yaml: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: false },
  toml: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: true },
  elixir: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: true },
  makefile: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: false },
  dockerfile: { lineComments: ["#"], blockComment: null, quotes: ['"', "'"], tripleQuotes: false },
  // `'` opens a lifetime as often as a char literal, so only `"` counts as a quote in Rust.
  rust: { lineComments: ["//"], blockComment: cBlock, quotes: ['"'], tripleQuotes: false },
  php: { lineComments: ["//", "#"], blockComment: cBlock, quotes: ['"', "'", "`"], tripleQuotes: false },
  lua: { lineComments: ["--"], blockComment: null, quotes: ['"', "'"], tripleQuotes: false },
  sql: { lineComments: ["--"], blockComment: cBlock, quotes: ['"', "'"], tripleQuotes: false },
  haskell: { lineComments: ["--"], blockComment: null, quotes: ['"'], tripleQuotes: false },
};

/** VS Code language ids that name a language known here under another name. */
const aliases: Record<string, string> = {
  shellscript: "bash",
  sh: "bash",
  zsh: "bash",
  typescriptreact: "typescript",
  javascriptreact: "javascript",
  tsx: "typescript",
  py: "python",
  rb: "ruby",
};

export function canonicalLanguage(language: string | undefined): string {
  const lower = (language ?? "").toLowerCase();
  return aliases[lower] ?? lower;
}

/** The lexical rules of a language; C-family rules (`//`, `/* *\/`, three quote kinds) when unknown. */
export function lexicalRules(language: string | undefined): LexicalRules {
  return byLanguage[canonicalLanguage(language)] ?? cFamily;
}

/** How to start a line comment in a language, for rendering snippets as comments. */
export function lineCommentPrefix(language: string | undefined): string {
  return lexicalRules(language).lineComments[0] ?? "//";
}
