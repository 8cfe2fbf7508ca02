/**
 * `hearth bench footprint`: what the language server costs the machine it runs on, measured from outside
 * over stdio on a real project, in one run:
 * - indexing the project from scratch: the whole process tree's peak resident memory (server and index
 *   host), and the first suggestion asked for while that pass runs;
 * - CPU seconds per idle minute with a document open, prefetch on and off;
 * - CPU seconds for a burst of 100 keystrokes 120 ms apart;
 * - spawn to first suggestion on reopening the project (its index already built), the median of several
 *   runs with prefetch on and off taken in turns, with the initialize handshake's share.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { CancellationTokenSource } from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { median, round, seededRandom } from "../base/numbers";
import { type PrefetchCompletionParams, prefetchCompletionNotification } from "../protocol";
import { BenchServer, sleep } from "./benchServer";
import { samplePeakRss } from "./processTree";
import { buildTypingSessions, type TypingSession } from "./typingTrace";

export interface FootprintBenchOptions {
  cliPath: string;
  /** A real project to index and type into; it is read, never written. */
  project: string;
  /** Spawn-to-first-suggestion runs per prefetch setting. */
  runs: number;
  idleSeconds: number;
  seed: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

const burstKeystrokes = 100;
const burstIntervalMs = 120;

export async function runFootprintBench(options: FootprintBenchOptions) {
  const session = pickSession(options.project, options.seed);
  const storage = mkdtempSync(path.join(tmpdir(), "hearth-bench-footprint-"));
  const start = (prefetch: boolean) =>
    BenchServer.start({
      cliPath: options.cliPath,
      workspace: options.project,
      storagePath: storage,
      settings: { completion: { prefetch } },
    });
  const steps = 4 + 2 * options.runs;
  let done = 0;
  const progress = (label: string) => options.onProgress?.(++done, steps, label);
  try {
    // Indexing from scratch, with a suggestion asked for while it runs.
    const indexing = start(true);
    let indexFigures: Awaited<ReturnType<typeof indexProject>>;
    let idle: { prefetchOn: number | null; prefetchOff: number | null };
    let burstCpuSeconds: number | null;
    try {
      indexFigures = await indexProject(indexing, session);
      progress("indexing");
      idle = { prefetchOn: await idleCpuPerMinute(indexing, options.idleSeconds), prefetchOff: null };
      progress("idle, prefetch on");
      burstCpuSeconds = await keystrokeBurst(indexing, session);
      progress("keystroke burst");
    } finally {
      await indexing.stop();
    }
    const quiet = start(false);
    try {
      await quiet.initialize();
      await quiet.waitForIndex();
      await openAndSuggest(quiet, session, false);
      idle.prefetchOff = await idleCpuPerMinute(quiet, options.idleSeconds);
      progress("idle, prefetch off");
    } finally {
      await quiet.stop();
    }

    // Reopening: the index is there; prefetch on and off in turns, so both see the same machine.
    const reopen = { on: [] as FirstSuggestion[], off: [] as FirstSuggestion[] };
    for (let run = 0; run < options.runs; run++) {
      for (const prefetch of [true, false]) {
        const server = start(prefetch);
        try {
          const initializeMs = await server.initialize();
          const first = await openAndSuggest(server, session, prefetch);
          (prefetch ? reopen.on : reopen.off).push({ ...first, initializeMs });
        } finally {
          await server.stop();
        }
        progress(`spawn to first suggestion, prefetch ${prefetch ? "on" : "off"}`);
      }
    }
    const medianOf = (runs: FirstSuggestion[], key: "spawnToSuggestionMs" | "initializeMs") =>
      round(median(runs.map((run) => run[key])), 0);
    return {
      project: options.project,
      files: indexFigures.files,
      chunks: indexFigures.chunks,
      indexSeconds: indexFigures.indexSeconds,
      peakRssMbWhileIndexing: indexFigures.peakRssMb,
      firstSuggestionMsWhileIndexing: indexFigures.firstSuggestionMs,
      spawnToFirstSuggestionMs: medianOf(reopen.on, "spawnToSuggestionMs"),
      spawnToInitializeMs: medianOf(reopen.on, "initializeMs"),
      spawnToFirstSuggestionMsPrefetchOff: medianOf(reopen.off, "spawnToSuggestionMs"),
      spawnToInitializeMsPrefetchOff: medianOf(reopen.off, "initializeMs"),
      spawnRuns: options.runs,
      emptyFirstAnswers: [...reopen.on, ...reopen.off].filter((run) => run.empty).length,
      idleCpuSecondsPerMinute: idle.prefetchOn,
      idleCpuSecondsPerMinutePrefetchOff: idle.prefetchOff,
      burstKeystrokes,
      burstIntervalMs,
      burstCpuSeconds,
    };
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}

interface FirstSuggestion {
  spawnToSuggestionMs: number;
  initializeMs: number;
  /** The model's first answer was empty (the time is still the first answer's). */
  empty: boolean;
}

async function indexProject(server: BenchServer, session: TypingSession) {
  const peak = samplePeakRss(server.pid);
  await server.initialize();
  const indexStarted = performance.now();
  const first = await openAndSuggest(server, session, true);
  const settled = await server.waitForIndex();
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  const peakRssMb = peak.stop();
  const status = await server.status();
  if (!settled) throw new Error(`indexing ${session.path} did not finish within the benchmark's limit`);
  return {
    files: status.indexes.reduce((sum, index) => sum + index.files, 0),
    chunks: status.indexes.reduce((sum, index) => sum + index.chunks, 0),
    indexSeconds: round(indexSeconds, 1),
    peakRssMb: peakRssMb === null ? null : round(peakRssMb, 0),
    firstSuggestionMs: round(first.spawnToSuggestionMs, 0),
  };
}

/**
 * Opens the session's document with the cursor where its span was, tells the server where the cursor is
 * (as the editor does once it settles) when prefetching, and asks for a suggestion there.
 */
async function openAndSuggest(
  server: BenchServer,
  session: TypingSession,
  prefetch: boolean,
): Promise<FirstSuggestion> {
  const uri = documentUri(server, session);
  const document = TextDocument.create(uri, "python", 1, session.openedText);
  await server.connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: 1, text: session.openedText },
  });
  const position = document.positionAt(session.offset);
  if (prefetch) {
    await server.connection.sendNotification(prefetchCompletionNotification.type, {
      textDocument: { uri },
      position,
    } satisfies PrefetchCompletionParams);
  }
  const items = await server.connection.sendRequest<{ insertText: string }[] | null>(
    "textDocument/inlineCompletion",
    { textDocument: { uri }, position, context: { triggerKind: 1 } },
  );
  return {
    spawnToSuggestionMs: performance.now() - server.spawnedAt,
    initializeMs: 0,
    empty: !items?.[0]?.insertText,
  };
}

async function idleCpuPerMinute(server: BenchServer, seconds: number): Promise<number | null> {
  // Let work started by the last request (a prefetch, a retrieval refresh) and, on a server just started, the
  // rest of its start-up (the index host loading its embedding model on first use) finish first.
  await sleep(10_000);
  const before = server.tree()?.cpuSeconds;
  await sleep(seconds * 1000);
  const after = server.tree()?.cpuSeconds;
  if (before === undefined || after === undefined) return null;
  return round(((after - before) * 60) / seconds, 3);
}

/** Types the session's span (repeated as needed) one key per interval, a request per key, as an editor. */
async function keystrokeBurst(server: BenchServer, session: TypingSession): Promise<number | null> {
  const uri = documentUri(server, session);
  let document = TextDocument.create(uri, "python", 100, session.openedText);
  await server.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
  await server.connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: document.version, text: document.getText() },
  });
  await sleep(1_000);
  const before = server.tree()?.cpuSeconds;
  let cursor = session.offset;
  let pending: { source: CancellationTokenSource; done: Promise<unknown> } | undefined;
  for (let key = 0; key < burstKeystrokes; key++) {
    const character = session.span[key % session.span.length]!;
    const at = document.positionAt(cursor);
    document = TextDocument.update(
      document,
      [{ range: { start: at, end: at }, text: character }],
      document.version + 1,
    );
    cursor++;
    await server.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: document.version },
      contentChanges: [{ range: { start: at, end: at }, text: character }],
    });
    pending?.source.cancel();
    const source = new CancellationTokenSource();
    const done = server.connection
      .sendRequest(
        "textDocument/inlineCompletion",
        { textDocument: { uri }, position: document.positionAt(cursor), context: { triggerKind: 2 } },
        source.token,
      )
      .catch(() => undefined);
    pending = { source, done };
    await sleep(burstIntervalMs);
  }
  await pending?.done;
  const after = server.tree()?.cpuSeconds;
  if (before === undefined || after === undefined) return null;
  return round(after - before, 2);
}

function documentUri(server: BenchServer, session: TypingSession): string {
  return pathToFileURL(path.join(server.workspace, session.path)).href;
}

/** A typing place in one of the project's Python files, chosen by seed. */
function pickSession(project: string, seed: number): TypingSession {
  const files = pythonFiles(project)
    .slice(0, 40)
    .map((file) => ({ path: path.relative(project, file), text: readFileSync(file, "utf8") }));
  const sessions = buildTypingSessions(files, seededRandom(seed));
  if (sessions.length === 0) throw new Error(`${project} has no Python file with a body line to type into`);
  return sessions[0]!;
}

function pythonFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder).sort()) {
    if (entry.startsWith(".") || entry === "__pycache__") continue;
    const full = path.join(folder, entry);
    const stat = statSync(full);
    if (stat.isDirectory()) found.push(...pythonFiles(full));
    else if (entry.endsWith(".py") && stat.size > 2_000) found.push(full);
  }
  return found;
}
