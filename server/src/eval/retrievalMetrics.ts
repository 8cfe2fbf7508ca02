/**
 * Ranking metrics for retrieval evals, with binary relevance: recall@k (a relevant hit in the top k),
 * reciprocal rank, and nDCG@k. Pure functions over ranked relevance flags.
 */

/** `ranked[i]` says whether the hit at rank i+1 is relevant; `relevantCount` is how many relevant items exist. */
export interface RankedJudgement {
  ranked: boolean[];
  relevantCount: number;
}

export function recallAt(judgement: RankedJudgement, k: number): number {
  return judgement.ranked.slice(0, k).some(Boolean) ? 1 : 0;
}

export function reciprocalRank(judgement: RankedJudgement, k = 10): number {
  const rank = judgement.ranked.slice(0, k).indexOf(true);
  return rank === -1 ? 0 : 1 / (rank + 1);
}

export function ndcgAt(judgement: RankedJudgement, k: number): number {
  const gain = (relevant: boolean, index: number) => (relevant ? 1 / Math.log2(index + 2) : 0);
  const dcg = judgement.ranked.slice(0, k).reduce((sum, relevant, index) => sum + gain(relevant, index), 0);
  const ideal = Array.from({ length: Math.min(k, judgement.relevantCount) }, (_, index) =>
    gain(true, index),
  ).reduce((sum, value) => sum + value, 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

export interface RetrievalScores {
  queries: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
  ndcgAt10: number;
}

export function summarize(judgements: RankedJudgement[]): RetrievalScores {
  const mean = (score: (judgement: RankedJudgement) => number) =>
    judgements.length
      ? Math.round((judgements.reduce((sum, item) => sum + score(item), 0) / judgements.length) * 1000) / 1000
      : 0;
  return {
    queries: judgements.length,
    recallAt5: mean((judgement) => recallAt(judgement, 5)),
    recallAt10: mean((judgement) => recallAt(judgement, 10)),
    mrr: mean((judgement) => reciprocalRank(judgement, 10)),
    ndcgAt10: mean((judgement) => ndcgAt(judgement, 10)),
  };
}
