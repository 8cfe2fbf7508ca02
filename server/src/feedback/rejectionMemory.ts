/**
 * Suggestions the user rejected, by the context they were rejected in, so the same suggestion is not shown
 * again there (typing a wrong character and deleting it, or coming back to the same spot, would otherwise
 * bring it straight back from the cache). Pure and in memory: the keystroke path reads it without I/O.
 *
 * A context is the document plus the last `prefixChars` before the cursor and the first `suffixChars` after
 * it; the entry is that context's hash with the hash of the suggestion's text. Bounded: at most `capacity`
 * entries (least recently rejected go first), each forgotten after `ttlMs`.
 */

export interface RejectionMemoryOptions {
  capacity: number;
  ttlMs: number;
  prefixChars: number;
  suffixChars: number;
}

export const defaultRejectionMemoryOptions: RejectionMemoryOptions = {
  capacity: 1000,
  ttlMs: 24 * 60 * 60 * 1000,
  prefixChars: 512,
  suffixChars: 256,
};

export interface CursorContext {
  uri: string;
  /** Text before the cursor (only its tail is used). */
  prefix: string;
  /** Text after the cursor (only its head is used). */
  suffix: string;
}

export class RejectionMemory {
  private readonly entries = new Map<string, number>();

  constructor(private readonly options: RejectionMemoryOptions = defaultRejectionMemoryOptions) {}

  get size(): number {
    return this.entries.size;
  }

  reject(context: CursorContext, text: string, now: number): void {
    if (!text) return;
    const key = this.key(context, text);
    this.entries.delete(key);
    this.entries.set(key, now);
    while (this.entries.size > this.options.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  isRejected(context: CursorContext, text: string, now: number): boolean {
    const key = this.key(context, text);
    const at = this.entries.get(key);
    if (at === undefined) return false;
    if (now - at > this.options.ttlMs) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  clear(): void {
    this.entries.clear();
  }

  private key(context: CursorContext, text: string): string {
    const prefix = context.prefix.slice(-this.options.prefixChars);
    const suffix = context.suffix.slice(0, this.options.suffixChars);
    return `${hash53(`${context.uri}\u0000${prefix}\u0000${suffix}`)}:${hash53(text)}:${text.length}`;
  }
}

/** cyrb53: a fast 53-bit string hash; collisions only cost a suggestion not shown once. */
export function hash53(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
