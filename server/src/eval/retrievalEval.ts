/**
 * `hearth eval retrieval`: indexes a real codebase (the Python standard library found on this machine),
 * runs a hand-labelled query set through lexical-only, vector-only and hybrid retrieval, and reports
 * recall@5, recall@10, MRR and nDCG@10 for each.
 */

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Logger } from "../base/logger";
import type { ChunkEmbedder, IndexProgress } from "../index/indexRunner";
import { IndexSession } from "../index/indexSession";
import { defaultIndexConfig } from "../index/indexSettings";
import { type SearchMode, searchIndex } from "../retrieval/searchIndex";
import { defaultSearchCandidates, defaultSearchFusion } from "../retrieval/searchSettings";
import { openIndexDatabase } from "../store/database";
import { IndexReader } from "../store/indexReader";
import { type RankedJudgement, type RetrievalScores, summarize } from "./retrievalMetrics";
import labelled from "./retrievalQueries.json";

export class EvalCorpusError extends Error {
  override name = "EvalCorpusError";
}

interface LabelledQuery {
  query: string;
  path: string;
  symbol: string;
}

export interface RetrievalEvalOptions {
  corpusRoot: string;
  databasePath: string;
  embedder: (ChunkEmbedder & { embedQueries(texts: string[]): Promise<Float32Array[]> }) | undefined;
  logger: Logger;
  onProgress?: (progress: IndexProgress) => void;
}

/** The standard library of the system's `python3`, which the labelled queries refer to. */
export function findPythonStandardLibrary(): string {
  try {
    const folder = execFileSync(
      "python3",
      ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
      {
        encoding: "utf8",
        timeout: 10_000,
      },
    ).trim();
    if (folder && existsSync(folder)) return folder;
  } catch {}
  throw new EvalCorpusError(
    "the retrieval eval runs on the Python standard library, and no python3 was found; pass --corpus <dir> with a copy of it",
  );
}

export async function runRetrievalEval(options: RetrievalEvalOptions) {
  const session = new IndexSession({
    root: options.corpusRoot,
    databasePath: options.databasePath,
    config: defaultIndexConfig,
    embedder: options.embedder,
    logger: options.logger,
  });
  let stats: Awaited<ReturnType<IndexSession["runFullPass"]>>;
  try {
    stats = await session.runFullPass(options.onProgress);
  } finally {
    session.close();
  }

  const database = openIndexDatabase(options.databasePath, { readonly: true });
  try {
    const reader = new IndexReader(database);
    const relevantChunks = database.prepare(
      `select c.start_line as startLine from symbols s join files f on f.id = s.file_id join chunks c on c.id = s.chunk_id
       where f.path = ? and s.name = ?`,
    );
    const queries = (labelled.queries as LabelledQuery[]).filter((query) => {
      const found = relevantChunks.all(query.path, query.symbol).length > 0;
      if (!found)
        options.logger.warn(`eval: ${query.path} defines no ${query.symbol} in this corpus; query skipped`);
      return found;
    });
    const embedder = options.embedder;
    const modes: SearchMode[] = embedder ? ["lexical", "vector", "hybrid"] : ["lexical", "hybrid"];
    const retrievers: Partial<Record<SearchMode, RetrievalScores>> = {};
    const perQuery: Record<string, Partial<Record<SearchMode, number>>> = {};
    for (const mode of modes) {
      const judgements: RankedJudgement[] = [];
      for (const labelledQuery of queries) {
        const relevantStarts = new Set(
          (relevantChunks.all(labelledQuery.path, labelledQuery.symbol) as { startLine: number }[]).map(
            (row) => row.startLine,
          ),
        );
        const hits = await searchIndex(
          reader,
          {
            query: labelledQuery.query,
            mode,
            candidates: defaultSearchCandidates,
            fusion: { ...defaultSearchFusion, limit: 10 },
          },
          embedder ? async (text) => (await embedder.embedQueries([text]))[0]! : undefined,
        );
        const ranked = hits.map(
          (hit) => hit.path === labelledQuery.path && relevantStarts.has(hit.startLine),
        );
        judgements.push({ ranked, relevantCount: relevantStarts.size });
        const rank = ranked.indexOf(true);
        perQuery[labelledQuery.query] = {
          ...perQuery[labelledQuery.query],
          [mode]: rank === -1 ? 0 : rank + 1,
        };
      }
      retrievers[mode] = summarize(judgements);
    }
    return {
      corpus: options.corpusRoot,
      files: stats.files,
      chunks: stats.chunks,
      embeddingModel: embedder?.modelId ?? null,
      queries: queries.length,
      retrievers,
      /** Rank of the first relevant hit per query and retriever (0: not in the top 10). */
      perQuery,
    };
  } finally {
    database.close();
  }
}
