/**
 * The indexes of the workspace folders, keyed by folder: the index capability adds the folders it indexes,
 * file events are routed to the folder that contains them, and retrieval reads the list to search them all.
 * A folder can also be registered read-only (the CLI searching an existing database without an index host).
 */

import type { IndexStatus } from "./indexStatus";
import type { SearchableIndex } from "./searchableIndex";
import type { WorkspaceFolders } from "./workspaceFolders";
import type { ProgressSink, WorkspaceIndex } from "./workspaceIndex";

export class IndexedWorkspaces {
  private readonly indexes = new Map<string, WorkspaceIndex>();
  private readonly readOnly = new Map<string, SearchableIndex>();

  constructor(readonly folders: WorkspaceFolders) {}

  add(index: WorkspaceIndex, sink?: ProgressSink): void {
    this.indexes.set(index.root, index);
    void index.requestFullPass(sink);
  }

  /** An existing index database to search, with no index host behind it. */
  addReadOnly(index: SearchableIndex): void {
    this.readOnly.set(index.root, index);
  }

  /** Every index that can be searched, written ones first. */
  searchable(): SearchableIndex[] {
    return [...this.indexes.values(), ...this.readOnly.values()];
  }

  /** Saves and file-system events. A change of `.git/HEAD` (a branch switch) re-scans the folder. */
  filesChanged(
    absolutePaths: readonly string[],
    sinkFor: (index: WorkspaceIndex) => ProgressSink | undefined,
  ): void {
    const byIndex = new Map<WorkspaceIndex, string[]>();
    for (const absolutePath of absolutePaths) {
      const located = this.folders.locate(absolutePath);
      const index = located && this.indexes.get(located.root);
      if (!located || !index) continue;
      if (located.relativePath === ".git/HEAD") {
        void index.requestFullPass(sinkFor(index));
        continue;
      }
      if (located.relativePath.startsWith(".git/")) continue;
      byIndex.set(index, [...(byIndex.get(index) ?? []), located.relativePath]);
    }
    for (const [index, paths] of byIndex) index.filesChanged(paths);
  }

  statuses(): IndexStatus[] {
    return [...this.indexes.values()].map((index) => index.status());
  }

  /** Stops the index hosts (the capability restarts them with new settings); read-only entries stay. */
  disposeIndexes(): void {
    for (const index of this.indexes.values()) index.dispose();
    this.indexes.clear();
  }
}
