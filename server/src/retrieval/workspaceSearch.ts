/**
 * The read side of search across every indexed workspace folder: one read-only connection per index database
 * (WAL: searches never wait for the index host writing it), opened when first needed, and hybrid search over
 * each folder with the results merged by score. A search that meets a damaged database closes its connection,
 * answers without that folder and tells the index, which has the file checked and rebuilt; the connection is
 * opened again once the index reports a new file.
 */

import type { Logger } from "../base/logger";
import type { IndexedWorkspaces } from "../index/indexedWorkspaces";
import type { SearchableIndex } from "../index/searchableIndex";
import { type Database, damageDetail, isDamagedDatabase, openIndexDatabase } from "../store/database";
import { IndexReader } from "../store/indexReader";
import { type SearchHit, type SearchMode, searchIndex } from "./searchIndex";
import { defaultSearchCandidates, defaultSearchFusion } from "./searchSettings";

export interface RootedSearchHit extends SearchHit {
  root: string;
}

interface OpenReader {
  database: Database;
  reader: IndexReader;
  generation: number | undefined;
}

export class WorkspaceSearch {
  private readonly readers = new Map<string, OpenReader>();

  constructor(
    private readonly indexes: IndexedWorkspaces,
    private readonly logger: Logger,
  ) {}

  async search(query: string, k: number, mode: SearchMode, signal?: AbortSignal): Promise<RootedSearchHit[]> {
    const perFolder = await Promise.all(
      this.indexes.searchable().map(async (index) => {
        const reader = this.readerFor(index);
        if (!reader) return [];
        try {
          const hits = await searchIndex(
            reader,
            {
              query,
              mode,
              candidates: defaultSearchCandidates,
              fusion: { ...defaultSearchFusion, limit: k },
            },
            index.embedQuery,
            signal,
          );
          return hits.map((hit) => ({ ...hit, root: index.root }));
        } catch (error) {
          if (!isDamagedDatabase(error)) throw error;
          this.metDamage(index, damageDetail(error));
          return [];
        }
      }),
    );
    return perFolder
      .flat()
      .sort((left, right) => right.score - left.score)
      .slice(0, k);
  }

  /**
   * Reads every searchable index with `read` (chat's repository map, `@symbol` lookups), folder by folder;
   * folders whose database does not exist yet are skipped.
   */
  readEach<T>(read: (reader: IndexReader, root: string) => T): T[] {
    const results: T[] = [];
    for (const index of this.indexes.searchable()) {
      const reader = this.readerFor(index);
      if (!reader) continue;
      try {
        results.push(read(reader, index.root));
      } catch (error) {
        if (!isDamagedDatabase(error)) throw error;
        this.metDamage(index, damageDetail(error));
      }
    }
    return results;
  }

  /** The index's read-only view, once its database exists (the index host creates it on its first pass). */
  private readerFor(index: SearchableIndex): IndexReader | undefined {
    if (index.searchable === false) return undefined;
    const open = this.readers.get(index.databasePath);
    if (open && open.generation === index.generation) return open.reader;
    if (open) this.close(index.databasePath);
    try {
      const database = openIndexDatabase(index.databasePath, { readonly: true });
      const reader = new IndexReader(database);
      this.readers.set(index.databasePath, { database, reader, generation: index.generation });
      return reader;
    } catch (error) {
      if (isDamagedDatabase(error)) this.metDamage(index, damageDetail(error));
      else this.logger.debug(`search: ${index.databasePath} is not readable yet: ${error}`);
      return undefined;
    }
  }

  private metDamage(index: SearchableIndex, reason: string): void {
    this.close(index.databasePath);
    if (index.reportDamage) index.reportDamage(reason);
    else
      this.logger.warn(
        `search: ${index.databasePath} is damaged (${reason}); run \`hearth index\` to rebuild it`,
      );
  }

  private close(databasePath: string): void {
    try {
      this.readers.get(databasePath)?.database.close();
    } catch {}
    this.readers.delete(databasePath);
  }

  dispose(): void {
    for (const { database } of this.readers.values()) database.close();
    this.readers.clear();
  }
}
