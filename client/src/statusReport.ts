/** Turns `HearthStatus` into the words shown by `Hearth: Show Status`. Pure: no `vscode` here. */

import type { HearthStatus } from "../../server/src/protocol";

export function summarizeStatus(status: HearthStatus): string {
  const broken = status.nativeModules.filter((module) => !module.ok).map((module) => module.name);
  const models = status.models?.filter((model) => model.state === "ready").map((model) => model.role) ?? [];
  return [
    `Hearth ${status.version}: server running (Node ${status.server.node}, pid ${status.server.pid})`,
    broken.length ? `native modules failing: ${broken.join(", ")}` : undefined,
    `models: ${models.length ? models.join(", ") : "none loaded"}`,
    remoteEngines(status),
    status.completion
      ? `completions: ${status.completion.requests} requests, ${status.completion.cacheAnswers} from cache, ` +
        `${status.completion.modelCalls} model calls (${status.completion.prefetches} prefetches), ` +
        `${status.completion.supersededRequests} cancelled ` +
        `(${status.completion.cancelledGenerations} mid-generation)`
      : undefined,
    `index: ${status.indexes.length ? status.indexes.map((index) => `${index.state}, ${index.files} files`).join(" / ") : "none"}`,
  ]
    .filter((part) => part !== undefined)
    .join("; ");
}

/** Roles served by remote engines: where, and whether the server answers. */
function remoteEngines(status: HearthStatus): string | undefined {
  const remote = status.models?.filter((model) => model.remote) ?? [];
  if (remote.length === 0) return undefined;
  const words = remote.map(({ role, remote: engine }) => {
    const state =
      engine!.reachable === null
        ? "not contacted yet"
        : engine!.reachable
          ? `reachable${engine!.latencyMs === null ? "" : `, ${engine!.latencyMs} ms`}`
          : "unreachable";
    return `${role} on ${engine!.endpoint} (${engine!.provider}, ${state})`;
  });
  return `remote: ${words.join(", ")}`;
}

export function formatStatusReport(status: HearthStatus): string {
  return `Hearth status at ${new Date().toISOString()}:\n${JSON.stringify(status, null, 2)}`;
}
