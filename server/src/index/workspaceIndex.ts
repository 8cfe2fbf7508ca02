/**
 * One workspace folder's index as the server sees it: the index host that writes it, a read-only view for
 * its counts, and the bookkeeping that turns editor events into index jobs (a full pass at startup and after
 * a branch switch, batched updates after saves and file-system changes).
 */

import type { Logger } from "../base/logger";
import { type Database, openIndexDatabase } from "../store/database";
import { IndexReader } from "../store/indexReader";
import type { IndexHostClient } from "./indexHostClient";
import type { IndexProgress } from "./indexRunner";
import type { IndexStatus } from "./indexStatus";
import type { SearchableIndex } from "./searchableIndex";

export interface WorkspaceIndexConfig {
  /** Saves and file events within this window are indexed together. */
  updateDelayMs: number;
}

export type ProgressSink = (progress: IndexProgress | "end") => void;

export class WorkspaceIndex implements SearchableIndex {
  private state: IndexStatus["state"] = "starting";
  private error: string | undefined;
  private lastPass: IndexStatus["lastPass"];
  private database: Database | undefined;
  private reader: IndexReader | undefined;
  private passRunning: Promise<void> | undefined;
  private passWanted = false;
  private readonly changedPaths = new Set<string>();
  private updateTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly root: string,
    readonly databasePath: string,
    private readonly host: IndexHostClient,
    private readonly config: WorkspaceIndexConfig,
    private readonly logger: Logger,
  ) {}

  /** Runs a full pass now, or once more after the running one. Progress goes to `sink`. */
  requestFullPass(sink?: ProgressSink): Promise<void> {
    if (this.passRunning) {
      this.passWanted = true;
      return this.passRunning;
    }
    this.passRunning = this.runPasses(sink).finally(() => {
      this.passRunning = undefined;
    });
    return this.passRunning;
  }

  private async runPasses(sink?: ProgressSink): Promise<void> {
    do {
      this.passWanted = false;
      this.state = "indexing";
      try {
        await this.host.start();
        const stats = await this.host.fullPass((progress) => sink?.(progress));
        this.lastPass = {
          seconds: Math.round(stats.seconds * 100) / 100,
          changedFiles: stats.changedFiles,
          embeddedChunks: stats.embeddedChunks,
          finishedAt: new Date().toISOString(),
        };
        this.state = "idle";
        this.error = undefined;
        this.logger.info(
          `indexed ${this.root}: ${stats.files} files, ${stats.changedFiles} changed, ${stats.chunks} chunks, ` +
            `${stats.embeddedChunks} embedded in ${this.lastPass.seconds}s`,
        );
      } catch (error) {
        this.state = "error";
        this.error = error instanceof Error ? error.message : String(error);
        this.logger.error(`indexing ${this.root} failed`, error);
      } finally {
        sink?.("end");
      }
    } while (this.passWanted);
  }

  /** Files saved, created, changed or deleted (paths relative to the root); indexed together shortly. */
  filesChanged(relativePaths: string[]): void {
    for (const path of relativePaths) this.changedPaths.add(path);
    clearTimeout(this.updateTimer);
    this.updateTimer = setTimeout(() => void this.flushUpdates(), this.config.updateDelayMs);
  }

  private async flushUpdates(): Promise<void> {
    const paths = [...this.changedPaths];
    this.changedPaths.clear();
    if (paths.length === 0) return;
    try {
      const result = await this.host.update(paths);
      this.logger.debug(
        `updated ${result.changedFiles} files, removed ${result.deletedFiles}, embedded ${result.embeddedChunks}`,
      );
    } catch (error) {
      this.logger.error(`updating the index for ${paths.length} files failed`, error);
    }
  }

  /** Embeds a search query with the index's own embedding model; absent when it has none. */
  get embedQuery(): ((text: string, signal?: AbortSignal) => Promise<Float32Array>) | undefined {
    return this.host.embeddingModel ? (text, signal) => this.host.embedQuery(text, signal) : undefined;
  }

  status(): IndexStatus {
    const counts = this.openReader()?.counts();
    return {
      root: this.root,
      state: this.state,
      files: counts?.files ?? 0,
      chunks: counts?.chunks ?? 0,
      embeddedChunks: counts?.embeddings ?? 0,
      embeddingModel: this.host.embeddingModel,
      databasePath: this.databasePath,
      ...(this.lastPass ? { lastPass: this.lastPass } : {}),
      ...(this.error
        ? { error: this.error }
        : this.host.embeddingError
          ? { error: this.host.embeddingError }
          : {}),
    };
  }

  /** The read-only view, once the host has created the database. */
  private openReader(): IndexReader | undefined {
    if (this.reader) return this.reader;
    try {
      this.database = openIndexDatabase(this.databasePath, { readonly: true });
      this.reader = new IndexReader(this.database);
    } catch {
      return undefined;
    }
    return this.reader;
  }

  dispose(): void {
    clearTimeout(this.updateTimer);
    this.host.dispose();
    this.database?.close();
  }
}
