/**
 * A cache of completions with typed-ahead reuse: when the user types the first characters of a suggestion,
 * the rest comes from here without a model call, and backspacing returns to the states in between.
 *
 * Like Tabby's "forwarding" entries, storing a suggestion seeds one entry per cursor state the user can reach
 * by typing through it: every character of its first line (up to `maxForwardChars`), then, for accepting it a
 * line at a time, the start of each following line (up to `maxForwardLines`). A lookup is then a single map
 * read: no walk over entries and no walk back over the line (llama.vscode's way). Keys are (document, model,
 * hash of the prefix's tail up to the cursor line, hash of the suffix's head, the cursor line's prefix);
 * typing on a line changes only the last part. Its cost is one hash over `prefixTailChars` +
 * `suffixHeadChars` characters, bounded whatever the document, plus the line prefix as map key.
 * Entries are evicted least recently used first (lru-cache), optionally after `ttlMs`.
 */

import { LRUCache } from "lru-cache";

export interface CompletionCacheOptions {
  /** Cursor states kept; one suggestion seeds up to `maxForwardChars` + a few per extra line. */
  maxStates: number;
  /** Characters of the text before the cursor line that the key hashes. */
  prefixTailChars: number;
  /** Characters of the text after the cursor that the key hashes. */
  suffixHeadChars: number;
  /** How far into a line the user may type through a suggestion and still hit. */
  maxForwardChars: number;
  /** Lines after the first whose starts are seeded. */
  maxForwardLines: number;
  /** Entries older than this miss; undefined keeps them until evicted. */
  ttlMs?: number;
}

export const defaultCompletionCacheOptions: CompletionCacheOptions = {
  maxStates: 8192,
  prefixTailChars: 2048,
  suffixHeadChars: 512,
  maxForwardChars: 256,
  maxForwardLines: 3,
};

export interface CompletionCacheKey {
  /** The document's uri or path. */
  uri: string;
  /** The completion model, so that switching models never serves the other's suggestions. */
  modelId: string;
  /** Text before the cursor (at least `prefixTailChars` plus the cursor line, or all of it). */
  prefix: string;
  /** Text after the cursor (at least `suffixHeadChars`, or all of it). */
  suffix: string;
}

export interface CachedSuggestion {
  text: string;
  /** The suggestion's id, so feedback about a cached suggestion reaches the one first shown. */
  id?: string;
}

export interface CacheHit {
  /** What is left of the suggestion to show. */
  text: string;
  /** `exact`: the state the suggestion was made for; `typedAhead`: reached by typing through it. */
  kind: "exact" | "typedAhead";
  /** What the user typed of the suggestion since it was made. */
  typed: string;
  id?: string;
}

export interface CompletionCacheStats {
  hits: number;
  typedAheadHits: number;
  misses: number;
  states: number;
}

interface ForwardState {
  suggestion: CachedSuggestion;
  /** Characters of the suggestion already typed. */
  offset: number;
}

export class CompletionCache {
  private readonly options: CompletionCacheOptions;
  private readonly states: LRUCache<string, ForwardState>;
  private counts = { hits: 0, typedAheadHits: 0, misses: 0 };

  constructor(options: Partial<CompletionCacheOptions> = {}) {
    this.options = { ...defaultCompletionCacheOptions, ...options };
    this.states = new LRUCache<string, ForwardState>({
      max: this.options.maxStates,
      ...(this.options.ttlMs !== undefined ? { ttl: this.options.ttlMs } : {}),
    });
  }

  lookup(key: CompletionCacheKey): CacheHit | undefined {
    const { before, linePrefix } = splitAtLine(key.prefix);
    const state = this.states.get(this.stateKey(key, this.tail(before), key.suffix, linePrefix));
    if (!state) {
      this.counts.misses++;
      return undefined;
    }
    const kind = state.offset === 0 ? "exact" : "typedAhead";
    if (kind === "exact") this.counts.hits++;
    else this.counts.typedAheadHits++;
    const { text, id } = state.suggestion;
    return {
      text: text.slice(state.offset),
      kind,
      typed: text.slice(0, state.offset),
      ...(id ? { id } : {}),
    };
  }

  /** Remembers a suggestion made at `key`, and the states reached by typing through it. */
  store(key: CompletionCacheKey, suggestion: CachedSuggestion): void {
    const { text } = suggestion;
    if (text === "") return;
    const { before, linePrefix } = splitAtLine(key.prefix);
    const { maxForwardChars, maxForwardLines } = this.options;
    const lines = text.split("\n");
    let lineStart = 0;
    let tail = this.tail(before);
    for (let line = 0; line < lines.length && line <= maxForwardLines; line++) {
      const lineText = lines[line]!;
      const startOfLine = line === 0 ? linePrefix : "";
      for (let typed = 0; typed <= Math.min(lineText.length, maxForwardChars); typed++) {
        const offset = lineStart + typed;
        // Typing all of it leaves nothing to suggest: that state asks the model again.
        if (offset >= text.length) break;
        const stateKey = this.stateKey(key, tail, key.suffix, startOfLine + lineText.slice(0, typed));
        this.states.set(stateKey, { suggestion, offset });
      }
      // The next line's key: the text before it now ends with this line.
      tail = this.tail(`${tail}${startOfLine}${lineText}\n`);
      lineStart += lineText.length + 1;
    }
  }

  stats(): CompletionCacheStats {
    return { ...this.counts, states: this.states.size };
  }

  clear(): void {
    this.states.clear();
  }

  private tail(before: string): string {
    return before.length > this.options.prefixTailChars
      ? before.slice(-this.options.prefixTailChars)
      : before;
  }

  private stateKey(key: CompletionCacheKey, beforeTail: string, suffix: string, linePrefix: string): string {
    const head = suffix.slice(0, this.options.suffixHeadChars);
    return `${key.uri}\u0000${key.modelId}\u0000${hashText(beforeTail)}\u0000${hashText(head)}\u0000${linePrefix}`;
  }
}

function splitAtLine(prefix: string): { before: string; linePrefix: string } {
  const lineStart = prefix.lastIndexOf("\n") + 1;
  return { before: prefix.slice(0, lineStart), linePrefix: prefix.slice(lineStart) };
}

/**
 * A 64-bit hash as 16 hex digits: two FNV-1a passes over the UTF-16 code units with different offset bases.
 * Not cryptographic; collisions among a few thousand keys are vanishingly unlikely.
 */
export function hashText(text: string): string {
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    low = Math.imul(low ^ unit, 0x01000193);
    high = Math.imul(high ^ unit, 0x01000193) ^ (low >>> 15);
  }
  return (low >>> 0).toString(16).padStart(8, "0") + (high >>> 0).toString(16).padStart(8, "0");
}
