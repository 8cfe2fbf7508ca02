/**
 * The indexes of every workspace folder the editor opened, keyed by folder: routes file events to the
 * folder that contains them and merges search results across folders.
 */

import * as path from "node:path";
import type { IndexStatus } from "../protocol";
import type { SearchHit, SearchMode } from "../retrieval/searchIndex";
import type { ProgressSink, WorkspaceIndex } from "./workspaceIndex";

export interface RootedSearchHit extends SearchHit {
  root: string;
}

export class IndexedWorkspaces {
  private readonly indexes = new Map<string, WorkspaceIndex>();

  add(index: WorkspaceIndex, sink?: ProgressSink): void {
    this.indexes.set(index.root, index);
    void index.requestFullPass(sink);
  }

  /** The folder index containing an absolute path, with the path relative to it. */
  locate(absolutePath: string): { index: WorkspaceIndex; relativePath: string } | undefined {
    for (const index of this.indexes.values()) {
      const relative = path.relative(index.root, absolutePath);
      if (relative && !relative.startsWith("..") && !path.isAbsolute(relative)) {
        return { index, relativePath: relative.split(path.sep).join("/") };
      }
    }
    return undefined;
  }

  /** Saves and file-system events. A change of `.git/HEAD` (a branch switch) re-scans the folder. */
  filesChanged(absolutePaths: string[], sinkFor: (index: WorkspaceIndex) => ProgressSink | undefined): void {
    const byIndex = new Map<WorkspaceIndex, string[]>();
    for (const absolutePath of absolutePaths) {
      const located = this.locate(absolutePath);
      if (!located) continue;
      if (located.relativePath === ".git/HEAD") {
        void located.index.requestFullPass(sinkFor(located.index));
        continue;
      }
      if (located.relativePath.startsWith(".git/")) continue;
      byIndex.set(located.index, [...(byIndex.get(located.index) ?? []), located.relativePath]);
    }
    for (const [index, paths] of byIndex) index.filesChanged(paths);
  }

  async search(query: string, k: number, mode: SearchMode, signal?: AbortSignal): Promise<RootedSearchHit[]> {
    const perFolder = await Promise.all(
      [...this.indexes.values()].map(async (index) =>
        (await index.search(query, k, mode, signal)).map((hit) => ({ ...hit, root: index.root })),
      ),
    );
    return perFolder
      .flat()
      .sort((left, right) => right.score - left.score)
      .slice(0, k);
  }

  statuses(): IndexStatus[] {
    return [...this.indexes.values()].map((index) => index.status());
  }

  dispose(): void {
    for (const index of this.indexes.values()) index.dispose();
    this.indexes.clear();
  }
}
