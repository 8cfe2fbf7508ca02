/**
 * One indexing pass over a workspace: crawl, read what changed, chunk, write each file in its own
 * transaction, then embed chunk contents that have no vector yet. Unchanged files (same size and mtime)
 * are not even read, and a chunk whose content hash already has a vector is never embedded again, so an
 * unchanged re-index does almost nothing. Cancellable between files and between embedding batches.
 *
 * Secrets in a file's text are redacted (the guardrails' `redactSecrets`) before it is chunked, so the stored
 * chunk text, its FTS words and its embedding never hold a credential; the placeholder keeps line breaks, so
 * chunk line numbers still match the file.
 */

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { redactSecrets, type SecretFinding, type SecretScanOptions } from "../guardrails";
import type { ChunkRecord, IndexWriter } from "../store/indexWriter";
import { chunkEmbeddingText } from "../syntax";
import { type CrawlConfig, checkSinglePath, crawlWorkspace } from "./crawler";
import { classifyContent, type SkipReason } from "./skipRules";

export interface PlannedChunk {
  startLine: number;
  endLine: number;
  header: string;
  text: string;
  symbols: { name: string; kind: string; line: number }[];
}

/** Splits one file's text into chunks; supplied by the syntax layer. */
export type FileChunker = (
  path: string,
  text: string,
) => Promise<{ language: string | null; chunks: PlannedChunk[] }>;

/** Embeds chunk texts; supplied by the inference engine. Absent: the index is lexical only. */
export interface ChunkEmbedder {
  modelId: string;
  dimension: number;
  /** Longest input in the model's tokens; chunks are planned to fit it. */
  maxTokens: number;
  countTokens(text: string): number;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export interface IndexRunConfig {
  crawl: CrawlConfig;
  embedBatchSize: number;
  /**
   * What chunk boundaries depend on (the chunker's version, the token limit and whose tokens count). An index
   * stamped otherwise is chunked again, file by file, on the next full pass; unchanged chunks keep their vectors.
   */
  chunking: string;
}

export type IndexPhase = "scanning" | "embedding" | "done";

export interface IndexProgress {
  phase: IndexPhase;
  done: number;
  /** Unknown (`undefined`) while scanning. */
  total?: number;
  path?: string;
}

export interface IndexRunStats {
  files: number;
  changedFiles: number;
  deletedFiles: number;
  chunks: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Files read in an encoding other than UTF-8, by the encoding assumed. */
  legacyEncodings: Record<string, number>;
  embeddedChunks: number;
  pendingEmbeddings: number;
  /** Secrets replaced by a placeholder in the files this pass wrote. */
  redactedSecrets: number;
  seconds: number;
}

export interface IndexRunParts {
  writer: IndexWriter;
  chunkFile: FileChunker;
  embedder?: ChunkEmbedder;
  onProgress?: (progress: IndexProgress) => void;
  /** Receives files that were skipped after being read (binary, minified, ...), for logs. */
  onSkip?: (path: string, reason: SkipReason, detail?: string) => void;
  /** How secrets are found before text is stored; `null`: not redacted (the guard is off). Default: on. */
  secrets?: SecretScanOptions | null;
  /** Receives the secrets redacted in a file (rule and offsets, never the secret), for logs and counters. */
  onRedact?: (path: string, redactions: SecretFinding[]) => void;
  /** Receives files that are not UTF-8, with the encoding their text was decoded from, for logs. */
  onLegacyEncoding?: (path: string, encoding: string) => void;
}

export async function runIndexPass(
  root: string,
  config: IndexRunConfig,
  parts: IndexRunParts,
  signal?: AbortSignal,
): Promise<IndexRunStats> {
  const started = performance.now();
  const stored = parts.writer.fileStates();
  // An empty index is chunked the current way from its first file on, so a pass cut short resumes where it
  // stopped; one chunked another way is chunked again whole, and stamped once every file has been.
  if (stored.size === 0) parts.writer.setChunking(config.chunking);
  const rechunk = parts.writer.chunking() !== config.chunking;
  const seen = new Set<string>();
  const skipped: Partial<Record<SkipReason, number>> = {};
  const countSkip = (path: string, reason: SkipReason, detail?: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
    parts.onSkip?.(path, reason, detail);
  };
  const legacyEncodings: Record<string, number> = {};
  const countingParts: IndexRunParts = {
    ...parts,
    onLegacyEncoding: (path, encoding) => {
      legacyEncodings[encoding] = (legacyEncodings[encoding] ?? 0) + 1;
      parts.onLegacyEncoding?.(path, encoding);
    },
  };
  let changedFiles = 0;
  let scanned = 0;
  let redactedSecrets = 0;

  for await (const item of crawlWorkspace(root, config.crawl)) {
    signal?.throwIfAborted();
    if ("skipped" in item) {
      countSkip(item.skipped.path, item.skipped.reason, item.skipped.detail);
      continue;
    }
    const file = item.file;
    scanned++;
    if (scanned % 50 === 0) parts.onProgress?.({ phase: "scanning", done: scanned, path: file.path });
    const previous = stored.get(file.path);
    if (!rechunk && previous && previous.size === file.size && previous.mtimeMs === file.mtimeMs) {
      seen.add(file.path);
      continue;
    }
    const outcome = await indexOneFile(
      countingParts,
      file.path,
      file.absolutePath,
      file.size,
      file.mtimeMs,
      rechunk ? undefined : previous?.contentHash,
    );
    if ("skip" in outcome) {
      countSkip(file.path, outcome.skip, outcome.detail);
      continue;
    }
    seen.add(file.path);
    if (outcome.changed) changedFiles++;
    redactedSecrets += outcome.redacted ?? 0;
  }

  const deleted = [...stored.keys()].filter((path) => !seen.has(path));
  if (deleted.length) parts.writer.deleteFiles(deleted);
  if (rechunk) parts.writer.setChunking(config.chunking);

  const embeddedChunks = parts.embedder ? await embedPending(parts, config.embedBatchSize, signal) : 0;
  parts.writer.collectGarbage();
  const counts = parts.writer.counts();
  parts.onProgress?.({ phase: "done", done: seen.size, total: seen.size });
  return {
    files: counts.files,
    changedFiles,
    deletedFiles: deleted.length,
    chunks: counts.chunks,
    skipped,
    legacyEncodings,
    embeddedChunks,
    pendingEmbeddings: parts.writer.countPendingEmbeddings(),
    redactedSecrets,
    seconds: (performance.now() - started) / 1000,
  };
}

type FileOutcome = { changed: boolean; redacted?: number } | { skip: SkipReason; detail?: string };

/** Reads, classifies, chunks and writes one file (one transaction). */
async function indexOneFile(
  parts: IndexRunParts,
  path: string,
  absolutePath: string,
  size: number,
  mtimeMs: number,
  previousHash: string | undefined,
): Promise<FileOutcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    return { skip: "unreadable", detail: (error as NodeJS.ErrnoException).code };
  }
  const verdict = classifyContent(bytes);
  if ("skip" in verdict) {
    if (previousHash !== undefined) parts.writer.deleteFiles([path]);
    return { skip: verdict.skip };
  }
  if (verdict.encoding) parts.onLegacyEncoding?.(path, verdict.encoding);
  const contentHash = sha256(bytes);
  if (contentHash === previousHash) {
    parts.writer.touchFile(path, size, mtimeMs);
    return { changed: false };
  }
  const { text, redactions } =
    parts.secrets === null
      ? { text: verdict.text, redactions: [] }
      : redactSecrets(verdict.text, parts.secrets);
  if (redactions.length > 0) parts.onRedact?.(path, redactions);
  const planned = await parts.chunkFile(path, text);
  const chunks: ChunkRecord[] = planned.chunks.map((chunk) => ({
    ...chunk,
    contentHash: sha256(chunkEmbeddingText(chunk)),
  }));
  parts.writer.replaceFile({ path, contentHash, size, mtimeMs, language: planned.language }, chunks);
  return { changed: true, redacted: redactions.length };
}

/**
 * Re-indexes the given files (after a save or a watcher event), then embeds their new chunks.
 * A path that no longer exists, or that the crawl rules now exclude, is removed from the index.
 */
export async function updateFiles(
  root: string,
  relativePaths: string[],
  config: IndexRunConfig,
  parts: IndexRunParts,
  signal?: AbortSignal,
): Promise<{ changedFiles: number; deletedFiles: number; embeddedChunks: number }> {
  const stored = parts.writer.fileStates();
  let changedFiles = 0;
  const removed: string[] = [];
  for (const path of relativePaths) {
    signal?.throwIfAborted();
    const item = await checkSinglePath(root, path, config.crawl);
    const previous = stored.get(path);
    if (!item || "skipped" in item) {
      if (item && "skipped" in item) parts.onSkip?.(path, item.skipped.reason, item.skipped.detail);
      if (previous) removed.push(path);
      continue;
    }
    const { file } = item;
    const outcome = await indexOneFile(
      parts,
      path,
      file.absolutePath,
      file.size,
      file.mtimeMs,
      previous?.contentHash,
    );
    if ("changed" in outcome && outcome.changed) changedFiles++;
  }
  if (removed.length) parts.writer.deleteFiles(removed);
  const embeddedChunks = parts.embedder ? await embedPending(parts, config.embedBatchSize, signal) : 0;
  return { changedFiles, deletedFiles: removed.length, embeddedChunks };
}

async function embedPending(parts: IndexRunParts, batchSize: number, signal?: AbortSignal): Promise<number> {
  const embedder = parts.embedder!;
  parts.writer.ensureVectorSpace({ modelId: embedder.modelId, dimension: embedder.dimension });
  const total = parts.writer.countPendingEmbeddings();
  let embedded = 0;
  while (embedded < total) {
    signal?.throwIfAborted();
    const pending = parts.writer.pendingEmbeddings(batchSize);
    if (pending.length === 0) break;
    const vectors = await embedder.embed(pending.map(chunkEmbeddingText), signal);
    parts.writer.addEmbeddings(
      pending.map((chunk, index) => ({ contentHash: chunk.contentHash, vector: vectors[index]! })),
    );
    embedded += pending.length;
    parts.onProgress?.({ phase: "embedding", done: embedded, total });
  }
  return embedded;
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
