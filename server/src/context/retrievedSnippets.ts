/**
 * Snippets retrieved from the workspace index for the code around the cursor, prepared in the background
 * so that the keystroke path only reads memory. After a completion request, the identifiers near the
 * cursor become a search query; its hits are kept per document and used by the next keystrokes (a few
 * seconds stale at worst). Refreshes are rate-limited and skipped when the query did not change.
 */

import type { SnippetCandidate } from "../completion/pipeline";
import { cursorQueryWindow } from "../completion/pipeline";

export interface RetrievedHit {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
}

export type SnippetSearch = (query: string, k: number) => Promise<RetrievedHit[]>;

export interface RetrievedSnippetsConfig {
  /** Lines above the cursor whose identifiers form the query. */
  queryLines: number;
  hits: number;
  minRefreshIntervalMs: number;
  /**
   * Leave out every hit from the document's own file. Evals complete masked copies of indexed files, whose
   * indexed chunks would hold the answer; in the editor a far part of the same file is useful context.
   */
  excludeOwnFile: boolean;
}

export const defaultRetrievedSnippetsConfig: RetrievedSnippetsConfig = {
  queryLines: 12,
  hits: 6,
  minRefreshIntervalMs: 1_000,
  excludeOwnFile: false,
};

interface Entry {
  query: string;
  refreshedAt: number;
  candidates: SnippetCandidate[];
  running: boolean;
}

export class RetrievedSnippets {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly search: SnippetSearch,
    private readonly config: RetrievedSnippetsConfig = defaultRetrievedSnippetsConfig,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The latest snippets for a document; never waits. */
  candidates(uri: string): SnippetCandidate[] {
    return this.entries.get(uri)?.candidates ?? [];
  }

  /** Starts a background refresh for the code before `offset`, unless one ran recently for the same query. */
  refresh(uri: string, path: string, text: string, offset: number, now = Date.now()): Promise<void> {
    const query = retrievalQuery(cursorQueryWindow(text, offset, this.config.queryLines));
    const entry = this.entries.get(uri) ?? { query: "", refreshedAt: 0, candidates: [], running: false };
    this.entries.set(uri, entry);
    if (!query || entry.running || entry.query === query) return Promise.resolve();
    if (now - entry.refreshedAt < this.config.minRefreshIntervalMs) return Promise.resolve();
    entry.running = true;
    entry.refreshedAt = now;
    return this.search(query, this.config.hits)
      .then((hits) => {
        entry.query = query;
        entry.candidates = hits
          .filter((hit) => hit.path !== path || (!this.config.excludeOwnFile && !text.includes(hit.text)))
          .map((hit, rank) => ({
            source: "retrieval",
            path: hit.path,
            text: hit.text,
            score: 0.5 / (rank + 1),
          }));
      })
      .catch(this.onError)
      .finally(() => {
        entry.running = false;
      });
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}

/** The distinct identifiers of the code before the cursor, latest last, as a search query. */
export function retrievalQuery(window: string, maxIdentifiers = 24): string {
  const identifiers = window.match(/[A-Za-z_][A-Za-z0-9_]{2,}/g) ?? [];
  const distinct = [...new Set(identifiers.reverse())].slice(0, maxIdentifiers).reverse();
  return distinct.join(" ");
}
