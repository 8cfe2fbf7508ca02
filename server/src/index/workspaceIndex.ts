/**
 * One workspace folder's index as the server sees it: the index host that writes it, its state from what the
 * host reports, and the bookkeeping that turns editor events into index jobs (a full pass at startup and after
 * a branch switch, batched updates after saves and file-system changes).
 *
 * Faults it recovers from without a restart: a host that dies mid-job is restarted by its client and the
 * job runs again (a pass resumes, an update's files are queued again); a search (`retrieval/`) that meets a
 * damaged database reports it here, and the host checks and rebuilds the file while searches of this folder
 * pause. Status shows the last such recovery.
 */

import type { Logger } from "../base/logger";
import type { IndexTotals } from "../store/indexWriter";
import { markSuspect } from "../store/sqliteFile";
import { type IndexHostClient, IndexHostCrashError } from "./indexHostClient";
import type { IndexProgress } from "./indexRunner";
import type { IndexStatus } from "./indexStatus";
import type { SearchableIndex } from "./searchableIndex";
import { UpdateBatcher } from "./updateBatcher";

export interface WorkspaceIndexConfig {
  /** Saves and file events within this window are indexed together. */
  updateDelayMs: number;
  /** The longest a save waits for its update to start while saves keep coming (default 1 s). */
  maxUpdateDelayMs?: number;
}

export type ProgressSink = (progress: IndexProgress | "end") => void;

export class WorkspaceIndex implements SearchableIndex {
  private state: IndexStatus["state"] = "starting";
  private error: string | undefined;
  private lastPass: IndexStatus["lastPass"];
  /** Changes when the database file is replaced (a rebuild): searches then open it again. */
  generation = 0;
  private passRunning: Promise<void> | undefined;
  private passWanted = false;
  private readonly updates: UpdateBatcher;
  private totals: IndexTotals = { files: 0, chunks: 0, embeddedChunks: 0 };
  private lastRecovery: IndexStatus["lastRecovery"];
  private repairing: Promise<void> | undefined;
  /** The last repair found the file sound: a reader that meets damage again is taken at its word. */
  private repairFoundNothing = false;

  constructor(
    readonly root: string,
    readonly databasePath: string,
    private readonly host: IndexHostClient,
    config: WorkspaceIndexConfig,
    private readonly logger: Logger,
  ) {
    this.updates = new UpdateBatcher(
      { quietMs: config.updateDelayMs, maxWaitMs: config.maxUpdateDelayMs ?? 1_000 },
      (paths) => this.update(paths),
    );
    host.onEvent((event) => {
      if (event.kind === "totals") this.totals = event.totals;
      else if (event.kind === "rebuilt") {
        // Searches still have the old file open. A pass fills the new file (after the running one, if any:
        // files it already wrote are not read again).
        this.generation++;
        this.recovered(
          `the index was damaged (${event.reason}); kept it as ${event.movedTo} and rebuilt it from the workspace`,
          "warn",
        );
        void this.requestFullPass();
      } else this.recovered(`${event.reason}; started a new index host`);
    });
  }

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
        if (error instanceof IndexHostCrashError && error.restarting) {
          // Files written before the crash stay written: the new host's pass goes on from there.
          this.passWanted = true;
          this.recovered(
            `${error.message} during a pass; started a new index host and resumed the pass`,
            "info",
          );
          continue;
        }
        this.state = "error";
        this.error = error instanceof Error ? error.message : String(error);
        this.logger.error(`indexing ${this.root} failed`, error);
      } finally {
        sink?.("end");
      }
    } while (this.passWanted);
  }

  /**
   * Files saved, created, changed or deleted (paths relative to the root); indexed together shortly, and
   * within `maxUpdateDelayMs` even while more keep coming.
   */
  filesChanged(relativePaths: string[]): void {
    this.updates.add(relativePaths);
  }

  private async update(paths: string[]): Promise<void> {
    try {
      const result = await this.host.update(paths);
      this.logger.debug(
        `updated ${result.changedFiles} files, removed ${result.deletedFiles}, embedded ${result.embeddedChunks}`,
      );
    } catch (error) {
      if (error instanceof IndexHostCrashError && error.restarting) {
        this.recovered(
          `${error.message} during an update; started a new index host and queued the files again`,
          "info",
        );
        this.updates.add(paths);
        return;
      }
      this.logger.error(`updating the index for ${paths.length} files failed`, error);
    }
  }

  /** Embeds a search query with the index's own embedding model; absent when it has none. */
  get embedQuery(): ((text: string, signal?: AbortSignal) => Promise<Float32Array>) | undefined {
    return this.host.embeddingModel ? (text, signal) => this.host.embedQuery(text, signal) : undefined;
  }

  /** False while a damaged database is being checked and rebuilt: searches of this folder wait it out. */
  get searchable(): boolean {
    return this.repairing === undefined;
  }

  /** From what the index host last reported: status never reads the database. */
  status(): IndexStatus {
    const busy = this.updates.waitingFiles > 0 || this.updates.updatingFiles > 0 || this.repairing;
    return {
      root: this.root,
      state: this.state === "idle" && busy ? "indexing" : this.state,
      files: this.totals.files,
      chunks: this.totals.chunks,
      embeddedChunks: this.totals.embeddedChunks,
      queuedFiles: this.updates.waitingFiles,
      updatingFiles: this.updates.updatingFiles,
      embeddingModel: this.host.embeddingModel,
      databasePath: this.databasePath,
      ...(this.lastPass ? { lastPass: this.lastPass } : {}),
      ...(this.lastRecovery ? { lastRecovery: this.lastRecovery } : {}),
      ...(this.error
        ? { error: this.error }
        : this.host.embeddingError
          ? { error: this.host.embeddingError }
          : {}),
    };
  }

  /** A search met a damaged database: the host (the writer) checks the file and rebuilds it when damaged. */
  reportDamage(reason: string): void {
    markSuspect(this.databasePath, reason);
    if (this.repairing) return;
    this.logger.warn(
      `searching ${this.root} met a damaged index (${reason}); asking the index host to repair it`,
    );
    this.repairing = this.host
      .repair(reason, this.repairFoundNothing)
      .then((rebuilt) => {
        this.repairFoundNothing = !rebuilt;
      })
      .catch((error) => this.logger.error(`repairing the index of ${this.root} failed`, error))
      .finally(() => {
        this.repairing = undefined;
      });
  }

  /** Keeps a fault the index recovered from on its own for status, and logs it unless its source did. */
  private recovered(message: string, level?: "warn" | "info"): void {
    this.lastRecovery = { at: new Date().toISOString(), message };
    if (level) this.logger[level](`${this.root}: ${message}`);
  }

  dispose(): void {
    this.updates.dispose();
    this.host.dispose();
  }
}
