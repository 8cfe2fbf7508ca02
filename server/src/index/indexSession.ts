/**
 * Everything one workspace index needs, assembled: the writer database, a parser backend, the chunk budget
 * and an optional embedder. Used by `hearth index` and by the server's background index host.
 */

import type { Logger } from "../base/logger";
import type { SecretScanOptions } from "../guardrails";
import { type Database, openIndexDatabase } from "../store/database";
import { IndexWriter } from "../store/indexWriter";
import { createParserBackend, GrammarLoadError, parseAndChunk } from "../syntax";
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
}

/** Without an embedding model, tokens are estimated at four characters each. */
const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export class IndexSession {
  readonly writer: IndexWriter;
  private readonly database: Database;
  private readonly chunkFile: FileChunker;
  private readonly runConfig: IndexRunConfig;

  constructor(private readonly setup: IndexSessionSetup) {
    this.database = openIndexDatabase(setup.databasePath, {
      readonly: false,
      onRecreated: (movedTo, reason) =>
        setup.logger.warn(`the index was damaged (${reason}); moved it to ${movedTo} and started a new one`),
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
    this.runConfig = { crawl: setup.config.crawl, embedBatchSize: setup.config.embedBatchSize };
  }

  runFullPass(onProgress?: (progress: IndexProgress) => void, signal?: AbortSignal): Promise<IndexRunStats> {
    return runIndexPass(this.setup.root, this.runConfig, this.parts(onProgress), signal);
  }

  updateFiles(relativePaths: string[], signal?: AbortSignal) {
    return updateFiles(this.setup.root, relativePaths, this.runConfig, this.parts(), signal);
  }

  private parts(onProgress?: (progress: IndexProgress) => void) {
    return {
      writer: this.writer,
      chunkFile: this.chunkFile,
      embedder: this.setup.embedder,
      onProgress,
      onSkip: (path: string, reason: string, detail?: string) =>
        this.setup.logger.debug(`skipped ${path}: ${reason}${detail ? ` (${detail})` : ""}`),
      secrets: this.setup.config.secrets,
      onRedact: (path: string, redactions: { rule: string }[]) =>
        this.setup.logger.info(
          `${path}: redacted ${redactions.length} secret(s) before indexing (${[...new Set(redactions.map((redaction) => redaction.rule))].join(", ")})`,
        ),
    };
  }

  close(): void {
    this.database.close();
  }
}
