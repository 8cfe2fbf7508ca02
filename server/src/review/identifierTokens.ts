/**
 * How the learned bug detector sees a name: the whole name plus its lower-cased sub-words (`getUserName`,
 * `get_user_name` -> get, user, name), each hashed into a fixed number of embedding buckets. The training
 * script reads the ids this file computes (through the site dump), so training and inference hash alike.
 */

/** The most sub-words of one name the detector looks at; longer names keep their first ones. */
export const maxSubwords = 4;

/** `parseHTTPResponse2` -> parse, http, response, 2; `__init__` -> init; `$el` -> el. */
export function subwords(name: string): string[] {
  const words: string[] = [];
  for (const part of name.split(/[^A-Za-z0-9]+/)) {
    if (!part) continue;
    for (const match of part.matchAll(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g))
      words.push(match[0].toLowerCase());
  }
  return words;
}

/** 32-bit FNV-1a over UTF-16 code units: cheap, stable across runs and languages. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The embedding rows of one slot token. A name (no `:` in it) contributes its whole spelling and its sub-words;
 * a category token such as `op:+` or `kind:call` is one row.
 */
export function tokenIds(token: string, buckets: number): number[] {
  if (token.includes(":")) return [fnv1a(token) % buckets];
  const ids = [fnv1a(`w:${token}`) % buckets];
  for (const word of subwords(token).slice(0, maxSubwords)) ids.push(fnv1a(`s:${word}`) % buckets);
  return ids;
}
