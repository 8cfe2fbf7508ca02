/**
 * The index schema as numbered migrations. Migration N moves a database from `user_version` N to N+1;
 * never edit a released migration, add a new one.
 *
 * Layout: `files` (one row per indexed file), `chunks` (one row per chunk occurrence, with its text),
 * `chunks_fts` (contentless FTS5 over identifier-expanded words, rowid = chunk id), `symbols`,
 * `embeddings` (one vector per distinct chunk content hash, so identical chunks are embedded once, stored as
 * float32 plus a sign-bit code and an int8 copy for fast scans) and
 * `vec_embeddings` (sqlite-vec, created for the embedding model's dimension by `ensureVectorSpace`).
 * Migration 2 adds the champion lists of common words (`lexical_terms`, `lexical_champions`, see
 * `lexicalChampions.ts`); an index from before it gets its lists built by the writer's next changes.
 */

import type { Database } from "./database";

export const migrations: ((database: Database) => void)[] = [
  (database) => {
    database.exec(`
      create table meta (key text primary key, value text not null);
      create table files (
        id integer primary key,
        path text not null unique,
        content_hash text not null,
        size integer not null,
        mtime_ms integer not null,
        language text,
        indexed_at integer not null
      );
      create table chunks (
        id integer primary key,
        file_id integer not null references files(id) on delete cascade,
        ordinal integer not null,
        start_line integer not null,
        end_line integer not null,
        content_hash text not null,
        header text not null,
        text text not null,
        unique (file_id, ordinal)
      );
      create index chunks_by_content on chunks(content_hash);
      create table symbols (
        id integer primary key,
        file_id integer not null references files(id) on delete cascade,
        chunk_id integer not null references chunks(id) on delete cascade,
        name text not null,
        kind text not null,
        line integer not null
      );
      create index symbols_by_name on symbols(name collate nocase);
      create index symbols_by_file on symbols(file_id);
      create virtual table chunks_fts using fts5(
        words, path, tokenize = "unicode61 tokenchars '_'", content = '', contentless_delete = 1
      );

      create table embeddings (
        id integer primary key,
        content_hash text not null unique,
        vector blob not null,
        code blob not null,
        quantized blob not null,
        scale real not null
      );
    `);
  },
  (database) => {
    database.exec(`
      create table lexical_terms (
        term text primary key,
        documents integer not null,
        floor real not null
      ) without rowid;
      create table lexical_champions (
        term text not null,
        weight real not null,
        chunk_id integer not null,
        primary key (term, weight, chunk_id)
      ) without rowid;
      create index lexical_champions_by_chunk on lexical_champions(chunk_id);
    `);
  },
];
