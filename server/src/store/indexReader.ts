/**
 * Read-only queries over a workspace index: full-text (BM25), vector and symbol-name lookups, and the
 * details of the chunks they find. Readers never block the writer (WAL).
 */

import type { Database } from "./database";
import { buildMatchExpression, queryClauses, queryIdentifiers } from "./identifierWords";
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

  /**
   * BM25 over identifier-expanded words; path words count half. Higher score is better.
   *
   * Ranking costs time for every chunk a query matches, and a word found in most chunks (`self`, `return`)
   * adds little to BM25 anyway, so clauses matching more than `commonMatches` chunks are left out (counting
   * stops at the cap, so the check is cheap). When every clause is that common, their conjunction is ranked
   * if it is selective enough; otherwise its first matches are returned unranked.
   */
  lexical(query: string, limit: number, commonMatches = 1500): RankedChunk[] {
    const clauses = queryClauses(query);
    if (clauses.length === 0) return [];
    const countUpTo = this.database
      .prepare("select count(*) from (select rowid from chunks_fts where chunks_fts match ? limit ?)")
      .pluck();
    const isSelective = (expression: string) =>
      (countUpTo.get(expression, commonMatches + 1) as number) <= commonMatches;
    const rare = clauses.filter((clause) => isSelective(buildMatchExpression([clause])!));
    let expression = buildMatchExpression(rare);
    if (!expression) {
      const conjunction = buildMatchExpression(clauses, "AND")!;
      if (!isSelective(conjunction)) {
        const rows = this.database
          .prepare("select rowid from chunks_fts where chunks_fts match ? limit ?")
          .pluck()
          .all(conjunction, limit) as number[];
        return rows.map((chunkId, index) => ({ chunkId, score: -index }));
      }
      expression = conjunction;
    }
    const rows = this.database
      .prepare(
        "select rowid, bm25(chunks_fts, 1.0, 0.5) as rank from chunks_fts where chunks_fts match ? order by rank limit ?",
      )
      .all(expression, limit) as { rowid: number; rank: number }[];
    return rows.map((row) => ({ chunkId: row.rowid, score: -row.rank }));
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
