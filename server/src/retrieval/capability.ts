/** The search capability: `hearth/search`, hybrid search over every indexed workspace folder. */

import { pathToFileURL } from "node:url";
import { round } from "../base/numbers";
import { type CapabilityModule, onRequest } from "../capability/capability";
import { type SearchResult, searchRequest } from "../protocol";
import type { WorkspaceSearch } from "./workspaceSearch";

export interface SearchServices {
  search: WorkspaceSearch;
}

export const searchCapability: CapabilityModule<SearchServices, null> = {
  name: "search",
  settingsSections: [],
  resolveSettings: () => null,
  start({ search }) {
    return {
      requests: [
        onRequest(searchRequest, async (params, { signal }): Promise<SearchResult> => {
          const started = performance.now();
          const hits = await search.search(params.query, params.k ?? 10, params.mode ?? "hybrid", signal);
          return {
            milliseconds: round(performance.now() - started),
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
        }),
      ],
      dispose: () => {},
    };
  },
};
