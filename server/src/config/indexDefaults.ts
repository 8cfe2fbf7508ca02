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

export const defaultSearchFusion: FusionConfig = defaultFusionConfig;
