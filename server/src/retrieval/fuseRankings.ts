/**
 * Reciprocal rank fusion: each retriever's ranking contributes 1 / (k + rank) to a chunk's score, so a
 * chunk that several retrievers rank well beats one that a single retriever ranks first. Then a recency
 * boost and a per-file cap. Pure: rankings in, ordered hits out.
 */

export type RetrieverName = "lexical" | "vector" | "symbol";

export interface Ranking {
  retriever: RetrieverName;
  /** Chunk ids, best first. */
  chunkIds: number[];
}

export interface FusionConfig {
  /** The RRF constant; 60 in the original paper and in Tabby. */
  rrfK: number;
  /** Each retriever's share: a rank counts `weight / (rrfK + rank)`. */
  weights: Record<RetrieverName, number>;
  /** Extra score for a file modified just now, halving every `recencyHalfLifeDays`. */
  recencyBoost: number;
  recencyHalfLifeDays: number;
  perFileCap: number;
  limit: number;
}

export const defaultFusionConfig: FusionConfig = {
  rrfK: 60,
  weights: { lexical: 1, vector: 1, symbol: 1 },
  recencyBoost: 0.002,
  recencyHalfLifeDays: 14,
  perFileCap: 3,
  limit: 10,
};

export interface FusedHit {
  chunkId: number;
  score: number;
  retrievers: RetrieverName[];
}

export interface ChunkFacts {
  path: string;
  fileMtimeMs: number;
}

export function fuseRankings(
  rankings: Ranking[],
  facts: (chunkId: number) => ChunkFacts | undefined,
  config: FusionConfig,
  nowMs: number,
): FusedHit[] {
  const fused = new Map<number, FusedHit>();
  for (const ranking of rankings) {
    ranking.chunkIds.forEach((chunkId, index) => {
      const hit = fused.get(chunkId) ?? { chunkId, score: 0, retrievers: [] };
      hit.score += config.weights[ranking.retriever] / (config.rrfK + index + 1);
      if (!hit.retrievers.includes(ranking.retriever)) hit.retrievers.push(ranking.retriever);
      fused.set(chunkId, hit);
    });
  }
  for (const hit of fused.values()) {
    const mtime = facts(hit.chunkId)?.fileMtimeMs;
    if (mtime === undefined) continue;
    const ageDays = Math.max(0, nowMs - mtime) / 86_400_000;
    hit.score += config.recencyBoost * 0.5 ** (ageDays / config.recencyHalfLifeDays);
  }
  const ordered = [...fused.values()].sort(
    (left, right) => right.score - left.score || left.chunkId - right.chunkId,
  );
  const perFile = new Map<string, number>();
  const kept: FusedHit[] = [];
  for (const hit of ordered) {
    const path = facts(hit.chunkId)?.path;
    if (path === undefined) continue;
    const count = perFile.get(path) ?? 0;
    if (count >= config.perFileCap) continue;
    perFile.set(path, count + 1);
    kept.push(hit);
    if (kept.length === config.limit) break;
  }
  return kept;
}
