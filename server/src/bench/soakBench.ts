/**
 * `hearth bench soak --minutes N`: the real language server over stdio for N minutes of mixed, partly hostile
 * traffic on a scratch copy of a project: typing with an inline request per keystroke (the previous one
 * cancelled), saves, file deletions and creations (with watcher events), feedback batches, searches and
 * status, SIGKILLs of the index host, settings changes answered through `workspace/configuration`, and
 * malformed messages (bad framing, invalid JSON, a request without a method, params that fit no schema).
 *
 * It reports what a user would notice: requests that errored unexpectedly or were never answered, server
 * restarts (a crashed server is restarted, as the editor's crash policy would), memory growth of the whole
 * process tree, and whether the index and feedback databases pass SQLite's integrity check at the end.
 * Everything is seeded, so a run can be replayed.
 */

import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type BetterSqlite3 from "better-sqlite3";
import {
  CancellationTokenSource,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
} from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { messageOf } from "../base/errors";
import { round, seededRandom } from "../base/numbers";
import { feedbackEventsNotification, searchRequest, statusRequest } from "../protocol";
import { BenchServer, sleep, withTimeout } from "./benchServer";

const require = createRequire(import.meta.url);

export interface SoakBenchOptions {
  cliPath: string;
  /** A real project, copied to a scratch folder (the soak edits and deletes files). */
  project: string;
  minutes: number;
  seed: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** A request not answered this long after it was sent counts as unanswered. */
const answerDeadlineMs = 60_000;

/** Weights of the actions the soak picks from, per step. */
const actionWeights = {
  typing: 40,
  save: 10,
  deleteFile: 4,
  createFile: 4,
  feedback: 6,
  search: 8,
  status: 8,
  configuration: 4,
  malformed: 8,
  killIndexHost: 1,
} as const;
type Action = keyof typeof actionWeights;

interface Tally {
  requests: number;
  /** Error answers that the request did not call for. */
  errors: number;
  /** Error answers the request called for: our own cancellations, superseded keystrokes, invalid params. */
  expectedErrors: number;
  unanswered: number;
  errorSamples: string[];
  loggedErrors: number;
  loggedErrorSamples: string[];
  actions: Record<Action, number>;
}

export async function runSoakBench(options: SoakBenchOptions) {
  const scratch = mkdtempSync(path.join(tmpdir(), "hearth-bench-soak-"));
  const workspace = path.join(scratch, "workspace");
  const storage = path.join(scratch, "storage");
  cpSync(options.project, workspace, {
    recursive: true,
    filter: (source) => !source.includes("__pycache__"),
  });
  const random = seededRandom(options.seed);
  const settings: Record<string, unknown> = { completion: { prefetch: true } };
  const tally: Tally = {
    requests: 0,
    errors: 0,
    expectedErrors: 0,
    unanswered: 0,
    errorSamples: [],
    loggedErrors: 0,
    loggedErrorSamples: [],
    actions: Object.fromEntries(Object.keys(actionWeights).map((action) => [action, 0])) as Tally["actions"],
  };
  const pending = new Set<Promise<unknown>>();
  let serverRestarts = 0;
  let rawId = 0;
  const rawAnswered = new Set<number>();
  const rawOutstanding = new Map<number, number>();

  const startServer = async (): Promise<BenchServer> => {
    const server = BenchServer.start({
      cliPath: options.cliPath,
      workspace,
      storagePath: storage,
      settings,
      pullConfiguration: true,
    });
    server.connection.onNotification("window/logMessage", (params: { type: number; message: string }) => {
      if (params.type !== 1) return;
      tally.loggedErrors++;
      note(tally.loggedErrorSamples, params.message);
    });
    // Answers to the raw requests the soak writes itself arrive on stdout, outside the connection's books.
    let tail = "";
    server.child.stdout.on("data", (chunk: Buffer) => {
      tail = (tail + chunk.toString("utf8")).slice(-4096);
      for (const match of tail.matchAll(/"id":"soak-raw-(\d+)"/g)) {
        const id = Number(match[1]);
        rawAnswered.add(id);
        rawOutstanding.delete(id);
      }
    });
    await server.initialize();
    return server;
  };

  let server = await startServer();
  await server.waitForIndex();
  const documents = new Map<string, TextDocument>();
  const open = async (relative: string): Promise<TextDocument | undefined> => {
    const uri = pathToFileURL(path.join(workspace, relative)).href;
    const existing = documents.get(uri);
    if (existing) return existing;
    const file = path.join(workspace, relative);
    if (!existsSync(file)) return undefined;
    const document = TextDocument.create(uri, "python", 1, readFileSync(file, "utf8"));
    documents.set(uri, document);
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "python", version: 1, text: document.getText() },
    });
    return document;
  };

  /** Sends a request and tallies its outcome; `expected` lists the error codes it is meant to get. */
  const request = (
    method: string,
    params: unknown,
    expected: number[] = [],
    token?: CancellationTokenSource,
  ) => {
    tally.requests++;
    // Without a token, none is passed: an `undefined` argument would make the params a positional array.
    const sent = (
      token
        ? server.connection.sendRequest(method, params, token.token)
        : server.connection.sendRequest(method, params)
    ).then(
      () => undefined,
      (error: unknown) => {
        const code = error instanceof ResponseError ? error.code : undefined;
        if (code !== undefined && expected.includes(code)) tally.expectedErrors++;
        else {
          tally.errors++;
          note(tally.errorSamples, `${method}: ${messageOf(error)}`);
        }
      },
    );
    const answered = withTimeout(sent, answerDeadlineMs).catch(() => {
      tally.unanswered++;
      note(tally.errorSamples, `${method}: unanswered after ${answerDeadlineMs / 1000} s`);
    });
    pending.add(answered);
    void answered.finally(() => pending.delete(answered));
    // Awaited by the action: a request the server never answers holds the soak up for the deadline, not forever.
    return answered;
  };

  const files = () => pythonFiles(workspace).map((file) => path.relative(workspace, file));

  const actions: Record<Action, () => Promise<void>> = {
    async typing() {
      const candidates = files();
      if (candidates.length === 0) return;
      const relative = candidates[Math.floor(random() * candidates.length)]!;
      let document = await open(relative);
      if (!document) return;
      let offset = lineStartNear(document.getText(), Math.floor(random() * document.getText().length));
      const text = typedLine(random);
      let previous: CancellationTokenSource | undefined;
      for (const character of text) {
        const at = document.positionAt(offset);
        document = TextDocument.update(
          document,
          [{ range: { start: at, end: at }, text: character }],
          document.version + 1,
        );
        documents.set(document.uri, document);
        offset++;
        await server.connection.sendNotification("textDocument/didChange", {
          textDocument: { uri: document.uri, version: document.version },
          contentChanges: [{ range: { start: at, end: at }, text: character }],
        });
        previous?.cancel();
        previous = new CancellationTokenSource();
        void request(
          "textDocument/inlineCompletion",
          {
            textDocument: { uri: document.uri },
            position: document.positionAt(offset),
            context: { triggerKind: 2 },
          },
          [LSPErrorCodes.RequestCancelled],
          previous,
        );
        await sleep(40 + random() * 180);
      }
      // Now and then the editor closes the file it typed into.
      if (random() < 0.3) {
        documents.delete(document.uri);
        await server.connection.sendNotification("textDocument/didClose", {
          textDocument: { uri: document.uri },
        });
      }
    },
    async save() {
      const open = [...documents.values()];
      const document = open[Math.floor(random() * open.length)];
      if (!document) return;
      const file = fileURLToPath(document.uri);
      if (!existsSync(file)) return;
      writeFileSync(file, document.getText());
      await server.connection.sendNotification("textDocument/didSave", {
        textDocument: { uri: document.uri },
      });
      await server.connection.sendNotification("workspace/didChangeWatchedFiles", {
        changes: [{ uri: document.uri, type: 2 }],
      });
    },
    async deleteFile() {
      const closed = files().filter(
        (relative) => !documents.has(pathToFileURL(path.join(workspace, relative)).href),
      );
      if (closed.length <= 5) return;
      const relative = closed[Math.floor(random() * closed.length)]!;
      rmSync(path.join(workspace, relative), { force: true });
      await server.connection.sendNotification("workspace/didChangeWatchedFiles", {
        changes: [{ uri: pathToFileURL(path.join(workspace, relative)).href, type: 3 }],
      });
    },
    async createFile() {
      const relative = `soak_${Math.floor(random() * 1e9)}.py`;
      const file = path.join(workspace, relative);
      writeFileSync(file, generatedModule(random));
      await server.connection.sendNotification("workspace/didChangeWatchedFiles", {
        changes: [{ uri: pathToFileURL(file).href, type: 1 }],
      });
    },
    async feedback() {
      const at = Date.now();
      const id = `soak-${Math.floor(random() * 1e9)}`;
      await server.connection.sendNotification(feedbackEventsNotification.type, {
        events: [
          {
            eventId: `${id}-shown`,
            at,
            surface: "inline",
            subjectId: id,
            type: "shown",
            language: "python",
            trigger: "automatic",
            latencyMs: 80,
            chars: 12,
            lines: 1,
            facts: { model: "hearth-tiny-code", source: "model" },
          },
          random() < 0.5
            ? {
                eventId: `${id}-accepted`,
                at: at + 500,
                surface: "inline",
                subjectId: id,
                type: "accepted",
                acceptedChars: 12,
                partialAccepts: 0,
              }
            : {
                eventId: `${id}-rejected`,
                at: at + 500,
                surface: "inline",
                subjectId: id,
                type: "rejected",
                reason: "typedOver",
              },
        ] as never,
      });
    },
    async search() {
      const words = ["message", "header", "parse", "policy", "encode", "charset", "boundary"];
      await request(searchRequest.method, { query: words[Math.floor(random() * words.length)]!, k: 5 });
    },
    async status() {
      await request(statusRequest.method, undefined);
    },
    async configuration() {
      const completion = settings.completion as Record<string, unknown>;
      const change = Math.floor(random() * 4);
      if (change === 0) completion.prefetch = !completion.prefetch;
      else if (change === 1) completion.maxTokensSingleLine = 16 + Math.floor(random() * 48);
      else if (change === 2) settings.guardrails = { completionParseCheck: { enabled: random() < 0.5 } };
      // Restarts the index hosts: the size limit is part of what they were started with.
      else settings.index = { maxFileBytes: 500_000 + Math.floor(random() * 500_000) };
      await server.changeConfiguration();
    },
    async malformed() {
      const stdin = server.child.stdin;
      const kind = Math.floor(random() * 5);
      const frame = (body: string, announced = Buffer.byteLength(body)) =>
        `Content-Length: ${announced}\r\n\r\n${body}`;
      if (kind === 0) {
        // Announces more bytes than follow; the next message must still get through.
        stdin.write(frame('{"jsonrpc":"2.0","method":"$/setTrace","params":{"value":"off"}}', 4096));
      } else if (kind === 1) {
        stdin.write(frame('{"jsonrpc":"2.0","id":'));
      } else if (kind === 2) {
        const id = ++rawId;
        rawOutstanding.set(id, performance.now());
        stdin.write(frame(JSON.stringify({ jsonrpc: "2.0", id: `soak-raw-${id}`, params: {} })));
      } else if (kind === 3) {
        await request(
          "textDocument/inlineCompletion",
          { textDocument: { uri: "file:///nowhere.py" }, position: { line: -1, character: "a" } },
          [ErrorCodes.InvalidParams],
        );
      } else {
        await request(searchRequest.method, { query: "", k: "abc", mode: "bogus" }, [
          ErrorCodes.InvalidParams,
        ]);
      }
    },
    async killIndexHost() {
      for (const pid of indexHostPids(server.pid)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
    },
  };

  // Memory is measured once the project is indexed and the model is loaded: growth from there is the leak.
  await actions.typing();
  await sleep(2_000);
  const rssMbStart = server.tree()?.rssMb ?? null;
  let peakRssMb = rssMbStart ?? 0;
  const deadline = performance.now() + options.minutes * 60_000;
  const started = performance.now();
  while (performance.now() < deadline) {
    const action = pick(random);
    tally.actions[action]++;
    try {
      await actions[action]();
    } catch (error) {
      note(tally.errorSamples, `${action}: ${messageOf(error)}`);
      tally.errors++;
    }
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      // The editor's crash policy restarts a server that died; so does the soak, and counts it.
      serverRestarts++;
      note(tally.errorSamples, `the server exited (${server.child.signalCode ?? server.child.exitCode})`);
      server.connection.dispose();
      documents.clear();
      server = await startServer();
    }
    peakRssMb = Math.max(peakRssMb, server.tree()?.rssMb ?? 0);
    options.onProgress?.(
      Math.round((performance.now() - started) / 1000),
      options.minutes * 60,
      `soak (${tally.requests} requests)`,
    );
    await sleep(100 + random() * 400);
  }

  await Promise.all([...pending]);
  // Settle: the last typing's work and any indexing finish before the closing measurement.
  await server.waitForIndex(120_000);
  await sleep(2_000);
  const rssMbEnd = server.tree()?.rssMb ?? null;
  const unansweredRaw = rawOutstanding.size;
  await server.stop();
  const integrity = checkIntegrity(storage);
  rmSync(scratch, { recursive: true, force: true });
  return {
    minutes: options.minutes,
    requests: tally.requests + rawId,
    errors: tally.errors,
    expectedErrors: tally.expectedErrors,
    unansweredRequests: tally.unanswered + unansweredRaw,
    serverRestarts,
    rssMbStart: rssMbStart === null ? null : round(rssMbStart, 0),
    rssMbEnd: rssMbEnd === null ? null : round(rssMbEnd, 0),
    rssGrowth: rssMbStart && rssMbEnd ? round(rssMbEnd / rssMbStart - 1, 3) : null,
    peakRssMb: round(peakRssMb, 0),
    dbIntegrityOk: integrity.every((check) => check.result === "ok"),
    databases: integrity,
    loggedErrors: tally.loggedErrors,
    actions: tally.actions,
    errorSamples: tally.errorSamples,
    loggedErrorSamples: tally.loggedErrorSamples,
  };
}

function pick(random: () => number): Action {
  const total = Object.values(actionWeights).reduce((sum, weight) => sum + weight, 0);
  let roll = random() * total;
  for (const [action, weight] of Object.entries(actionWeights) as [Action, number][]) {
    roll -= weight;
    if (roll < 0) return action;
  }
  return "status";
}

/** Keeps the first few distinct messages, for the report. */
function note(samples: string[], message: string): void {
  const line = message.split("\n")[0]!.slice(0, 300);
  if (samples.length < 12 && !samples.includes(line)) samples.push(line);
}

/** PRAGMA integrity_check on every SQLite file the server left in its storage folder. */
function checkIntegrity(storage: string): { file: string; result: string }[] {
  const Driver = require("better-sqlite3") as typeof BetterSqlite3;
  return sqliteFiles(storage).map((file) => {
    try {
      // Opened for writing, as the server would: a read-only connection cannot always read a WAL file.
      const database = new Driver(file, { fileMustExist: true });
      try {
        require("sqlite-vec").load(database);
        const rows = database.pragma("integrity_check") as { integrity_check: string }[];
        return {
          file: path.relative(storage, file),
          result: rows.map((row) => row.integrity_check).join("; "),
        };
      } finally {
        database.close();
      }
    } catch (error) {
      return { file: path.relative(storage, file), result: messageOf(error) };
    }
  });
}

function sqliteFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((entry) => {
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory()) return sqliteFiles(full);
    return entry.endsWith(".sqlite") ? [full] : [];
  });
}

/** The index hosts among the server's children (`hearth index-host`). */
function indexHostPids(serverPid: number): number[] {
  try {
    const listing = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(serverPid)], {
      encoding: "utf8",
    });
    return listing
      .split("\n")
      .filter((line) => line.includes(" index-host "))
      .map((line) => Number.parseInt(line.trim(), 10))
      .filter((pid) => Number.isInteger(pid));
  } catch {
    return [];
  }
}

function pythonFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory()) return pythonFiles(full);
    return entry.endsWith(".py") ? [full] : [];
  });
}

function lineStartNear(text: string, offset: number): number {
  return text.lastIndexOf("\n", Math.max(0, offset - 1)) + 1;
}

const statements = [
  "value = compute(items, limit=10)\n",
  "if not message.is_multipart():\n",
  "for part in message.walk():\n",
  "return header.encode(charset)\n",
  "    result.append(line.strip())\n",
];

function typedLine(random: () => number): string {
  return statements[Math.floor(random() * statements.length)]!;
}

function generatedModule(random: () => number): string {
  const name = `helper_${Math.floor(random() * 1e6)}`;
  return `"""Written by the soak benchmark."""\n\n\ndef ${name}(values):\n    total = 0\n    for value in values:\n        total += value\n    return total\n`;
}
