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
  lastPass?: { seconds: number; changedFiles: number; embeddedChunks: number; finishedAt: string };
  error?: string;
}
