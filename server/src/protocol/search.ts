/** `hearth/search`: hybrid search over the workspace index, for editors, the CLI and tests. */

import { z } from "zod";
import { defineRequest } from "./descriptors";

/** `hearth/search`: hybrid search over the workspace index. */
export const searchRequest = defineRequest<SearchParams, SearchResult>(
  "hearth/search",
  z.object({
    query: z.string().trim().min(1, "query must be a non-empty string"),
    k: z.number().int().min(1).max(1000).optional(),
    mode: z.enum(["hybrid", "lexical", "vector"]).optional(),
  }),
);

export interface SearchParams {
  query: string;
  /** Number of hits, 1 to 1000; default 10. */
  k?: number | undefined;
  mode?: "hybrid" | "lexical" | "vector" | undefined;
}

export interface SearchResult {
  hits: SearchHitInfo[];
  milliseconds: number;
}

export interface SearchHitInfo {
  /** The file's URI. */
  uri: string;
  /** Relative to the workspace folder. */
  path: string;
  /** 0-based, inclusive. */
  startLine: number;
  endLine: number;
  score: number;
  retrievers: ("lexical" | "vector" | "symbol")[];
  text: string;
}
