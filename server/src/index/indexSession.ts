/**
 * Everything one workspace index needs, assembled: the writer database, a parser backend, the chunk budget
 * and an optional embedder. Used by `hearth index` and by the server's background index host.
 *
 * A damaged database is repaired here, whenever it shows: SQLite reporting damage at open or in the middle
 * of a pass or an update moves the file aside, starts an empty one and runs a full pass into it (once per
 * call; damage again in the fresh file is an error). The index is derived data, so nothing is lost.
 */

import type { Logger } from "../base/logger";
import type { SecretScanOptions } from "../guardrails";
import {
  type Database,
  damageDetail,
  isDamagedDatabase,
  openIndexDatabase,
  recreateIndexDatabase,
} from "../store/database";
import { type IndexTotals, IndexWriter } from "../store/indexWriter";
import { integrityProblem } from "../store/sqliteFile";
import { chunkingVersion, createParserBackend, GrammarLoadError, parseAndChunk } from "../syntax";
import type { CrawlConfig } from "./crawler";
import {
  type ChunkEmbedder,
  type FileChunker,
  type IndexProgress,
  type IndexRunConfig,
  type IndexRunStats,
  runIndexPass,
  updateFiles,
} from "./indexRunner";
import { recordKnownIndex } from "./knownIndexes";

export interface IndexConfig {
  crawl: CrawlConfig;
  /** Chunk budget in the embedding model's tokens (capped by the model's own limit). */
  chunkTokens: number;
  embedBatchSize: number;
  /** The guardrails' secret scan for stored text (`hearth.guardrails.secrets.*`); `null`: redaction off. */
  secrets: SecretScanOptions | null;
}

export interface IndexSessionSetup {
  root: string;
  databasePath: string;
  config: IndexConfig;
  embedder: ChunkEmbedder | undefined;
  logger: Logger;
  /** Told once each time a damaged index was moved aside and rebuilt; without it, a warning is logged. */
  onRebuilt?: (notice: IndexRebuiltNotice) => void;
}

export interface IndexRebuiltNotice {
  movedTo: string;
  reason: string;
}

/** Without an embedding model, tokens are estimated at four characters each. */
const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export class IndexSession {
  private writer: IndexWriter;
  private database: Database;
  private readonly chunkFile: FileChunker;
  private readonly runConfig: IndexRunConfig;

  constructor(private readonly setup: IndexSessionSetup) {
    this.database = openIndexDatabase(setup.databasePath, {
      readonly: false,
      onRecreated: (movedTo, reason) => this.announceRebuild({ movedTo, reason }),
    });
    this.writer = new IndexWriter(this.database);
    try {
      recordKnownIndex(setup.root, setup.databasePath);
    } catch (error) {
      setup.logger.warn(`cannot note this index for \`hearth status\`: ${(error as Error).message}`);
    }
    const backend = createParserBackend({ logger: setup.logger });
    const embedder = setup.embedder;
    const chunkOptions = {
      maxTokens: Math.min(setup.config.chunkTokens, embedder?.maxTokens ?? Number.POSITIVE_INFINITY),
      countTokens: embedder ? (text: string) => embedder.countTokens(text) : estimateTokens,
    };
    this.chunkFile = async (path, text) => {
      let chunks: Awaited<ReturnType<typeof parseAndChunk>>;
      try {
        chunks = await parseAndChunk(backend, { path, text }, chunkOptions);
      } catch (error) {
        if (!(error instanceof GrammarLoadError)) throw error;
        setup.logger.warn(`${path}: ${error.message}; indexing it as plain text`);
        chunks = await parseAndChunk(backend, { path, text, language: "plaintext" }, chunkOptions);
      }
      return { language: chunks[0]?.language ?? null, chunks };
    };
    this.runConfig = {
      crawl: setup.config.crawl,
      embedBatchSize: setup.config.embedBatchSize,
      chunking: `chunker ${chunkingVersion}, at most ${chunkOptions.maxTokens} tokens of ${embedder?.modelId ?? "the estimate"}`,
    };
  }

  async runFullPass(
    onProgress?: (progress: IndexProgress) => void,
    signal?: AbortSignal,
  ): Promise<IndexRunStats> {
    try {
      return await this.fullPass(onProgress, signal);
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      this.rebuild(damageDetail(error));
      return this.fullPass(onProgress, signal);
    }
  }

  /** Re-indexes the given files; when the database turns out damaged, rebuilds it with a full pass instead. */
  async updateFiles(
    relativePaths: string[],
    signal?: AbortSignal,
  ): Promise<{ changedFiles: number; deletedFiles: number; embeddedChunks: number }> {
    try {
      return await updateFiles(this.setup.root, relativePaths, this.runConfig, this.parts(), signal);
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      this.rebuild(damageDetail(error));
      const stats = await this.fullPass(undefined, signal);
      return {
        changedFiles: stats.changedFiles,
        deletedFiles: stats.deletedFiles,
        embeddedChunks: stats.embeddedChunks,
      };
    }
  }

  /**
   * Another process met damage reading this index: checks it (SQLite's quick_check), or takes the report on
   * trust when `force`, and moves it aside when damaged. Returns whether it did; the caller then runs a full
   * pass to fill the new file.
   */
  repair(reason: string, force: boolean): boolean {
    const problem = force ? reason : integrityProblem(this.database);
    if (problem === undefined) return false;
    this.rebuild(force ? reason : `${reason}; quick_check found ${problem}`);
    return true;
  }

  /** Files, chunks and embedded chunks, consistent with each other; a damaged database is rebuilt first. */
  totals(): IndexTotals {
    try {
      return this.writer.totals();
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      this.rebuild(damageDetail(error));
      return this.writer.totals();
    }
  }

  private fullPass(onProgress?: (progress: IndexProgress) => void, signal?: AbortSignal) {
    return runIndexPass(this.setup.root, this.runConfig, this.parts(onProgress), signal);
  }

  private rebuild(reason: string): void {
    try {
      this.database.close();
    } catch (error) {
      this.setup.logger.debug(`closing the damaged index: ${error}`);
    }
    this.database = recreateIndexDatabase(this.setup.databasePath, reason, {
      onRecreated: (movedTo) => this.announceRebuild({ movedTo, reason }),
    });
    this.writer = new IndexWriter(this.database);
  }

  private announceRebuild(notice: IndexRebuiltNotice): void {
    if (this.setup.onRebuilt) this.setup.onRebuilt(notice);
    else {
      this.setup.logger.warn(
        `the index ${this.setup.databasePath} was damaged (${notice.reason}); kept it as ${notice.movedTo} ` +
          "and rebuilt the index from the workspace",
      );
    }
  }

  private parts(onProgress?: (progress: IndexProgress) => void) {
    return {
      writer: this.writer,
      chunkFile: this.chunkFile,
      embedder: this.setup.embedder,
      onProgress,
      onSkip: (path: string, reason: string, detail?: string) =>
        this.setup.logger.debug(`skipped ${JSON.stringify(path)}: ${reason}${detail ? ` (${detail})` : ""}`),
      onLegacyEncoding: (path: string, encoding: string) =>
        this.setup.logger.debug(`read ${JSON.stringify(path)} as ${encoding}: it is not valid UTF-8`),
      secrets: this.setup.config.secrets,
      onRedact: (path: string, redactions: { rule: string }[]) =>
        this.setup.logger.info(
          `${JSON.stringify(path)}: redacted ${redactions.length} secret(s) before indexing (${[...new Set(redactions.map((redaction) => redaction.rule))].join(", ")})`,
        ),
    };
  }

  close(): void {
    this.database.close();
  }
}
