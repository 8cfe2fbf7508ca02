/** `hearth index <dir>` and `hearth search "<query>"`: the workspace index from a terminal. */

import { statSync } from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import type { Logger } from "../../base/logger";
import { round } from "../../base/numbers";
import { defaultIndexPath } from "../../index/indexLocation";
import { IndexSession } from "../../index/indexSession";
import { defaultIndexConfig } from "../../index/indexSettings";
import type { ModelEngine } from "../../models";
import { type QueryEmbedder, type SearchMode, searchIndex } from "../../retrieval/searchIndex";
import { defaultSearchCandidates, defaultSearchFusion } from "../../retrieval/searchSettings";
import { openIndexDatabase } from "../../store/database";
import { IndexReader } from "../../store/indexReader";
import { createCliEngine, embeddingSettings, optionalEmbedder, stderrLogger } from "../cliEngine";
import { createProgressReporter } from "../progressReporter";
import { CliError, indexReadFailure, integerAtLeast, printable } from "./cliErrors";

interface IndexOptions {
  db?: string;
  json?: boolean;
  vectors: boolean;
  embedding?: string;
  exclude?: string[];
  maxFileBytes?: number;
  verbose?: boolean;
}

export function registerIndexCommands(program: Command): void {
  program
    .command("index")
    .description("index a folder (incremental: unchanged files are not read again)")
    .argument("<dir>", "the workspace folder")
    .option("--db <file>", "the index database (default: one file per workspace in Hearth's cache folder)")
    .option("--exclude <glob...>", "extra gitignore-style patterns to leave out")
    .option("--max-file-bytes <n>", "skip larger files", integerAtLeast(1))
    .option("--embedding <model>", "embedding model: catalog id or .gguf path (default: Hearth's tiny model)")
    .option("--no-vectors", "full-text and symbols only, no embeddings")
    .option("--json", "print one JSON object")
    .option("--verbose", "log every skipped file")
    .action(async (dir: string, options: IndexOptions) => {
      const root = existingFolder(dir);
      const databasePath = path.resolve(options.db ?? defaultIndexPath(root));
      const logger = stderrLogger(options.verbose);
      const engine = createCliEngine(embeddingSettings(options.embedding), logger);
      const progress = createProgressReporter();
      const abort = new AbortController();
      process.once("SIGINT", () => abort.abort());
      let session: IndexSession | undefined;
      try {
        const embedder = options.vectors
          ? await optionalEmbedder(engine, logger, "indexing without vectors")
          : undefined;
        session = new IndexSession({
          root,
          databasePath,
          config: {
            ...defaultIndexConfig,
            crawl: {
              exclude: options.exclude ?? defaultIndexConfig.crawl.exclude,
              maxFileBytes: options.maxFileBytes ?? defaultIndexConfig.crawl.maxFileBytes,
            },
          },
          embedder,
          logger,
        });
        const stats = await session.runFullPass((update) => {
          progress.update(
            update.done,
            update.total,
            update.phase === "embedding" ? "embedding chunks" : "scanning files",
          );
        }, abort.signal);
        progress.stop();
        const seconds = Math.max(stats.seconds, 1e-6);
        const report = {
          root,
          databasePath,
          files: stats.files,
          changedFiles: stats.changedFiles,
          deletedFiles: stats.deletedFiles,
          chunks: stats.chunks,
          skipped: stats.skipped,
          legacyEncodings: stats.legacyEncodings,
          seconds: round(stats.seconds),
          filesPerSecond: round(stats.files / seconds),
          chunksPerSecond: round(stats.chunks / seconds),
          embeddedChunks: stats.embeddedChunks,
          pendingEmbeddings: stats.pendingEmbeddings,
          embeddingModel: embedder?.modelId ?? null,
          dbBytes: databaseBytes(databasePath),
          peakRssMb: round(process.resourceUsage().maxRSS / 1024),
        };
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else {
          process.stdout.write(
            `indexed ${report.files} files (${report.changedFiles} changed, ${report.deletedFiles} removed) into ` +
              `${report.chunks} chunks in ${report.seconds}s; ${report.embeddedChunks} chunks embedded\n` +
              `skipped: ${JSON.stringify(report.skipped)}\n` +
              (Object.keys(report.legacyEncodings).length
                ? `not UTF-8, read as: ${JSON.stringify(report.legacyEncodings)}\n`
                : "") +
              `index: ${printable(databasePath)} (${report.dbBytes} bytes)\n`,
          );
        }
      } finally {
        progress.stop();
        session?.close();
        await engine.dispose();
      }
    });

  program
    .command("search")
    .description("search an index: BM25, vectors and symbols fused by reciprocal rank")
    .argument("<query>", "words, identifiers or a question")
    .option("--db <file>", "the index database")
    .option("--root <dir>", "the workspace whose default index to use", ".")
    .option("-k, --k <n>", "number of hits", integerAtLeast(1), 10)
    .addOption(
      new Option("--mode <mode>", "hybrid, lexical or vector")
        .choices(["hybrid", "lexical", "vector"])
        .default("hybrid"),
    )
    .option(
      "--embedding <model>",
      "the embedding model the index was built with (default: Hearth's tiny model)",
    )
    .option("--json", "print the hits as JSON")
    .action(
      async (
        query: string,
        options: {
          db?: string;
          root: string;
          k: number;
          mode: SearchMode;
          embedding?: string;
          json?: boolean;
        },
      ) => {
        const databasePath = path.resolve(options.db ?? defaultIndexPath(path.resolve(options.root)));
        let database: ReturnType<typeof openIndexDatabase>;
        try {
          database = openIndexDatabase(databasePath, { readonly: true });
        } catch (error) {
          throw indexReadFailure(error, databasePath);
        }
        const logger = stderrLogger();
        const engine = createCliEngine(embeddingSettings(options.embedding), logger);
        try {
          let hits: Awaited<ReturnType<typeof searchIndex>>;
          let started: number;
          try {
            const reader = new IndexReader(database);
            const embedQuery = await queryEmbedder(engine, reader, options.mode, logger);
            started = performance.now();
            hits = await searchIndex(
              reader,
              {
                query,
                mode: options.mode,
                candidates: defaultSearchCandidates,
                fusion: { ...defaultSearchFusion, limit: options.k },
              },
              embedQuery,
            );
          } catch (error) {
            throw indexReadFailure(error, databasePath);
          }
          const milliseconds = round(performance.now() - started);
          if (options.json) {
            const output = hits.map(({ text, header, ...hit }) => ({
              ...hit,
              score: round(hit.score * 1e4) / 1e4,
              preview: text.slice(0, 200),
            }));
            process.stdout.write(`${JSON.stringify({ query, milliseconds, hits: output }, null, 2)}\n`);
            return;
          }
          for (const hit of hits) {
            const firstLine = hit.text.split("\n").find((line) => line.trim()) ?? "";
            process.stdout.write(
              `${printable(hit.path)}:${hit.startLine + 1}-${hit.endLine + 1}  [${hit.retrievers.join("+")}] ` +
                `${printable(firstLine.trim().slice(0, 80))}\n`,
            );
          }
          process.stderr.write(`${hits.length} hits in ${milliseconds} ms\n`);
        } finally {
          database.close();
          await engine.dispose();
        }
      },
    );
}

/**
 * The query embedder, when the index holds vectors from the same model; otherwise the search runs on
 * full text and symbols, with a warning (vectors from another model would rank nonsense).
 */
async function queryEmbedder(
  engine: ModelEngine,
  reader: IndexReader,
  mode: SearchMode,
  logger: Logger,
): Promise<QueryEmbedder | undefined> {
  const space = reader.vectorSpace();
  if (mode === "lexical" || !space) return undefined;
  try {
    const embedder = await engine.embedder();
    if (embedder.modelId !== space.modelId) {
      logger.warn(
        `the index's vectors come from ${space.modelId}, not ${embedder.modelId}; searching without them`,
      );
      return undefined;
    }
    return async (text, signal) => (await embedder.embedQueries([text], signal))[0]!;
  } catch (error) {
    logger.warn(`searching without vectors: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}

/** The absolute path of a folder that exists, or a one-line error saying what is there instead. */
export function existingFolder(dir: string): string {
  const folder = path.resolve(dir);
  const stats = statSync(folder, { throwIfNoEntry: false });
  if (!stats) throw new CliError(`no folder ${printable(folder)}`);
  if (!stats.isDirectory()) throw new CliError(`${printable(folder)} is not a folder`);
  return folder;
}

function databaseBytes(databasePath: string): number {
  let total = 0;
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      total += statSync(databasePath + suffix).size;
    } catch {}
  }
  return total;
}
