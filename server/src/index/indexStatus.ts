/**
 * One folder's index as the server reports it (state, counts, the last pass). The index capability turns it
 * into `hearth/status`'s wire type.
 */

export interface IndexStatus {
  root: string;
  state: "starting" | "idle" | "indexing" | "error";
  files: number;
  chunks: number;
  /** Chunk contents that have a vector; less than `chunks` while embedding runs or without a model. */
  embeddedChunks: number;
  embeddingModel: string | null;
  databasePath: string;
  /** Saved or changed files waiting for their update (at most about a second while saves keep coming). */
  queuedFiles: number;
  /** Files in the update the index host is working on now. `state` is `indexing` while either is above 0. */
  updatingFiles: number;
  lastPass?: { seconds: number; changedFiles: number; embeddedChunks: number; finishedAt: string };
  /** The last fault the index recovered from on its own: a damaged database rebuilt, a dead index host restarted. */
  lastRecovery?: { at: string; message: string };
  error?: string;
}
