/**
 * The single writer of a workspace index. Each file's update is one transaction, so a process killed
 * mid-index leaves every file either fully old or fully new, and the next run resumes from there.
 */

import type { Database } from "./database";
import { expandForIndex } from "./identifierWords";
import { ChampionMaintenance, type ChampionSettings, defaultChampionSettings } from "./lexicalChampions";
import { normalize, quantizeInt8, signCode, toBlob } from "./vectorCodes";

export interface StoredFileState {
  id: number;
  size: number;
  mtimeMs: number;
  contentHash: string;
}

export interface FileRecord {
  path: string;
  contentHash: string;
  size: number;
  mtimeMs: number;
  language: string | null;
}

export interface SymbolRecord {
  name: string;
  kind: string;
  line: number;
}

export interface ChunkRecord {
  startLine: number;
  endLine: number;
  /** Hash of the embedding input (header and text): equal hashes share one embedding. */
  contentHash: string;
  header: string;
  text: string;
  symbols: SymbolRecord[];
}

export interface PendingEmbedding {
  contentHash: string;
  header: string;
  text: string;
}

export interface IndexTotals {
  files: number;
  chunks: number;
  /** Chunks whose content has a vector: never more than `chunks`. */
  embeddedChunks: number;
}

export interface VectorSpace {
  modelId: string;
  dimension: number;
}

export class IndexWriter {
  private readonly champions: ChampionMaintenance;

  constructor(
    private readonly database: Database,
    championSettings: ChampionSettings = defaultChampionSettings,
  ) {
    this.champions = new ChampionMaintenance(database, championSettings);
  }

  fileStates(): Map<string, StoredFileState> {
    const rows = this.database.prepare("select id, path, size, mtime_ms, content_hash from files").all() as {
      id: number;
      path: string;
      size: number;
      mtime_ms: number;
      content_hash: string;
    }[];
    return new Map(
      rows.map((row) => [
        row.path,
        { id: row.id, size: row.size, mtimeMs: row.mtime_ms, contentHash: row.content_hash },
      ]),
    );
  }

  counts(): { files: number; chunks: number } {
    const count = (table: string) =>
      (this.database.prepare(`select count(*) as count from ${table}`).get() as { count: number }).count;
    return { files: count("files"), chunks: count("chunks") };
  }

  /**
   * Files, chunks and the chunks that have a vector, read in one transaction so they add up (the embeddings
   * table itself also holds vectors of contents no chunk has any more, until the next garbage collection).
   * Walks every chunk: tens of milliseconds per 10k chunks.
   */
  totals(): IndexTotals {
    return this.database.transaction(() => ({
      ...this.counts(),
      embeddedChunks: this.database
        .prepare(
          "select count(*) from chunks c where exists (select 1 from embeddings e where e.content_hash = c.content_hash)",
        )
        .pluck()
        .get() as number,
    }))();
  }

  /** Records a new mtime for a file whose content did not change. */
  touchFile(path: string, size: number, mtimeMs: number): void {
    this.database.prepare("update files set size = ?, mtime_ms = ? where path = ?").run(size, mtimeMs, path);
  }

  /** Replaces everything stored for one file, in one transaction. */
  replaceFile(file: FileRecord, chunks: ChunkRecord[]): void {
    this.database.transaction(() => {
      this.writeFileRows(file, chunks);
      this.champions.writeFinished();
    })();
  }

  private writeFileRows(file: FileRecord, chunks: ChunkRecord[]): void {
    this.deleteFileRows(file.path);
    const fileId = Number(
      this.database
        .prepare(
          "insert into files (path, content_hash, size, mtime_ms, language, indexed_at) values (?, ?, ?, ?, ?, ?)",
        )
        .run(file.path, file.contentHash, file.size, file.mtimeMs, file.language, Date.now()).lastInsertRowid,
    );
    const insertChunk = this.database.prepare(
      "insert into chunks (file_id, ordinal, start_line, end_line, content_hash, header, text) values (?, ?, ?, ?, ?, ?, ?)",
    );
    const insertWords = this.database.prepare("insert into chunks_fts (rowid, words, path) values (?, ?, ?)");
    const insertSymbol = this.database.prepare(
      "insert into symbols (file_id, chunk_id, name, kind, line) values (?, ?, ?, ?, ?)",
    );
    const pathWords = expandForIndex(file.path);
    chunks.forEach((chunk, ordinal) => {
      const chunkId = insertChunk.run(
        fileId,
        ordinal,
        chunk.startLine,
        chunk.endLine,
        chunk.contentHash,
        chunk.header,
        chunk.text,
      ).lastInsertRowid;
      const words = expandForIndex(`${chunk.header}\n${chunk.text}`);
      insertWords.run(chunkId, words, pathWords);
      this.champions.chunkAdded(Number(chunkId), words, pathWords);
      for (const symbol of chunk.symbols)
        insertSymbol.run(fileId, chunkId, symbol.name, symbol.kind, symbol.line);
    });
  }

  /**
   * Brings the champion lists of common words fully up to date now (normally they follow writes, a few lists
   * at a time): recounts which words are common when `recount` or when due, and builds every missing list.
   */
  updateChampionLists(recount = false): void {
    this.database.transaction(() => this.champions.catchUp(recount))();
  }

  deleteFiles(paths: string[]): void {
    this.database.transaction(() => {
      for (const path of paths) this.deleteFileRows(path);
      this.champions.writeFinished();
    })();
  }

  private deleteFileRows(path: string): void {
    const file = this.database.prepare("select id from files where path = ?").get(path) as
      | { id: number }
      | undefined;
    if (!file) return;
    // FTS5 rows and champion-list entries have no foreign key: remove them before the chunks they describe.
    this.champions.fileChunksDeleting(file.id);
    this.database
      .prepare("delete from chunks_fts where rowid in (select id from chunks where file_id = ?)")
      .run(file.id);
    this.database.prepare("delete from files where id = ?").run(file.id);
  }

  /**
   * Makes the vector table match the embedding model. A different model or dimension makes every stored
   * vector meaningless, so they are dropped and re-embedded.
   */
  ensureVectorSpace(space: VectorSpace): void {
    const current = this.readMeta("vector_space");
    const wanted = JSON.stringify(space);
    const tableExists = this.database
      .prepare("select 1 from sqlite_master where name = 'vec_embeddings'")
      .get() as unknown;
    if (current === wanted && tableExists) return;
    this.database.transaction(() => {
      this.database.exec("drop table if exists vec_embeddings; delete from embeddings;");
      this.database.exec(
        `create virtual table vec_embeddings using vec0(embedding float[${space.dimension}] distance_metric=cosine)`,
      );
      this.writeMeta("vector_space", wanted);
      this.bumpGeneration(true);
    })();
  }

  /** Distinct chunk contents that have no embedding yet. */
  pendingEmbeddings(limit: number): PendingEmbedding[] {
    return this.database
      .prepare(
        `select c.content_hash as contentHash, min(c.header) as header, min(c.text) as text
         from chunks c left join embeddings e on e.content_hash = c.content_hash
         where e.id is null group by c.content_hash limit ?`,
      )
      .all(limit) as PendingEmbedding[];
  }

  countPendingEmbeddings(): number {
    return (
      this.database
        .prepare(
          `select count(distinct c.content_hash) as count from chunks c
           left join embeddings e on e.content_hash = c.content_hash where e.id is null`,
        )
        .get() as { count: number }
    ).count;
  }

  addEmbeddings(items: { contentHash: string; vector: Float32Array }[]): void {
    const insert = this.database.prepare(
      "insert or ignore into embeddings (content_hash, vector, code, quantized, scale) values (?, ?, ?, ?, ?)",
    );
    const insertVector = this.database.prepare("insert into vec_embeddings (rowid, embedding) values (?, ?)");
    this.database.transaction(() => {
      for (const item of items) {
        const vector = normalize(item.vector);
        const { quantized, scale } = quantizeInt8(vector);
        const result = insert.run(
          item.contentHash,
          toBlob(vector),
          toBlob(signCode(vector)),
          toBlob(quantized),
          scale,
        );
        if (result.changes) insertVector.run(BigInt(result.lastInsertRowid), vector);
      }
      this.bumpGeneration(false);
    })();
  }

  /** Drops embeddings no chunk refers to any more. */
  collectGarbage(): number {
    return this.database.transaction(() => {
      const orphans = this.database
        .prepare("select id from embeddings where content_hash not in (select content_hash from chunks)")
        .all() as { id: number }[];
      if (orphans.length === 0) return 0;
      const deleteVector = this.database.prepare("delete from vec_embeddings where rowid = ?");
      const deleteEmbedding = this.database.prepare("delete from embeddings where id = ?");
      for (const orphan of orphans) {
        deleteVector.run(BigInt(orphan.id));
        deleteEmbedding.run(orphan.id);
      }
      this.bumpGeneration(true);
      return orphans.length;
    })();
  }

  /** Readers reload their in-memory vector codes when these counters move. */
  private bumpGeneration(removed: boolean): void {
    this.writeMeta("embeddings_generation", String(Number(this.readMeta("embeddings_generation") ?? 0) + 1));
    if (removed) {
      this.writeMeta(
        "embeddings_removal_generation",
        String(Number(this.readMeta("embeddings_removal_generation") ?? 0) + 1),
      );
    }
  }

  /** The stamp of how this index's chunks were made (see `IndexRunConfig.chunking`); none before the first pass. */
  chunking(): string | undefined {
    return this.readMeta("chunking");
  }

  setChunking(stamp: string): void {
    this.writeMeta("chunking", stamp);
  }

  private readMeta(key: string): string | undefined {
    return (
      this.database.prepare("select value from meta where key = ?").get(key) as { value: string } | undefined
    )?.value;
  }

  private writeMeta(key: string, value: string): void {
    this.database
      .prepare(
        "insert into meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value",
      )
      .run(key, value);
  }
}
