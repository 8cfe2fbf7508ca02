/**
 * Implicit feedback in the extension, in one call for `extension.ts`: capture (middleware, editor events,
 * the accept / partial-accept / dismiss commands, events the chat view records), the dashboard command and
 * the delete command.
 */

import * as vscode from "vscode";
import type { LanguageClient, Middleware } from "vscode-languageclient/node";
import {
  type FeedbackEvent,
  type FeedbackStats,
  type FeedbackStatsParams,
  feedbackDeleteRequest,
  feedbackStatsRequest,
} from "../../../server/src/protocol";
import { DashboardPanel } from "./dashboardPanel";
import { FeedbackCapture } from "./feedbackCapture";

export interface FeedbackFeature {
  /** Pass as `LanguageClientOptions.middleware`. */
  middleware: Middleware;
  /** Sends what is pending; call before stopping the client. */
  stop(): Promise<void>;
  /** The statistics the dashboard shows (for tests). */
  stats(): Promise<FeedbackStats>;
  /** Queues an event for the next batch (chat answers and actions). */
  record(event: FeedbackEvent): void;
}

export function activateFeedback(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  output: vscode.LogOutputChannel,
): FeedbackFeature {
  const capture = new FeedbackCapture(context, getClient, output);
  const runningClient = (): LanguageClient => {
    const client = getClient();
    if (!client?.isRunning()) throw new Error("Hearth's language server is not running.");
    return client;
  };
  const stats = async (): Promise<FeedbackStats> => {
    await capture.flushNow();
    const stats = await runningClient().sendRequest(
      feedbackStatsRequest.type,
      {} satisfies FeedbackStatsParams,
    );
    if (!stats) throw new Error("Hearth's server is still starting; try again in a moment.");
    return stats;
  };
  context.subscriptions.push(
    capture,
    vscode.commands.registerCommand("hearth.feedback.showDashboard", () =>
      DashboardPanel.show(context, stats),
    ),
    vscode.commands.registerCommand(
      "hearth.feedback.deleteAll",
      async (options?: { confirmed?: boolean }) => {
        if (!options?.confirmed) {
          const choice = await vscode.window.showWarningMessage(
            "Delete all of Hearth's feedback data for this workspace? Statistics, survival measurements and stored code " +
              "context go with it; this cannot be undone.",
            { modal: true },
            "Delete",
          );
          if (choice !== "Delete") return undefined;
        }
        capture.forgetAll();
        try {
          const result = await runningClient().sendRequest(feedbackDeleteRequest.type);
          void vscode.window.showInformationMessage(
            `Hearth deleted ${result.deletedEvents} feedback events.`,
          );
          return result;
        } catch (error) {
          void vscode.window.showErrorMessage(`Hearth: ${error instanceof Error ? error.message : error}`);
          return undefined;
        }
      },
    ),
  );
  return {
    middleware: capture.middleware,
    stop: () => capture.stop(),
    stats,
    record: (event) => capture.record(event),
  };
}
