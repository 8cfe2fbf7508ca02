/**
 * Read-only queries over a workspace index: full-text (BM25), vector and symbol-name lookups, and the
 * details of the chunks they find. Readers never block the writer (WAL).
 */

import type { Database } from "./database";
import { queryIdentifiers } from "./identifierWords";
import { type RankedChunk, rankLexical, rankLexicalExhaustively } from "./lexicalSearch";
import {
  defaultVectorSearchConfig,
  VectorSearch,
  type VectorSearchConfig,
  type VectorSearchMode,
} from "./vectorSearch";

export type { RankedChunk };

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

export interface StoredDefinition {
  path: string;
  name: string;
  kind: string;
  /** 0-based line of the name. */
  line: number;
  /** 0-based lines of the chunk that holds it. */
  chunkStartLine: number;
  chunkEndLine: number;
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
   * BM25 over identifier-expanded words; path words count half. Higher score is better. `exhaustive` ranks every
   * matching chunk with no word left out: the reference for benchmarks (`lexicalSearch.ts`).
   */
  lexical(query: string, limit: number, mode: "bounded" | "exhaustive" = "bounded"): RankedChunk[] {
    return mode === "exhaustive"
      ? rankLexicalExhaustively(this.database, query, limit)
      : rankLexical(this.database, query, limit);
  }

  /** Chunks whose content is nearest to the query vector. Identical chunks share a vector and all appear. */
  vector(query: Float32Array, limit: number, mode: VectorSearchMode = "auto"): RankedChunk[] {
    const hits = this.vectors.nearest(query, limit, mode);
    const rows = this.database
      .prepare(
        `select e.id as embeddingId, c.id as chunkId from embeddings e join chunks c on c.content_hash = e.content_hash
         where e.id in (select value from json_each(?)) order by c.id`,
      )
      .all(JSON.stringify(hits.map((hit) => hit.embeddingId))) as { embeddingId: number; chunkId: number }[];
    const chunksByEmbedding = new Map<number, number[]>();
    for (const row of rows) {
      const chunkIds = chunksByEmbedding.get(row.embeddingId) ?? [];
      chunkIds.push(row.chunkId);
      chunksByEmbedding.set(row.embeddingId, chunkIds);
    }
    return hits
      .flatMap((hit) =>
        (chunksByEmbedding.get(hit.embeddingId) ?? []).map((chunkId) => ({ chunkId, score: hit.similarity })),
      )
      .slice(0, limit);
  }

  /**
   * Chunks that define a symbol named like one of the query's identifiers (case-insensitive), most names
   * first. A name defined in more than `commonDefinitions` chunks (`__init__`, `constructor`) says nothing
   * about which one is meant, and is left out.
   */
  symbols(query: string, limit: number, commonDefinitions = 200): RankedChunk[] {
    const definitions = this.database
      .prepare("select chunk_id from symbols where name = ? collate nocase limit ?")
      .pluck();
    const matches = new Map<number, number>();
    for (const name of queryIdentifiers(query)) {
      const chunkIds = definitions.all(name, commonDefinitions + 1) as number[];
      if (chunkIds.length > commonDefinitions) continue;
      for (const chunkId of new Set(chunkIds)) matches.set(chunkId, (matches.get(chunkId) ?? 0) + 1);
    }
    return [...matches]
      .sort(([leftId, left], [rightId, right]) => right - left || leftId - rightId)
      .slice(0, limit)
      .map(([chunkId, score]) => ({ chunkId, score }));
  }

  /**
   * Every definition the index knows (name, kind, the line of its name, and the chunk holding it), up to
   * `limit`, in file order: the input of chat's repository map and of `@symbol` lookups.
   */
  definitions(limit: number, name?: string): StoredDefinition[] {
    return this.database
      .prepare(
        `select f.path, s.name, s.kind, s.line, c.start_line as chunkStartLine, c.end_line as chunkEndLine
         from symbols s join files f on f.id = s.file_id join chunks c on c.id = s.chunk_id
         ${name === undefined ? "" : "where s.name = ? collate nocase"}
         order by f.path, s.line limit ?`,
      )
      .all(...(name === undefined ? [limit] : [name, limit])) as StoredDefinition[];
  }

  /** Each indexed file's chunk texts joined, file by file (for reference counting over the whole workspace). */
  *fileTexts(): IterableIterator<{ path: string; text: string }> {
    let current: { path: string; parts: string[] } | undefined;
    for (const row of this.database
      .prepare(
        "select f.path, c.text from chunks c join files f on f.id = c.file_id order by f.path, c.ordinal",
      )
      .iterate() as IterableIterator<{ path: string; text: string }>) {
      if (current && current.path !== row.path) {
        yield { path: current.path, text: current.parts.join("\n") };
        current = undefined;
      }
      current ??= { path: row.path, parts: [] };
      current.parts.push(row.text);
    }
    if (current) yield { path: current.path, text: current.parts.join("\n") };
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
