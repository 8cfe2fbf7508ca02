/**
 * `hearth bench index [dir]`: what indexing costs on a real codebase, measured in one run: a first full pass,
 * an unchanged re-run, single-file updates after a save (chunks, full text and vectors), and inline-completion
 * latency while a full pass runs in a lower-priority child process, as the language server's index host does,
 * against the same requests on an idle machine.
 */

import { spawn } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "../base/logger";
import { percentile, round, seededRandom } from "../base/numbers";
import { completionCapability } from "../completion/capability";
import { createCore } from "../core/createCore";
import type { ChunkEmbedder } from "../index/indexRunner";
import { IndexSession } from "../index/indexSession";
import { defaultIndexConfig } from "../index/indexSettings";
import { languageForPath } from "../syntax";

export interface IndexBenchOptions {
  cliPath: string;
  root: string;
  embedder: ChunkEmbedder | undefined;
  updates: number;
  completions: number;
  logger: Logger;
  onProgress?: (done: number, total: number, label: string) => void;
}

export async function runIndexBench(options: IndexBenchOptions) {
  const scratch = mkdtempSync(path.join(tmpdir(), "hearth-bench-index-"));
  try {
    const databasePath = path.join(scratch, "index.sqlite");
    const session = new IndexSession({
      root: options.root,
      databasePath,
      config: defaultIndexConfig,
      embedder: options.embedder,
      logger: options.logger,
    });
    let first: Awaited<ReturnType<IndexSession["runFullPass"]>>;
    let unchanged: Awaited<ReturnType<IndexSession["runFullPass"]>>;
    const updateMs: number[] = [];
    try {
      first = await session.runFullPass((progress) =>
        options.onProgress?.(
          progress.done,
          progress.total ?? progress.done,
          `first pass (${progress.phase})`,
        ),
      );
      unchanged = await session.runFullPass();
      // Saves: a copy of real files, each edited (a new function appended) and re-indexed as the server would.
      const copy = path.join(scratch, "workspace");
      const files = pickSourceFiles(options.root, options.updates);
      for (const file of files)
        cpSync(path.join(options.root, file), path.join(copy, file), { recursive: true });
      const copySession = new IndexSession({
        root: copy,
        databasePath: path.join(scratch, "copy.sqlite"),
        config: defaultIndexConfig,
        embedder: options.embedder,
        logger: options.logger,
      });
      try {
        await copySession.runFullPass();
        for (const [index, file] of files.entries()) {
          appendFileSync(
            path.join(copy, file),
            `\n\ndef saved_helper_${index}(value):\n    return value * ${index}\n`,
          );
          const started = performance.now();
          await copySession.updateFiles([file]);
          updateMs.push(performance.now() - started);
          options.onProgress?.(index + 1, files.length, "single-file updates");
        }
      } finally {
        copySession.close();
      }
    } finally {
      session.close();
    }

    const idle = await completionLatencies(options, undefined);
    const duringIndex = await completionLatencies(options, path.join(scratch, "concurrent.sqlite"));
    return {
      root: options.root,
      files: first.files,
      chunks: first.chunks,
      embeddedChunks: first.embeddedChunks,
      firstPassSeconds: round(first.seconds),
      unchangedPassSeconds: round(unchanged.seconds),
      unchangedRatio: round(unchanged.seconds / first.seconds, 4),
      unchangedEmbeddedChunks: unchanged.embeddedChunks,
      saveUpdateP50Ms: percentile(updateMs, 0.5),
      saveUpdateP95Ms: percentile(updateMs, 0.95),
      saveUpdates: updateMs.length,
      completionP50MsIdle: percentile(idle.latencies, 0.5),
      completionP90MsIdle: percentile(idle.latencies, 0.9),
      completionP50MsDuringIndex: percentile(duringIndex.latencies, 0.5),
      completionP90MsDuringIndex: percentile(duringIndex.latencies, 0.9),
      completionsDuringIndex: duringIndex.latencies.length,
      indexStillRunningAtEnd: duringIndex.indexStillRunning,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Completion latency on fixed cursor positions of real files; with `concurrentDatabase`, while `hearth index`
 * runs a full pass into it in a child process at the index host's lower priority.
 */
async function completionLatencies(options: IndexBenchOptions, concurrentDatabase: string | undefined) {
  const files = pickSourceFiles(options.root, options.completions);
  const random = seededRandom(3);
  const indexer = concurrentDatabase
    ? spawn(process.execPath, [options.cliPath, "index", options.root, "--db", concurrentDatabase], {
        stdio: "ignore",
      })
    : undefined;
  if (indexer?.pid) setPriority(indexer.pid, 10);
  let finished = false;
  indexer?.on("exit", () => {
    finished = true;
  });
  if (indexer) await new Promise((resolve) => setTimeout(resolve, 1_500)); // let the pass get going
  const core = await createCore({
    roots: [options.root],
    settings: { completion: { cache: false, debounce: false, crossFileContext: false } },
    logger: options.logger,
    feedbackDatabase: null,
  });
  const completion = core.capability(completionCapability)!;
  const latencies: number[] = [];
  try {
    for (const [index, file] of files.entries()) {
      const text = readFileSync(path.join(options.root, file), "utf8");
      const lineStarts = [...text.matchAll(/\n[ \t]+\S/g)].map((match) => match.index! + 1);
      if (lineStarts.length === 0) continue;
      const lineStart = lineStarts[Math.floor(random() * lineStarts.length)]!;
      const offset = lineStart + (/^[ \t]*/.exec(text.slice(lineStart))?.[0].length ?? 0);
      const started = performance.now();
      await completion.completeOnce({
        uri: pathToFileURL(path.join(options.root, file)).href,
        path: file,
        repoName: path.basename(options.root),
        language: languageForPath(file) ?? "plaintext",
        text: text.slice(0, offset) + text.slice(text.indexOf("\n", offset)),
        offset,
        trigger: "invoked",
      });
      latencies.push(performance.now() - started);
      options.onProgress?.(
        index + 1,
        files.length,
        concurrentDatabase ? "completions while indexing" : "completions, idle",
      );
    }
  } finally {
    indexer?.kill();
    await core.dispose();
  }
  return { latencies, indexStillRunning: indexer ? !finished : false };
}

/** Mid-sized Python and TypeScript files, in a fixed order. */
function pickSourceFiles(root: string, count: number): string[] {
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(py|ts)$/.test(file) && !file.includes("node_modules") && !file.includes("test"))
    .filter((file) => {
      const size = statSync(path.join(root, file)).size;
      return size > 2_000 && size < 40_000;
    })
    .sort();
  const random = seededRandom(11);
  for (let index = files.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [files[index], files[other]] = [files[other]!, files[index]!];
  }
  return files.slice(0, count);
}
