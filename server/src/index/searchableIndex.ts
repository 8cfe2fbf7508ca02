/** What retrieval needs of an indexed folder, whether the server writes it or only reads it. */

/** What retrieval needs of a folder's index: where its database is, and how to embed a query for it. */
export interface SearchableIndex {
  root: string;
  databasePath: string;
  /** Absent when the index has no embedding model: search is then lexical and by symbol name only. */
  embedQuery?: ((text: string, signal?: AbortSignal) => Promise<Float32Array>) | undefined;
  /** Changes when the file is replaced (rebuilt after damage): a reader of the old file must reopen. */
  generation?: number;
  /** False while the index is being repaired: it is not searched then. */
  searchable?: boolean;
  /** A search met a damaged database (`SQLITE_CORRUPT`, ...): the index has it checked and rebuilt. */
  reportDamage?(reason: string): void;
}
