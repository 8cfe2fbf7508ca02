/**
 * The unknown-identifier check for inline suggestions: names a suggestion uses that are defined nowhere
 * Hearth can see (the document around the cursor, the workspace's symbols and the file's imports, the
 * language's built-ins) and that the suggestion does not define itself. Pure and lexical: it reads names,
 * not types, so `obj.anything` is never judged (member names would need the type of `obj`).
 */

import { languageBuiltins } from "./languageBuiltins";

export interface IdentifierContext {
  language: string;
  /** The document's text before and after the suggestion: its locals, parameters and imports. */
  prefix: string;
  suffix: string;
  /** Workspace symbol names and the file's imported names. */
  knownNames: ReadonlySet<string>;
}

/**
 * Names in `suggestion` that nothing defines, in order of first use; empty for languages without a
 * built-in list (see `languageBuiltins`).
 */
export function unknownIdentifiers(suggestion: string, context: IdentifierContext): string[] {
  const builtins = languageBuiltins(context.language);
  if (!builtins) return [];
  // Lexed together with the line it continues, so a suggestion that starts inside a string or a comment is
  // read as one; a few lines of the prefix are enough and keep this cheap.
  const lineStart = Math.max(0, nthLastIndexOf(context.prefix, "\n", 20));
  const head = context.prefix.slice(lineStart);
  const code = stripStringsAndComments(head + suggestion, context.language).slice(head.length);
  const defined = definedNames(code);
  const documentNames = identifierSet(
    stripStringsAndComments(context.prefix, context.language) +
      "\n" +
      stripStringsAndComments(context.suffix, context.language),
  );
  const unknown: string[] = [];
  for (const match of code.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const name = match[0];
    const before = code[match.index - 1];
    const after = code.slice(match.index + name.length).match(/^\s*(\S)(\S)?/);
    if (before === "." || /\d/.test(before ?? "")) continue;
    // Keyword arguments and object keys name the callee's parameters or the object's fields.
    if (
      after &&
      ((after[1] === "=" && after[2] !== "=" && after[2] !== ">") || (after[1] === ":" && after[2] !== ":"))
    )
      continue;
    if (
      builtins.has(name) ||
      defined.has(name) ||
      documentNames.has(name) ||
      context.knownNames.has(name) ||
      unknown.includes(name)
    ) {
      continue;
    }
    unknown.push(name);
  }
  return unknown;
}

/** Names the snippet binds: after definition keywords, parameter lists, assignment targets, loop variables. */
function definedNames(code: string): Set<string> {
  const defined = new Set<string>();
  const add = (list: string | undefined) => {
    for (const name of list?.match(/[A-Za-z_$][\w$]*/g) ?? []) defined.add(name);
  };
  for (const match of code.matchAll(
    /\b(?:def|class|function|func|fn|let|const|var|val|type|interface|struct|enum|trait|impl|import|as|mut|lambda|catch|except|global|nonlocal)\s+\*?([A-Za-z_$][\w$]*)/g,
  )) {
    add(match[1]);
  }
  // Parameter lists of definitions and arrow functions.
  for (const match of code.matchAll(/\b(?:def|function|func|fn)\s*[\w$]*\s*(?:<[^>]*>)?\s*\(([^)]*)\)/g))
    add(paramNames(match[1]!));
  for (const match of code.matchAll(/\(([^()]*)\)\s*(?::\s*[\w<>[\], |]+)?\s*=>/g))
    add(paramNames(match[1]!));
  for (const match of code.matchAll(/([A-Za-z_$][\w$]*)\s*=>/g)) add(match[1]);
  for (const match of code.matchAll(/\blambda\s+([^:]*):/g)) add(paramNames(match[1]!));
  // for x, y in / for (const x of / for i := range
  for (const match of code.matchAll(/\bfor\s*\(?\s*(?:const|let|var)?\s*([\w$,\s[\]{}]+?)\s+(?:in|of)\b/g))
    add(match[1]);
  for (const match of code.matchAll(/\bfor\s+([\w,\s]+?)\s*:=/g)) add(match[1]);
  // a, b = ... / x := ... / with open() as f
  for (const match of code.matchAll(/(?:^|[\n;])\s*([\w$]+(?:\s*,\s*[\w$]+)*)\s*(?::=|=(?!=))/g))
    add(match[1]);
  return defined;
}

/** Parameter names out of `a, b: int = 1, *args, **kw` or `x int, y string` or `self, other`. */
function paramNames(list: string): string {
  return list
    .split(",")
    .map((param) => param.replace(/^[\s*&.]+/, "").match(/^(?:mut\s+)?([A-Za-z_$][\w$]*)/)?.[1] ?? "")
    .join(" ");
}

function nthLastIndexOf(text: string, needle: string, count: number): number {
  let index = text.length;
  for (let found = 0; found < count; found++) {
    index = text.lastIndexOf(needle, index - 1);
    if (index < 0) return 0;
  }
  return index;
}

function identifierSet(code: string): Set<string> {
  return new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

/** Blanks string literals and comments (keeping offsets), so names inside them are not read as code. */
export function stripStringsAndComments(text: string, language: string): string {
  const hashComments = language === "python" || language === "ruby" || language === "bash";
  const pattern = hashComments
    ? /"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|#[^\n]*/g
    : /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|`(?:\\.|[^`\\])*`?|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?/g;
  return text.replace(pattern, (literal) => literal.replace(/[^\n]/g, " "));
}
