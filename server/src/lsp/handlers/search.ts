/** `hearth/search`: hybrid search over the indexed workspace folders. */

import { pathToFileURL } from "node:url";
import type { IndexedWorkspaces } from "../../index/indexedWorkspaces";
import type { SearchParams, SearchResult } from "../../protocol";

export async function handleSearch(
  workspaces: IndexedWorkspaces,
  params: SearchParams,
  signal: AbortSignal,
): Promise<SearchResult> {
  const started = performance.now();
  const hits = await workspaces.search(params.query, params.k ?? 10, params.mode ?? "hybrid", signal);
  return {
    milliseconds: Math.round((performance.now() - started) * 100) / 100,
    hits: hits.map((hit) => ({
      uri: pathToFileURL(`${hit.root}/${hit.path}`).href,
      path: hit.path,
      startLine: hit.startLine,
      endLine: hit.endLine,
      score: hit.score,
      retrievers: hit.retrievers,
      text: hit.text,
    })),
  };
}
