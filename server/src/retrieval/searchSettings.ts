/**
 * Search's tuning, with its defaults: candidates per retriever and the fusion weights. Not user settings; the
 * values were measured with `hearth eval retrieval`.
 */

import { defaultFusionConfig, type FusionConfig } from "./fuseRankings";

export const defaultSearchCandidates = 50;

/**
 * Hybrid search's retriever weights, measured with `hearth eval retrieval` on the labelled stdlib queries and
 * Hearth's tiny embedding model: equal weights gave recall@10 0.52 against 0.72 for BM25 alone (the weak
 * vector and name matches pushed good BM25 hits out); lexical 1, vector 0.25, symbol 0.1 gives 0.74.
 */
export const defaultSearchFusion: FusionConfig = {
  ...defaultFusionConfig,
  weights: { lexical: 1, vector: 0.25, symbol: 0.1 },
};
