/**
 * Messages between the language server and its index host, the child process that owns a workspace's
 * index (the single writer) and its embedding model. Plain data over Node IPC.
 */

import type { ModelsSettings } from "../models";
import type { IndexTotals } from "../store/indexWriter";
import type { IndexProgress, IndexRunStats } from "./indexRunner";
import type { IndexConfig } from "./indexSession";

export interface IndexHostSetup {
  root: string;
  databasePath: string;
  config: IndexConfig;
  /** Model settings for the embedding role; `null` keeps the index lexical only. */
  models: ModelsSettings | null;
  /**
   * The embedding role runs on a remote engine: the host waits for an `apiKeys` message before it calls it.
   * Keys travel over IPC only, never on the command line.
   */
  waitForApiKeys?: boolean;
}

export type IndexHostRequest =
  | { kind: "fullPass"; id: number }
  | { kind: "update"; id: number; paths: string[] }
  | { kind: "embedQuery"; id: number; text: string }
  /** A reader in the server met damage: check the database (or trust the report when `force`) and rebuild it. */
  | { kind: "repair"; id: number; reason: string; force: boolean }
  | { kind: "cancel"; id: number }
  | { kind: "apiKeys"; keys: Record<string, string> };

/** Replies carry the index's totals after every job, and now and then during one, so status reads no database. */
export type IndexHostReply =
  | { kind: "ready"; embeddingModel: string | null; embeddingError: string | null; totals: IndexTotals }
  | { kind: "progress"; id: number; progress: IndexProgress; totals?: IndexTotals }
  | { kind: "passDone"; id: number; stats: IndexRunStats; totals: IndexTotals }
  | {
      kind: "updateDone";
      id: number;
      changedFiles: number;
      deletedFiles: number;
      embeddedChunks: number;
      totals: IndexTotals;
    }
  | { kind: "repaired"; id: number; rebuilt: boolean; totals: IndexTotals }
  | { kind: "vector"; id: number; vector: number[] }
  | { kind: "failed"; id: number; message: string; cancelled: boolean }
  /** Unasked: the database was found damaged, moved aside and started anew (a full pass fills it). */
  | { kind: "rebuilt"; movedTo: string; reason: string };
