/**
 * Champion lists for full-text search. FTS5's BM25 costs time for every chunk a query word is found in, and its
 * document frequencies are recounted by scanning each word's whole posting list on every query, so a query made
 * only of words found in most chunks (`self`, `return`, a project's own prefix) is slow at 200k chunks. For each
 * word found in at least `commonDocuments` chunks the writer keeps, at index time, the chunks where that word
 * weighs most in BM25 (its length-normalised term-frequency part), and its document frequency; a query of only
 * such words is then ranked from those lists (the classic impact-ordered "champion list").
 *
 * A list holds every chunk whose weight for the word is above the list's `floor`: a new chunk joins when it
 * beats the floor, a deleted chunk leaves, and when a list reaches twice `listLength` its weakest entries are
 * dropped and the floor raised. Which words are common, and their document frequencies, are recounted from FTS5
 * after a fraction of the chunks changed; lists of newly common words are built from FTS5's postings a few at a
 * time, so that no single write waits long.
 */

import type { Database } from "./database";

export interface ChampionSettings {
  /** A word found in at least this many chunks gets a list; rarer words are ranked by FTS5 itself. */
  commonDocuments: number;
  /** Chunks a list keeps after a trim; it grows to twice this before the next one. */
  listLength: number;
  /** Recount common words once this fraction of the chunks counted last time were added or deleted. */
  recountFraction: number;
  /** Postings read per write to build lists of newly common words (at least one list is built). */
  buildBudget: number;
}

export const defaultChampionSettings: ChampionSettings = {
  commonDocuments: 5_000,
  listLength: 1_000,
  recountFraction: 0.2,
  buildBudget: 200_000,
};

/** FTS5's `bm25()` defaults, and the weight the index's path column gets in `IndexReader.lexical`. */
export const bm25 = { k1: 1.2, b: 0.75, pathWeight: 0.5 };

/** What the last recount found, stored in `meta` under `lexical_champions`; readers use it for IDF. */
export interface ChampionCounts {
  /** `commonDocuments` when the lists were counted. */
  commonDocuments: number;
  /** Chunks in the index at the last recount. */
  documents: number;
  /** Mean tokens per chunk (words and path) when the first lists were built; every weight uses it. */
  averageLength: number;
}

/** FTS5's unicode61 tokenizer folds case and (Latin) diacritics; list words are folded the same way. */
export function foldWord(word: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  return /[^\x00-\x7f]/.test(word)
    ? word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    : word.toLowerCase();
}

/**
 * Term frequencies of one chunk as FTS5 sees them (path words count `pathWeight`), and its length in tokens.
 * `only` keeps the counts of those words alone (the length still counts every word).
 */
export function termFrequencies(
  words: string,
  pathWords: string,
  only?: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): { frequencies: Map<string, number>; length: number } {
  const frequencies = new Map<string, number>();
  let length = 0;
  const add = (text: string, weight: number) => {
    for (const word of text.split(" ")) {
      if (!word) continue;
      length++;
      const folded = foldWord(word);
      if (only && !only.has(folded)) continue;
      frequencies.set(folded, (frequencies.get(folded) ?? 0) + weight);
    }
  };
  add(words, 1);
  add(pathWords, bm25.pathWeight);
  return { frequencies, length };
}

/** BM25's term-frequency part for one word in one chunk: what the word's IDF is multiplied by. */
export function championWeight(frequency: number, length: number, averageLength: number): number {
  const { k1, b } = bm25;
  return (frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * length) / averageLength));
}

/** FTS5's floor for BM25's IDF, which is negative for a word in more than half the chunks. */
export const minimumIdf = 1e-6;

/** BM25's inverse document frequency, floored like FTS5's. */
export function inverseDocumentFrequency(documents: number, containing: number): number {
  return Math.max(minimumIdf, Math.log((documents - containing + 0.5) / (containing + 0.5)));
}

export function readChampionCounts(database: Database): ChampionCounts | undefined {
  const row = database.prepare("select value from meta where key = 'lexical_champions'").get() as
    | { value: string }
    | undefined;
  return row ? (JSON.parse(row.value) as ChampionCounts) : undefined;
}

/**
 * Keeps the champion lists in step with the writer's changes. All calls happen inside the writer's
 * transactions; the in-memory state is a cache of what the tables say, loaded on first use.
 */
export class ChampionMaintenance {
  private state: MaintenanceState | undefined;

  constructor(
    private readonly database: Database,
    private readonly settings: ChampionSettings,
  ) {}

  /** A chunk was written with these FTS5 columns. */
  chunkAdded(chunkId: number, words: string, pathWords: string): void {
    const state = this.load();
    state.chunks++;
    state.changes++;
    const counts = state.counts;
    if (!counts || state.floors.size === 0) return;
    const { frequencies, length } = termFrequencies(words, pathWords, state.floors);
    for (const [word, frequency] of frequencies) {
      const floor = state.floors.get(word)!;
      const weight = championWeight(frequency, length, counts.averageLength);
      if (weight <= floor) continue;
      this.statements().insertEntry.run(word, weight, chunkId);
      state.sizes.set(word, (state.sizes.get(word) ?? 0) + 1);
      state.grown.add(word);
    }
  }

  /** The chunks of a file are about to be deleted. */
  fileChunksDeleting(fileId: number): void {
    const state = this.load();
    const removed = this.statements().deleteEntriesOfFile.run(fileId).changes;
    const chunks = this.statements().countChunksOfFile.get(fileId) as number;
    state.chunks -= chunks;
    state.changes += chunks;
    if (removed > 0) state.sizesExact = false;
  }

  /** At the end of a write transaction: trims grown lists, recounts when due, builds some pending lists. */
  writeFinished(): void {
    const state = this.state;
    if (!state) return;
    for (const word of state.grown) this.trimIfLong(state, word);
    state.grown.clear();
    const due = state.counts
      ? state.changes >= this.settings.recountFraction * state.counts.documents
      : state.chunks >= this.settings.commonDocuments;
    if (due) this.recount(state);
    if (state.pending.length > 0) this.buildPending(state);
  }

  /**
   * Recounts when due (or when `force`d) and builds every pending list, whatever the budget: for after a
   * full indexing pass, or an index upgraded from before champion lists.
   */
  catchUp(force: boolean): void {
    const state = this.load();
    if (force && state.chunks >= this.settings.commonDocuments) state.changes = Number.POSITIVE_INFINITY;
    this.writeFinished();
    while (state.pending.length > 0) this.buildPending(state);
  }

  private trimIfLong(state: MaintenanceState, word: string): void {
    const { listLength } = this.settings;
    if ((state.sizes.get(word) ?? 0) <= 2 * listLength) return;
    const statements = this.statements();
    if (!state.sizesExact) {
      const size = statements.countEntries.get(word) as number;
      state.sizes.set(word, size);
      if (size <= 2 * listLength) return;
    }
    const floor = statements.weightAtRank.get(word, listLength) as number;
    const removed = statements.deleteEntriesUpTo.run(word, floor).changes;
    state.sizes.set(word, (state.sizes.get(word) ?? 0) - removed);
    statements.setFloor.run(floor, word);
    state.floors.set(word, floor);
  }

  /**
   * Counts each word's chunks from FTS5: document frequencies of listed words are refreshed, lists of words
   * that became rare are dropped, and words that became common wait for their lists to be built.
   */
  private recount(state: MaintenanceState): void {
    const { commonDocuments } = this.settings;
    this.database.exec(
      "create virtual table if not exists temp.hearth_fts_rows using fts5vocab(main, 'chunks_fts', 'row')",
    );
    const frequent = this.database
      .prepare("select term, doc from temp.hearth_fts_rows where doc >= ?")
      .raw()
      .all(Math.ceil(commonDocuments / 2)) as [string, number][];
    const statements = this.statements();
    const found = new Map(frequent);
    for (const word of [...state.floors.keys()]) {
      const documents = found.get(word);
      if (documents === undefined) {
        statements.deleteEntries.run(word);
        statements.deleteWord.run(word);
        state.floors.delete(word);
        state.sizes.delete(word);
      } else statements.setDocuments.run(documents, word);
    }
    const listed = new Set(state.floors.keys());
    state.pending = frequent
      .filter(([word, documents]) => documents >= commonDocuments && !listed.has(word))
      .sort(([, left], [, right]) => left - right)
      .map(([word]) => word);
    const chunks = statements.countChunks.get() as number;
    state.chunks = chunks;
    state.changes = 0;
    state.counts = {
      commonDocuments,
      documents: chunks,
      averageLength: state.counts?.averageLength ?? this.averageLength(),
    };
    statements.setCounts.run(JSON.stringify(state.counts));
  }

  /** Builds lists for newly common words from FTS5's postings, until `buildBudget` postings were read. */
  private buildPending(state: MaintenanceState): void {
    const counts = state.counts!;
    this.database.exec(
      "create virtual table if not exists temp.hearth_fts_instances using fts5vocab(main, 'chunks_fts', 'instance')",
    );
    const statements = this.statements();
    const postings = this.database
      .prepare("select doc, col from temp.hearth_fts_instances where term = ?")
      .raw();
    const lengths = new Map<number, number>();
    let read = 0;
    while (state.pending.length > 0 && (read === 0 || read < this.settings.buildBudget)) {
      const word = state.pending.shift()!;
      const frequencies = new Map<number, number>();
      for (const [chunkId, column] of postings.iterate(word) as Iterable<[number, string]>) {
        const weight = column === "path" ? bm25.pathWeight : 1;
        frequencies.set(chunkId, (frequencies.get(chunkId) ?? 0) + weight);
        read++;
      }
      const ranked: [number, number][] = [];
      for (const [chunkId, frequency] of frequencies) {
        let length = lengths.get(chunkId);
        if (length === undefined) {
          length = this.chunkLength(chunkId);
          lengths.set(chunkId, length);
        }
        ranked.push([chunkId, championWeight(frequency, length, counts.averageLength)]);
      }
      ranked.sort(([leftId, left], [rightId, right]) => right - left || leftId - rightId);
      const kept = ranked.slice(0, this.settings.listLength);
      const floor = ranked[this.settings.listLength]?.[1] ?? 0;
      statements.insertWord.run(word, frequencies.size, floor);
      for (const [chunkId, weight] of kept)
        if (weight > floor) statements.insertEntry.run(word, weight, chunkId);
      state.floors.set(word, floor);
      state.sizes.set(word, kept.filter(([, weight]) => weight > floor).length);
    }
  }

  /** Tokens of a chunk in all FTS5 columns, from FTS5's own per-row sizes (one SQLite varint per column). */
  private chunkLength(chunkId: number): number {
    const sizes = this.statements().chunkSizes.get(chunkId) as Buffer | undefined;
    return sizes ? sumVarints(sizes) : 0;
  }

  private averageLength(): number {
    let total = 0;
    let rows = 0;
    for (const sizes of this.database
      .prepare("select sz from chunks_fts_docsize")
      .pluck()
      .iterate() as Iterable<Buffer>) {
      total += sumVarints(sizes);
      rows++;
    }
    return rows ? total / rows : 1;
  }

  private load(): MaintenanceState {
    if (this.state) return this.state;
    const floors = new Map(
      this.database.prepare("select term, floor from lexical_terms").raw().all() as [string, number][],
    );
    const sizes = new Map(
      this.database.prepare("select term, count(*) from lexical_champions group by term").raw().all() as [
        string,
        number,
      ][],
    );
    this.state = {
      counts: readChampionCounts(this.database),
      floors,
      sizes,
      sizesExact: true,
      grown: new Set(),
      pending: [],
      chunks: this.statements().countChunks.get() as number,
      changes: 0,
    };
    return this.state;
  }

  private prepared: ReturnType<ChampionMaintenance["prepare"]> | undefined;

  private statements() {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  private prepare() {
    const database = this.database;
    return {
      insertEntry: database.prepare(
        "insert into lexical_champions (term, weight, chunk_id) values (?, ?, ?)",
      ),
      deleteEntriesOfFile: database.prepare(
        "delete from lexical_champions where chunk_id in (select id from chunks where file_id = ?)",
      ),
      countChunksOfFile: database.prepare("select count(*) from chunks where file_id = ?").pluck(),
      countChunks: database.prepare("select count(*) from chunks").pluck(),
      countEntries: database.prepare("select count(*) from lexical_champions where term = ?").pluck(),
      weightAtRank: database
        .prepare("select weight from lexical_champions where term = ? order by weight desc limit 1 offset ?")
        .pluck(),
      deleteEntriesUpTo: database.prepare("delete from lexical_champions where term = ? and weight <= ?"),
      deleteEntries: database.prepare("delete from lexical_champions where term = ?"),
      deleteWord: database.prepare("delete from lexical_terms where term = ?"),
      insertWord: database.prepare(
        "insert or replace into lexical_terms (term, documents, floor) values (?, ?, ?)",
      ),
      setFloor: database.prepare("update lexical_terms set floor = ? where term = ?"),
      setDocuments: database.prepare("update lexical_terms set documents = ? where term = ?"),
      setCounts: database.prepare(
        "insert into meta (key, value) values ('lexical_champions', ?) on conflict(key) do update set value = excluded.value",
      ),
      chunkSizes: database.prepare("select sz from chunks_fts_docsize where id = ?").pluck(),
    };
  }
}

interface MaintenanceState {
  counts: ChampionCounts | undefined;
  /** Listed words and their floors. */
  floors: Map<string, number>;
  /** Entries per listed word; an overestimate after deletions until recounted (`sizesExact`). */
  sizes: Map<string, number>;
  sizesExact: boolean;
  /** Words that got entries in the current write. */
  grown: Set<string>;
  /** Common words whose lists are still to be built. */
  pending: string[];
  /** Chunks in the index now, and chunks added or deleted since the last recount. */
  chunks: number;
  changes: number;
}

function sumVarints(bytes: Uint8Array): number {
  let total = 0;
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      total += value;
      value = 0;
    }
  }
  return total;
}
