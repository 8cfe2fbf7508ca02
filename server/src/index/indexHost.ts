/**
 * The index host: a child process of the language server that owns one workspace index. It is the index's
 * single writer, runs full passes and file updates one at a time, and embeds with its own copy of the
 * embedding model, so indexing never competes with a keystroke inside the server's event loop and a crash
 * while indexing cannot take the server down. The server starts it with a lower CPU priority.
 */

import { Logger, type LogLevel } from "../base/logger";
import { defaultSecretScanOptions, redactSecrets } from "../guardrails";
import { type Embedder, ModelEngine, RemoteCredentials, resolveModelsConfig } from "../models";
import type { IndexHostReply, IndexHostRequest, IndexHostSetup } from "./indexHostProtocol";
import { IndexSession } from "./indexSession";

export async function runIndexHost(setup: IndexHostSetup): Promise<void> {
  const send = (reply: IndexHostReply) => process.send?.(reply);
  const logger = new Logger(process.env.HEARTH_LOG_LEVEL === "debug" ? "debug" : "info");
  // stdout is not a protocol channel here, but the server relays stderr to its log.
  logger.addSink((level: LogLevel, message: string) => process.stderr.write(`[index ${level}] ${message}\n`));

  const credentials = RemoteCredentials.fromEnvironment();
  const takeKeys = (keys: Record<string, string>) => {
    for (const endpoint of credentials.endpoints()) credentials.set(endpoint, null);
    for (const [endpoint, key] of Object.entries(keys)) credentials.set(endpoint, key);
  };
  if (setup.waitForApiKeys) {
    await new Promise<void>((resolve) => {
      const first = (request: IndexHostRequest) => {
        if (request.kind !== "apiKeys") return;
        takeKeys(request.keys);
        process.off("message", first);
        resolve();
      };
      process.on("message", first);
    });
  }
  let engine: ModelEngine | undefined;
  let embedder: Embedder | undefined;
  let embeddingError: string | null = null;
  if (setup.models) {
    try {
      // Chunks sent to a remote embedding server are redacted whatever the stored-text setting says.
      const secrets = setup.config.secrets ?? defaultSecretScanOptions;
      engine = ModelEngine.create(resolveModelsConfig(setup.models), logger, {
        credentials,
        redactRemote: (text) => redactSecrets(text, secrets).text,
      });
      // No embedding model by choice (`none`) is lexical search as asked, not an error to show in status.
      if (engine.configuredModelId("embedding") !== null) embedder = await engine.embedder();
    } catch (error) {
      embeddingError = error instanceof Error ? error.message : String(error);
      logger.warn(`indexing without vectors: ${embeddingError}`);
    }
  }
  const session = new IndexSession({
    root: setup.root,
    databasePath: setup.databasePath,
    config: setup.config,
    embedder,
    logger,
    // The server tells the user (once) and shows it in status.
    onRebuilt: (notice) => send({ kind: "rebuilt", ...notice }),
  });
  send({
    kind: "ready",
    embeddingModel: embedder?.modelId ?? null,
    embeddingError,
    totals: session.totals(),
  });
  // Totals walk every chunk: during a long pass they are sent with progress at most this often.
  const totalsIntervalMs = 2_000;
  let totalsSentAt = Date.now();

  const running = new Map<number, AbortController>();
  // Jobs that write run one after another; query embeddings do not wait for them.
  let writeQueue: Promise<unknown> = Promise.resolve();

  const fail = (id: number, error: unknown, signal?: AbortSignal) =>
    send({
      kind: "failed",
      id,
      message: error instanceof Error ? error.message : String(error),
      cancelled: signal?.aborted ?? false,
    });

  process.on("message", (request: IndexHostRequest) => {
    if (request.kind === "apiKeys") {
      takeKeys(request.keys);
      return;
    }
    if (request.kind === "cancel") {
      running.get(request.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(request.id, controller);
    const finish = () => running.delete(request.id);
    if (request.kind === "embedQuery") {
      if (!embedder) {
        fail(request.id, new Error(embeddingError ?? "no embedding model is configured"));
        finish();
        return;
      }
      embedder
        .embedQueries([request.text], controller.signal)
        .then(([vector]) => send({ kind: "vector", id: request.id, vector: Array.from(vector!) }))
        .catch((error) => fail(request.id, error, controller.signal))
        .finally(finish);
      return;
    }
    writeQueue = writeQueue.then(async () => {
      try {
        if (request.kind === "fullPass") {
          const stats = await session.runFullPass((progress) => {
            const due = Date.now() - totalsSentAt >= totalsIntervalMs;
            if (due) totalsSentAt = Date.now();
            send({
              kind: "progress",
              id: request.id,
              progress,
              ...(due ? { totals: session.totals() } : {}),
            });
          }, controller.signal);
          send({ kind: "passDone", id: request.id, stats, totals: session.totals() });
        } else if (request.kind === "update") {
          const result = await session.updateFiles(request.paths, controller.signal);
          send({ kind: "updateDone", id: request.id, ...result, totals: session.totals() });
        } else {
          const rebuilt = session.repair(request.reason, request.force);
          send({ kind: "repaired", id: request.id, rebuilt, totals: session.totals() });
        }
      } catch (error) {
        fail(request.id, error, controller.signal);
      } finally {
        finish();
      }
    });
  });

  process.on("disconnect", () => {
    for (const controller of running.values()) controller.abort();
    void writeQueue.finally(async () => {
      session.close();
      await engine?.dispose();
      process.exit(0);
    });
  });
}
