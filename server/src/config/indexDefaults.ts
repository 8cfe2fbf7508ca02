/**
 * Default settings for indexing and search. The typed configs (`IndexConfig`, `FusionConfig`) have no
 * defaults of their own: front ends start from these values and override them from user settings.
 */

import type { IndexConfig } from "../index/indexSession";
import { defaultFusionConfig, type FusionConfig } from "../retrieval/fuseRankings";

export const defaultIndexConfig: IndexConfig = {
  crawl: { exclude: [], maxFileBytes: 1024 * 1024 },
  chunkTokens: 384,
  embedBatchSize: 16,
};

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
