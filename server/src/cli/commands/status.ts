/**
 * `hearth status`: what a server started from this installation would report in `hearth/status`, plus every
 * index this machine knows (the editor's and the CLI's), with files, chunks and database path.
 */

import type { Command } from "commander";
import { probeNativeModules } from "../../health/nativeModules";
import { baseStatus } from "../../health/serverStatus";
import { listKnownIndexes } from "../../index/knownIndexes";
import type { HearthStatus, IndexStatus } from "../../protocol";
import { openIndexDatabase } from "../../store/database";
import { IndexReader } from "../../store/indexReader";

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("show version, runtime, native modules, models and the indexes on this machine")
    .option("--json", "print one JSON object")
    .action((options: { json?: boolean }) => {
      const nativeModules = probeNativeModules();
      const sqliteLoads = nativeModules.some((module) => module.name === "better-sqlite3" && module.ok);
      const status: HearthStatus = {
        ...baseStatus(nativeModules),
        indexes: sqliteLoads ? knownIndexStatuses() : [],
      };
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      if (status.nativeModules.some((module) => !module.ok)) process.exitCode = 1;
    });
}

function formatStatus(status: HearthStatus): string {
  const lines = [
    `Hearth ${status.version}`,
    `runtime  Node ${status.server.node} (ABI ${status.server.nodeAbi}) on ${status.server.platform}-${status.server.arch}`,
    ...status.nativeModules.map(
      (module) => `native   ${module.name}: ${module.ok ? "ok" : `FAILED (${module.error})`}`,
    ),
    `backend  ${status.backend ? `${status.backend.gpu || "cpu"}, ${status.backend.threads} threads` : "not started"}`,
    ...(status.indexes.length
      ? status.indexes.flatMap((index) => [
          `index    ${index.root}: ${
            index.error
              ? `unreadable (${index.error})`
              : `${index.files} files, ${index.chunks} chunks, ${index.embeddedChunks} vectors`
          }`,
          `         ${index.databasePath}`,
        ])
      : ["index    none yet (`hearth index <dir>`, or open a folder in an editor with Hearth)"]),
  ];
  return `${lines.join("\n")}\n`;
}

/** Every index this machine knows (editor or CLI), read through a read-only connection. */
function knownIndexStatuses(): IndexStatus[] {
  return listKnownIndexes().map((known) => {
    const base = {
      root: known.root ?? `(unknown folder: ${known.databasePath})`,
      files: 0,
      chunks: 0,
      embeddedChunks: 0,
      embeddingModel: null,
      queuedFiles: 0,
      updatingFiles: 0,
      databasePath: known.databasePath,
    };
    try {
      const database = openIndexDatabase(known.databasePath, { readonly: true });
      try {
        const reader = new IndexReader(database);
        const counts = reader.counts();
        return {
          ...base,
          state: "idle" as const,
          files: counts.files,
          chunks: counts.chunks,
          embeddedChunks: counts.embeddings,
          embeddingModel: reader.vectorSpace()?.modelId ?? null,
          queuedFiles: 0,
          updatingFiles: 0,
        };
      } finally {
        database.close();
      }
    } catch (error) {
      return { ...base, state: "error" as const, error: (error as Error).message };
    }
  });
}
