/** Turns `HearthStatus` into the words shown by `Hearth: Show Status`. Pure: no `vscode` here. */

import type { HearthStatus } from "../../server/src/protocol";

export function summarizeStatus(status: HearthStatus): string {
  const broken = status.nativeModules.filter((module) => !module.ok).map((module) => module.name);
  const models = status.models?.filter((model) => model.state === "ready").map((model) => model.role) ?? [];
  return [
    `Hearth ${status.version}: server running (Node ${status.server.node}, pid ${status.server.pid})`,
    broken.length ? `native modules failing: ${broken.join(", ")}` : undefined,
    `models: ${models.length ? models.join(", ") : "none loaded"}`,
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

export function formatStatusReport(status: HearthStatus): string {
  return `Hearth status at ${new Date().toISOString()}:\n${JSON.stringify(status, null, 2)}`;
}
