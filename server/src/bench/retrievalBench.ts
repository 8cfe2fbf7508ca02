/**
 * `hearth bench retrieval`: latency and recall of the index's search at 10k, 50k and 200k chunks, measured
 * in one run on one database that grows between the scale points. Synthetic data: chunk texts drawn from a
 * Zipf-distributed identifier vocabulary, vectors from a mixture of Gaussian clusters (real embeddings are
 * clustered too; uniform random vectors would make every neighbour equally far).
 */

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { percentile, round } from "../base/numbers";
import { defaultFusionConfig } from "../retrieval/fuseRankings";
import { searchIndex } from "../retrieval/searchIndex";
import { openIndexDatabase } from "../store/database";
import { IndexReader } from "../store/indexReader";
import { IndexWriter } from "../store/indexWriter";
import { defaultVectorSearchConfig } from "../store/vectorSearch";

export interface RetrievalBenchConfig {
  dimension: number;
  scalePoints: number[];
  queries: number;
  chunksPerFile: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

export const defaultRetrievalBenchConfig: RetrievalBenchConfig = {
  dimension: 384,
  scalePoints: [10_000, 50_000, 200_000],
  queries: 100,
  chunksPerFile: 10,
};

export interface ScalePointResult {
  chunks: number;
  vectorP50Ms: number | null;
  vectorP95Ms: number | null;
  exactP50Ms: number | null;
  exactP95Ms: number | null;
  lexicalP95Ms: number | null;
  hybridP50Ms: number | null;
  hybridP95Ms: number | null;
  /** Process CPU time of the same calls: on a shared machine wall time also counts waiting for a core. */
  lexicalCpuP95Ms: number | null;
  hybridCpuP95Ms: number | null;
  /** Of the exhaustive BM25 top 10 (every matching chunk ranked), the share the bounded lexical search finds. */
  lexicalRecallAt10VsExhaustive: number;
  /** Seconds spent writing the index up to this scale point (all scale points so far). */
  buildSeconds: number;
  recallAt10VsExact: number;
  /** The same for the 50 candidates hybrid search takes from the vector retriever. */
  recallAt50VsExact: number;
  vectorMethod: "exact" | "prefilter";
}

/** A small deterministic generator, so every run measures the same data. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  return { next, gaussian };
}

export async function runRetrievalBench(config: RetrievalBenchConfig) {
  const random = seededRandom(42);
  const folder = mkdtempSync(path.join(tmpdir(), "hearth-bench-retrieval-"));
  const databaseFile = path.join(folder, "bench.sqlite");
  try {
    const writer = new IndexWriter(openIndexDatabase(databaseFile, { readonly: false }));
    writer.ensureVectorSpace({ modelId: "synthetic", dimension: config.dimension });

    // Identifiers of one to three parts from a 3,000-word vocabulary, used with Zipf-like (log-uniform rank)
    // frequencies, as identifiers and their parts are in real code.
    const letters = "bcdfghjklmnprstvwz";
    const vowels = "aeiou";
    const syllable = () =>
      letters[Math.floor(random.next() * letters.length)]! +
      vowels[Math.floor(random.next() * vowels.length)]!;
    const partWords = Array.from(
      { length: 3000 },
      () => syllable() + syllable() + (random.next() < 0.5 ? syllable() : ""),
    );
    const zipfRank = (size: number) => Math.min(size - 1, Math.floor(size ** random.next()) - 1);
    const vocabulary = Array.from({ length: 30_000 }, () => {
      const count = 1 + Math.floor(random.next() * 3);
      const parts = Array.from({ length: count }, () => partWords[zipfRank(partWords.length)]!);
      return parts
        .map((part, index) => (index ? part.charAt(0).toUpperCase() + part.slice(1) : part))
        .join("");
    });
    const zipfWord = () => vocabulary[zipfRank(vocabulary.length)]!;

    const clusters = Array.from({ length: 256 }, () =>
      Float32Array.from({ length: config.dimension }, () => random.gaussian()),
    );
    const sampleVector = () => {
      const center = clusters[Math.floor(random.next() * clusters.length)]!;
      return Float32Array.from(center, (value) => value + random.gaussian() * 0.9);
    };

    const chunkTexts: string[] = [];
    let written = 0;
    let buildMs = 0;
    const grow = (target: number) => {
      while (written < target) {
        const fileIndex = written / config.chunksPerFile;
        const chunks = Array.from({ length: config.chunksPerFile }, (_, offset) => {
          const words = Array.from({ length: 30 }, zipfWord);
          const text = `function ${words[0]}(${words[1]}) {\n  return ${words.slice(2).join(" + ")};\n}`;
          chunkTexts.push(text);
          return {
            startLine: offset * 3,
            endLine: offset * 3 + 2,
            contentHash: `synthetic-${written + offset}`,
            header: `src/file${fileIndex}.ts`,
            text,
            symbols: [{ name: words[0]!, kind: "function", line: offset * 3 }],
          };
        });
        writer.replaceFile(
          {
            path: `src/file${fileIndex}.ts`,
            contentHash: `f${fileIndex}`,
            size: 1,
            mtimeMs: 0,
            language: "typescript",
          },
          chunks,
        );
        writer.addEmbeddings(
          chunks.map((chunk) => ({ contentHash: chunk.contentHash, vector: sampleVector() })),
        );
        written += config.chunksPerFile;
        if (written % 10_000 === 0) config.onProgress?.(written, target, `building ${target} chunks`);
      }
    };

    const results: ScalePointResult[] = [];
    for (const scale of config.scalePoints) {
      const buildStarted = performance.now();
      grow(scale);
      buildMs += performance.now() - buildStarted;
      const reader = new IndexReader(openIndexDatabase(databaseFile, { readonly: true }));
      const vectorTimes: number[] = [];
      const exactTimes: number[] = [];
      const lexicalTimes: number[] = [];
      const hybridTimes: number[] = [];
      const lexicalCpuTimes: number[] = [];
      const hybridCpuTimes: number[] = [];
      const cpuMs = () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      };
      let lexicalRecall = 0;
      let recall = 0;
      let recallAt50 = 0;
      reader.vector(sampleVector(), 10); // loads the in-memory codes once, as a long-running server would
      for (let query = 0; query < config.queries; query++) {
        const vector = sampleVector();
        const source = chunkTexts[Math.floor(random.next() * chunkTexts.length)]!;
        const words = source.match(/\w+/g)!.slice(1, 4);
        const text = words.join(" ");

        let started = performance.now();
        const approximate = reader.vector(vector, 10).map((hit) => hit.chunkId);
        vectorTimes.push(performance.now() - started);

        // Lexical and hybrid search are timed before the exact scans below: an exact scan reads every vector
        // (300 MB at 200k), which a server never does, and leaves the CPU caches cold for whatever comes next.
        let cpuStarted = cpuMs();
        started = performance.now();
        const lexical = reader.lexical(text, 50).map((hit) => hit.chunkId);
        lexicalTimes.push(performance.now() - started);
        lexicalCpuTimes.push(cpuMs() - cpuStarted);
        cpuStarted = cpuMs();
        started = performance.now();
        await searchIndex(
          reader,
          { query: text, mode: "hybrid", candidates: 50, fusion: defaultFusionConfig },
          async () => vector,
        );
        hybridTimes.push(performance.now() - started);
        hybridCpuTimes.push(cpuMs() - cpuStarted);

        started = performance.now();
        const exact = reader.vector(vector, 10, "exact").map((hit) => hit.chunkId);
        exactTimes.push(performance.now() - started);
        recall += approximate.filter((id) => exact.includes(id)).length / Math.max(1, exact.length);
        const exact50 = reader.vector(vector, 50, "exact").map((hit) => hit.chunkId);
        const approximate50 = reader.vector(vector, 50).map((hit) => hit.chunkId);
        recallAt50 += approximate50.filter((id) => exact50.includes(id)).length / Math.max(1, exact50.length);
        const exhaustive = reader.lexical(text, 10, "exhaustive").map((hit) => hit.chunkId);
        lexicalRecall +=
          lexical.slice(0, 10).filter((id) => exhaustive.includes(id)).length /
          Math.max(1, exhaustive.length);
      }
      results.push({
        chunks: scale,
        vectorP50Ms: percentile(vectorTimes, 0.5),
        vectorP95Ms: percentile(vectorTimes, 0.95),
        exactP50Ms: percentile(exactTimes, 0.5),
        exactP95Ms: percentile(exactTimes, 0.95),
        lexicalP95Ms: percentile(lexicalTimes, 0.95),
        hybridP50Ms: percentile(hybridTimes, 0.5),
        hybridP95Ms: percentile(hybridTimes, 0.95),
        lexicalCpuP95Ms: percentile(lexicalCpuTimes, 0.95),
        hybridCpuP95Ms: percentile(hybridCpuTimes, 0.95),
        lexicalRecallAt10VsExhaustive: round(lexicalRecall / config.queries),
        buildSeconds: round(buildMs / 1000),
        recallAt10VsExact: round(recall / config.queries),
        recallAt50VsExact: round(recallAt50 / config.queries),
        vectorMethod: scale <= defaultVectorSearchConfig.exactLimit ? "exact" : "prefilter",
      });
    }
    const at = (scale: number) => results.find((result) => result.chunks === scale);
    return {
      dimension: config.dimension,
      queries: config.queries,
      vectorP50MsAt10k: at(10_000)?.vectorP50Ms,
      vectorP95MsAt10k: at(10_000)?.vectorP95Ms,
      vectorP95MsAt50k: at(50_000)?.vectorP95Ms,
      vectorP95MsAt200k: at(200_000)?.vectorP95Ms,
      exactVectorP95MsAt200k: at(200_000)?.exactP95Ms,
      recallAt10VsExactAt200k: at(200_000)?.recallAt10VsExact,
      recallAt50VsExactAt200k: at(200_000)?.recallAt50VsExact,
      hybridP95MsAt200k: at(200_000)?.hybridP95Ms,
      lexicalP95MsAt200k: at(200_000)?.lexicalP95Ms,
      hybridCpuP95MsAt200k: at(200_000)?.hybridCpuP95Ms,
      lexicalRecallAt10VsExhaustiveAt200k: at(200_000)?.lexicalRecallAt10VsExhaustive,
      databaseBytesAt200k: statSync(databaseFile).size,
      vectorSearch: defaultVectorSearchConfig,
      scalePoints: results,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
