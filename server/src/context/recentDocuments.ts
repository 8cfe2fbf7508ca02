/**
 * The documents the user recently edited or looked at, most recent first, for the "similar code in recent
 * files" context of a completion. In memory only: texts are read through the getters the LSP layer supplies
 * (its open-document store), never from disk.
 */

import type { SimilarityDocument } from "../completion/pipeline";

interface RecentDocument {
  uri: string;
  path: string;
  text: () => string | undefined;
  lastUsed: number;
}

export class RecentDocuments {
  private readonly documents = new Map<string, RecentDocument>();

  constructor(private readonly limit = 10) {}

  /** A document was opened, changed or completed in. */
  touch(uri: string, path: string, text: () => string | undefined, now = Date.now()): void {
    this.documents.delete(uri);
    this.documents.set(uri, { uri, path, text, lastUsed: now });
    if (this.documents.size > this.limit) {
      const oldest = this.documents.keys().next().value;
      if (oldest !== undefined) this.documents.delete(oldest);
    }
  }

  forget(uri: string): void {
    this.documents.delete(uri);
  }

  /** Every recent document but `uri`, most recent first, with its current text. */
  others(uri: string): SimilarityDocument[] {
    const result: SimilarityDocument[] = [];
    for (const document of [...this.documents.values()].reverse()) {
      if (document.uri === uri) continue;
      const text = document.text();
      if (text !== undefined) result.push({ path: document.path, text });
    }
    return result;
  }
}
