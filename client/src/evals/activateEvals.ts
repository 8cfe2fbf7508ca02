/**
 * Evals in the extension, in one call for `extension.ts`: `Hearth: Run Evals` (the suite on this workspace,
 * run by the server in the background, with progress and Cancel), `Hearth: Run Evals with a Candidate Model...`
 * (the same cases with a second completion model, side by side, the user's settings untouched) and
 * `Hearth: Show Eval Report`. Thin: the server runs and stores everything; the report is `evalsPanel.ts`.
 */

import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  compareEvalRunsRequest,
  evalsDatabaseFileName,
  evalsProgressNotification,
  listEvalRunsRequest,
  type RunEvalsParams,
  type RunEvalsResult,
  runEvalsRequest,
} from "../../../server/src/protocol";
import { type EvalsData, EvalsPanel } from "./evalsPanel";

export function activateEvals(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  output: vscode.LogOutputChannel,
): void {
  const runningClient = (): LanguageClient => {
    const client = getClient();
    if (!client?.isRunning()) throw new Error("Hearth's language server is not running.");
    return client;
  };
  const data: EvalsData = {
    runs: () => runningClient().sendRequest(listEvalRunsRequest.type, {}),
    compare: (a, b) => runningClient().sendRequest(compareEvalRunsRequest.type, { a, b }),
  };
  // `hearth eval runs|compare|gate` in VS Code's terminals then use this workspace's evals database.
  context.environmentVariableCollection.replace(
    "HEARTH_EVALS_DB",
    path.join((context.storageUri ?? context.globalStorageUri).fsPath, evalsDatabaseFileName),
  );

  const run = async (params: RunEvalsParams): Promise<RunEvalsResult | undefined> => {
    let client: LanguageClient;
    try {
      client = runningClient();
    } catch (error) {
      void vscode.window.showErrorMessage(`Hearth: ${error instanceof Error ? error.message : error}`);
      return undefined;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Hearth: running evals", cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const listening = client.onNotification(evalsProgressNotification.type, (update) => {
          progress.report({ message: update.message, increment: Math.max(0, update.percentage - reported) });
          reported = Math.max(reported, update.percentage);
        });
        try {
          return await client.sendRequest(runEvalsRequest.type, params, token);
        } catch (error) {
          if (token.isCancellationRequested) return undefined;
          output.error(`evals failed: ${error instanceof Error ? error.message : error}`);
          void vscode.window.showErrorMessage(
            `Hearth evals failed: ${error instanceof Error ? error.message : error}`,
          );
          return undefined;
        } finally {
          listening.dispose();
        }
      },
    );
    if (!result) return undefined;
    const focus = result.candidate ?? result.baseline;
    if (focus.status !== "done") {
      void vscode.window.showWarningMessage(
        `Hearth evals ${focus.status}${focus.error ? `: ${focus.error}` : ""}.`,
      );
    }
    await EvalsPanel.show(context, data, {
      focus: focus.id,
      baseline: result.candidate ? result.baseline.id : null,
    });
    return result;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand("hearth.evals.run", (params?: RunEvalsParams) => run(params ?? {})),
    vscode.commands.registerCommand("hearth.evals.runWithCandidate", async (params?: RunEvalsParams) => {
      const candidateModel =
        params?.candidateModel ??
        (await vscode.window.showInputBox({
          title: "Hearth: candidate completion model",
          prompt:
            "A catalog id (`hearth models list`) or the path of a .gguf file. It runs on the same cases after your current model; your settings stay as they are.",
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() ? undefined : "Name a model"),
        }));
      if (!candidateModel?.trim()) return undefined;
      return run({ ...params, candidateModel: candidateModel.trim() });
    }),
    vscode.commands.registerCommand("hearth.evals.showReport", () =>
      EvalsPanel.show(context, data).catch((error) =>
        vscode.window.showErrorMessage(`Hearth: ${error instanceof Error ? error.message : error}`),
      ),
    ),
  );
}
