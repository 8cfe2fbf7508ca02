/** `hearth status`: what a server started from this installation would report in `hearth/status`. */

import type { Command } from "commander";
import { probeNativeModules } from "../../health/nativeModules";
import { baseStatus } from "../../health/serverStatus";
import type { HearthStatus } from "../../protocol";

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("show version, runtime, native modules, models and index state")
    .option("--json", "print one JSON object")
    .action((options: { json?: boolean }) => {
      const status = baseStatus(probeNativeModules());
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
      ? status.indexes.map(
          (index) => `index    ${index.root}: ${index.state}, ${index.files} files, ${index.chunks} chunks`,
        )
      : ["index    none (the CLI indexes with `hearth index <dir>`)"]),
  ];
  return `${lines.join("\n")}\n`;
}
