/**
 * Read-only queries over a workspace index: full-text (BM25), vector and symbol-name lookups, and the
 * details of the chunks they find. Readers never block the writer (WAL).
 */

import type { Database } from "./database";
import { buildMatchExpression, type QueryClause, queryClauses, queryIdentifiers } from "./identifierWords";
import {
  defaultVectorSearchConfig,
  VectorSearch,
  type VectorSearchConfig,
  type VectorSearchMode,
} from "./vectorSearch";

export interface RankedChunk {
  chunkId: number;
  score: number;
}

export interface StoredChunk {
  chunkId: number;
  path: string;
  language: string | null;
  startLine: number;
  endLine: number;
  header: string;
  text: string;
  fileMtimeMs: number;
}

export interface IndexCounts {
  files: number;
  chunks: number;
  embeddings: number;
  symbols: number;
}

export class IndexReader {
  private readonly vectors: VectorSearch;

  constructor(
    private readonly database: Database,
    vectorConfig: VectorSearchConfig = defaultVectorSearchConfig,
  ) {
    this.vectors = new VectorSearch(database, vectorConfig);
  }

  /** BM25 over identifier-expanded words; path words count half. Higher score is better. */
  lexical(query: string, limit: number): RankedChunk[] {
    const expression = buildMatchExpression(this.selectiveClauses(queryClauses(query)));
    if (!expression) return [];
    const rows = this.database
      .prepare(
        "select rowid, bm25(chunks_fts, 1.0, 0.5) as rank from chunks_fts where chunks_fts match ? order by rank limit ?",
      )
      .all(expression, limit) as { rowid: number; rank: number }[];
    return rows.map((row) => ({ chunkId: row.rowid, score: -row.rank }));
  }

  /**
   * Leaves out clauses that match more than `commonFraction` of all chunks: BM25 gives them little weight,
   * yet ranking every chunk they match dominates query time on a large index. When every clause is common,
   * the rarest one is kept.
   */
  private selectiveClauses(clauses: QueryClause[], commonFraction = 0.05): QueryClause[] {
    if (clauses.length === 0) return clauses;
    const documents = Math.max(
      1,
      (this.database.prepare("select count(*) as count from chunks").get() as { count: number }).count,
    );
    const frequency = this.database.prepare("select doc from chunks_vocabulary where term = ?").pluck();
    const documentFrequency = (term: string) => (frequency.get(term) as number | undefined) ?? 0;
    const estimated = clauses.map((clause) => {
      const partsMatch = clause.parts.length ? Math.min(...clause.parts.map(documentFrequency)) : 0;
      return { clause, matches: documentFrequency(clause.whole) + partsMatch };
    });
    const selective = estimated.filter((entry) => entry.matches <= documents * commonFraction);
    if (selective.length) return selective.map((entry) => entry.clause);
    return [estimated.reduce((best, entry) => (entry.matches < best.matches ? entry : best)).clause];
  }

  /** Chunks whose content is nearest to the query vector. Identical chunks share a vector and all appear. */
  vector(query: Float32Array, limit: number, mode: VectorSearchMode = "auto"): RankedChunk[] {
    const hits = this.vectors.nearest(query, limit, mode);
    const chunksOf = this.database.prepare(
      "select c.id from chunks c join embeddings e on e.content_hash = c.content_hash where e.id = ? order by c.id",
    );
    const ranked: RankedChunk[] = [];
    for (const hit of hits) {
      for (const row of chunksOf.all(hit.embeddingId) as { id: number }[]) {
        ranked.push({ chunkId: row.id, score: hit.similarity });
      }
    }
    return ranked.slice(0, limit);
  }

  /** Chunks that define a symbol named like one of the query's identifiers (case-insensitive). */
  symbols(query: string, limit: number): RankedChunk[] {
    const names = queryIdentifiers(query);
    if (names.length === 0) return [];
    const rows = this.database
      .prepare(
        `select chunk_id, count(*) as matches from symbols
         where name collate nocase in (select value from json_each(?)) group by chunk_id order by matches desc, chunk_id limit ?`,
      )
      .all(JSON.stringify(names), limit) as { chunk_id: number; matches: number }[];
    return rows.map((row) => ({ chunkId: row.chunk_id, score: row.matches }));
  }

  chunks(ids: number[]): Map<number, StoredChunk> {
    const rows = this.database
      .prepare(
        `select c.id as chunkId, f.path, f.language, c.start_line as startLine, c.end_line as endLine, c.header, c.text,
                f.mtime_ms as fileMtimeMs
         from chunks c join files f on f.id = c.file_id where c.id in (select value from json_each(?))`,
      )
      .all(JSON.stringify(ids)) as StoredChunk[];
    return new Map(rows.map((row) => [row.chunkId, row]));
  }

  counts(): IndexCounts {
    const count = (table: string) =>
      (this.database.prepare(`select count(*) as count from ${table}`).get() as { count: number }).count;
    return {
      files: count("files"),
      chunks: count("chunks"),
      embeddings: count("embeddings"),
      symbols: count("symbols"),
    };
  }

  /** The embedding model the stored vectors came from, if any. */
  vectorSpace(): { modelId: string; dimension: number } | undefined {
    const row = this.database.prepare("select value from meta where key = 'vector_space'").get() as
      | { value: string }
      | undefined;
    return row ? JSON.parse(row.value) : undefined;
  }
}
