/**
 * BM25 ranking of a query's words, chosen by how many chunks each word is found in:
 * - words found in fewer than the champion threshold of chunks (`commonDocuments`) are ranked by FTS5, rarest
 *   first, while the chunks they are found in add up to at most `rankedMatches` (FTS5 scores every such chunk);
 *   common words are then left out, as their IDF is low next to a rarer word's and each costs a scan of its
 *   whole posting list inside `bm25()`;
 * - a query of only common words is ranked from their champion lists (`lexicalChampions.ts`): each listed
 *   chunk scores IDF x weight summed over the query's words;
 * - common words without a list yet (the index grew past the threshold since the writer last counted) fall back
 *   to FTS5: the conjunction of the query's identifiers, ranked when it is small enough, else its first matches.
 *
 * Measured with `hearth eval retrieval` on the labelled stdlib queries (74k chunks): recall@10 0.72, as with the
 * clause-by-clause ranking this replaces; on `hearth bench retrieval`'s 200k chunks of common synthetic words
 * the lexical p95 fell from about 40 ms of CPU to under 10 (ARCHITECTURE.md, `server/src/store/`).
 */

import type { Database } from "./database";
import { buildMatchExpression, queryClauses } from "./identifierWords";
import {
  defaultChampionSettings,
  foldWord,
  inverseDocumentFrequency,
  minimumIdf,
  readChampionCounts,
} from "./lexicalChampions";

export interface RankedChunk {
  chunkId: number;
  score: number;
}

export function rankLexical(
  database: Database,
  query: string,
  limit: number,
  rankedMatches = 10_000,
): RankedChunk[] {
  const clauses = queryClauses(query);
  const words = [...new Set(clauses.flatMap((clause) => [clause.whole, ...clause.parts]).map(foldWord))];
  if (words.length === 0) return [];
  const counts = readChampionCounts(database);
  const listed = new Map(
    database
      .prepare("select term, documents from lexical_terms where term in (select value from json_each(?))")
      .raw()
      .all(JSON.stringify(words)) as [string, number][],
  );
  const commonDocuments = counts?.commonDocuments ?? defaultChampionSettings.commonDocuments;
  const countUpTo = database
    .prepare("select count(*) from (select rowid from chunks_fts where chunks_fts match ? limit ?)")
    .pluck();
  const rare = words
    .filter((word) => !listed.has(word))
    .map((word) => ({ word, matches: countUpTo.get(quote(word), commonDocuments + 1) as number }))
    .filter(({ matches }) => matches > 0 && matches <= commonDocuments)
    .sort((left, right) => left.matches - right.matches);
  if (rare.length > 0) {
    const chosen: string[] = [];
    let ranked = 0;
    for (const { word, matches } of rare) {
      if (chosen.length > 0 && ranked + matches > rankedMatches) break;
      chosen.push(word);
      ranked += matches;
    }
    return rankByFts(database, chosen.map(quote).join(" OR "), limit);
  }
  if (counts && listed.size > 0) return rankByChampions(database, listed, counts.documents, limit);
  const conjunction = buildMatchExpression(clauses, "AND")!;
  if ((countUpTo.get(conjunction, rankedMatches + 1) as number) <= rankedMatches) {
    return rankByFts(database, conjunction, limit);
  }
  const rows = database
    .prepare("select rowid from chunks_fts where chunks_fts match ? limit ?")
    .pluck()
    .all(conjunction, limit) as number[];
  return rows.map((chunkId, index) => ({ chunkId, score: -index }));
}

/**
 * The reference the bounds above are measured against: BM25 over every chunk any query identifier matches
 * (whole, or all its parts), with no word left out. Costs time in proportion to those chunks.
 */
export function rankLexicalExhaustively(database: Database, query: string, limit: number): RankedChunk[] {
  const expression = buildMatchExpression(queryClauses(query));
  return expression ? rankByFts(database, expression, limit) : [];
}

/** BM25 with path words counting half (`bm25.pathWeight`); higher is better. */
function rankByFts(database: Database, expression: string, limit: number): RankedChunk[] {
  const rows = database
    .prepare(
      "select rowid, bm25(chunks_fts, 1.0, 0.5) as rank from chunks_fts where chunks_fts match ? order by rank limit ?",
    )
    .raw()
    .all(expression, limit) as [number, number][];
  return rows.map(([chunkId, rank]) => ({ chunkId, score: -rank }));
}

function rankByChampions(
  database: Database,
  listed: Map<string, number>,
  documents: number,
  limit: number,
): RankedChunk[] {
  const weighted = [...listed].map(([word, containing]) => ({
    word,
    idf: inverseDocumentFrequency(documents, containing),
  }));
  // A word in half the chunks or more has the floor IDF: it orders chunks only when nothing else does.
  const informative = weighted.filter(({ idf }) => idf > minimumIdf);
  const entries = database.prepare("select chunk_id, weight from lexical_champions where term = ?").raw();
  const scores = new Map<number, number>();
  for (const { word, idf } of informative.length > 0 ? informative : weighted) {
    for (const [chunkId, weight] of entries.all(word) as [number, number][]) {
      scores.set(chunkId, (scores.get(chunkId) ?? 0) + idf * weight);
    }
  }
  return [...scores]
    .sort(([leftId, left], [rightId, right]) => right - left || leftId - rightId)
    .slice(0, limit)
    .map(([chunkId, score]) => ({ chunkId, score }));
}

function quote(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}
