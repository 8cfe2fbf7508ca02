/**
 * Identifier-aware words for full-text search. SQLite's FTS5 tokenizers cannot be extended from
 * JavaScript, so Hearth expands each identifier before indexing: `getUserName` is stored as
 * `getusername get user name`, `MAX_RETRY_COUNT` as `max_retry_count max retry count`. Queries are expanded
 * the same way, so whole identifiers and their camelCase or snake_case parts all match.
 */

const identifierPattern = /[\p{L}_][\p{L}\p{N}_]*/gu;

const stopWords = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "by",
  "does",
  "for",
  "from",
  "how",
  "i",
  "in",
  "is",
  "it",
  "of",
  "on",
  "or",
  "the",
  "this",
  "to",
  "what",
  "when",
  "where",
  "which",
  "who",
  "why",
  "with",
]);

/** Splits an identifier into lower-case parts at `_`, `-`, case changes and letter/digit boundaries. */
export function splitIdentifier(identifier: string): string[] {
  return identifier
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
    .replace(/(\p{L})(\p{N})/gu, "$1 $2")
    .split(/[\s_-]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

/** The text stored in the FTS5 index for a chunk or a path. */
export function expandForIndex(text: string): string {
  const words: string[] = [];
  for (const match of text.matchAll(identifierPattern)) {
    const whole = match[0].toLowerCase();
    words.push(whole);
    const parts = splitIdentifier(match[0]);
    if (parts.length > 1) words.push(...parts);
  }
  return words.join(" ");
}

/** The distinct identifiers of a query, for symbol-name lookups. */
export function queryIdentifiers(query: string): string[] {
  const identifiers = new Set<string>();
  for (const match of query.matchAll(identifierPattern)) {
    if (!stopWords.has(match[0].toLowerCase())) identifiers.add(match[0]);
  }
  return [...identifiers];
}

/** One query identifier: it matches a chunk that contains it whole, or all of its parts. */
export interface QueryClause {
  whole: string;
  parts: string[];
}

export function queryClauses(query: string): QueryClause[] {
  const clauses = new Map<string, QueryClause>();
  for (const identifier of queryIdentifiers(query)) {
    const whole = identifier.toLowerCase();
    const parts = splitIdentifier(identifier).filter((part) => !stopWords.has(part));
    clauses.set(whole, { whole, parts: parts.length > 1 ? parts : [] });
  }
  return [...clauses.values()];
}

/**
 * An FTS5 MATCH expression for query clauses, by default OR-ed so BM25 ranks chunks that match more of them
 * higher; `undefined` when there is no clause.
 */
export function buildMatchExpression(
  clauses: QueryClause[],
  joiner: "OR" | "AND" = "OR",
): string | undefined {
  const terms = clauses.map((clause) =>
    clause.parts.length
      ? `(${quote(clause.whole)} OR (${clause.parts.map(quote).join(" AND ")}))`
      : quote(clause.whole),
  );
  return terms.length ? terms.join(` ${joiner} `) : undefined;
}

function quote(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}
