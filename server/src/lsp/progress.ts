/** Turns index progress into LSP work-done progress (`$/progress`), which editors show as a progress bar. */

import type { Connection, WorkDoneProgressServerReporter } from "vscode-languageserver/node";
import type { ProgressSink } from "../index/workspaceIndex";

export function createProgressSink(connection: Connection, title: string, enabled: boolean): ProgressSink {
  let reporter: Promise<WorkDoneProgressServerReporter> | undefined;
  let lastReport = 0;
  return (progress) => {
    if (!enabled) return;
    if (progress === "end") {
      void reporter?.then((open) => open.done());
      reporter = undefined;
      return;
    }
    reporter ??= connection.window.createWorkDoneProgress().then((open) => {
      open.begin(title, 0, "scanning files", false);
      return open;
    });
    const now = Date.now();
    if (now - lastReport < 250) return;
    lastReport = now;
    const message =
      progress.phase === "embedding"
        ? `embedding chunks ${progress.done}/${progress.total}`
        : `scanning files: ${progress.done}${progress.path ? ` (${progress.path})` : ""}`;
    const percentage = progress.total ? Math.round((100 * progress.done) / progress.total) : undefined;
    void reporter.then((open) => open.report(percentage ?? 0, message));
  };
}
