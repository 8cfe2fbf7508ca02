/**
 * Hybrid retrieval over a workspace index: BM25, vector KNN and symbol-name matches, fused by reciprocal
 * rank fusion. Without an embedding model it degrades to lexical and symbol retrieval.
 */

import type { IndexReader } from "../store/indexReader";
import { type FusionConfig, fuseRankings, type Ranking, type RetrieverName } from "./fuseRankings";

/** `lexical`: BM25 only; `vector`: embeddings only; `hybrid`: BM25, vectors and symbol names, fused. */
export type SearchMode = "hybrid" | "lexical" | "vector";

export interface SearchHit {
  path: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  score: number;
  retrievers: RetrieverName[];
  header: string;
  text: string;
}

export interface SearchRequest {
  query: string;
  mode: SearchMode;
  /** Candidates taken from each retriever before fusion. */
  candidates: number;
  fusion: FusionConfig;
}

/** Turns query text into an embedding; absent when no embedding model is loaded. */
export type QueryEmbedder = (text: string, signal?: AbortSignal) => Promise<Float32Array>;

export async function searchIndex(
  reader: IndexReader,
  request: SearchRequest,
  embedQuery: QueryEmbedder | undefined,
  signal?: AbortSignal,
  nowMs: number = Date.now(),
): Promise<SearchHit[]> {
  const rankings: Ranking[] = [];
  if (request.mode !== "vector") {
    const lexical = reader.lexical(request.query, request.candidates);
    rankings.push({ retriever: "lexical", chunkIds: lexical.map((hit) => hit.chunkId) });
  }
  if (request.mode === "hybrid") {
    const symbols = reader.symbols(request.query, request.candidates);
    rankings.push({ retriever: "symbol", chunkIds: symbols.map((hit) => hit.chunkId) });
  }
  if (request.mode !== "lexical" && embedQuery && reader.vectorSpace()) {
    const vector = await embedQuery(request.query, signal);
    rankings.push({
      retriever: "vector",
      chunkIds: reader.vector(vector, request.candidates).map((hit) => hit.chunkId),
    });
  }
  const candidateIds = [...new Set(rankings.flatMap((ranking) => ranking.chunkIds))];
  const chunks = reader.chunks(candidateIds);
  const fused = fuseRankings(rankings, (chunkId) => chunks.get(chunkId), request.fusion, nowMs);
  return fused.map((hit) => {
    const chunk = chunks.get(hit.chunkId)!;
    return {
      path: chunk.path,
      startLine: chunk.startLine,
      endLine: chunk.endLine,
      score: hit.score,
      retrievers: hit.retrievers,
      header: chunk.header,
      text: chunk.text,
    };
  });
}
