/**
 * Hearth's VS Code extension: starts the language server, shows its state, and exposes a small API
 * (used by tests). Thin by design: logic lives in the server.
 */

import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  type ErrorHandler,
  LanguageClient,
  type LanguageClientOptions,
  type Middleware,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { type HearthStatus, statusRequest } from "../../server/src/protocol";
import { activateChat } from "./chat/activateChat";
import { activateCompletionPrefetch } from "./completionPrefetch";
import { activateRemoteApiKeys, type RemoteApiKeys } from "./engines/remoteApiKeys";
import { activateEvals } from "./evals/activateEvals";
import { activateFeedback, type FeedbackFeature } from "./feedback/activateFeedback";
import { activateCudaSupport } from "./gpu/cudaSupport";
import { CrashPolicy, restartWindowMs } from "./lsp/crashPolicy";
import { type NodeRuntime, resolveNodeRuntime, serverInspectArgs } from "./lsp/serverLaunch";
import { activateReview } from "./review/activateReview";
import { HearthStatusBar } from "./statusBar";
import { formatStatusReport, summarizeStatus } from "./statusReport";

export interface HearthApi {
  /** Resolves once the language server has started (or rejects with the reason it could not). */
  ready: Promise<void>;
  status(): Promise<HearthStatus>;
}

let client: LanguageClient | undefined;
let feedback: FeedbackFeature | undefined;

export function activate(context: vscode.ExtensionContext): HearthApi {
  const output = vscode.window.createOutputChannel("Hearth", { log: true });
  const statusBar = new HearthStatusBar();
  context.subscriptions.push(output, statusBar);
  feedback = activateFeedback(context, () => client, output);
  activateCompletionPrefetch(context, () => client);
  activateChat(context, () => client, feedback.record, output);
  activateReview(context, () => client, feedback.record, output);
  activateCudaSupport(context, output);
  const remoteApiKeys = activateRemoteApiKeys(context, () => client, output);
  activateEvals(context, () => client, output);

  const crashPolicy = new CrashPolicy();
  const errorHandler: ErrorHandler = {
    // One bad message is not a crash; `closed` handles the process going away.
    error: () => ({ action: ErrorAction.Continue, handled: true }),
    closed: () => {
      const decision = crashPolicy.recordCrash();
      if (decision.restart) {
        statusBar.show("restarting");
        output.warn("The server exited unexpectedly; restarting it.");
        return { action: CloseAction.Restart, handled: true };
      }
      const message =
        `Hearth's language server stopped ${decision.crashesInWindow} times in ${restartWindowMs / 60_000} minutes ` +
        "and will not be restarted. See the Hearth output for the reason, then run 'Hearth: Restart Server'.";
      statusBar.show("stopped", undefined, message);
      return { action: CloseAction.DoNotRestart, message };
    },
  };

  async function requestStatus(): Promise<HearthStatus> {
    if (!client?.isRunning()) throw new Error("Hearth's language server is not running.");
    return client.sendRequest(statusRequest.type);
  }

  async function refreshStatusBar(): Promise<void> {
    try {
      statusBar.show("running", await requestStatus());
    } catch (error) {
      statusBar.show("stopped", undefined, String(error));
    }
  }

  const ready = (async () => {
    let runtime: NodeRuntime;
    try {
      runtime = resolveNodeRuntime(
        vscode.workspace.getConfiguration("hearth").get<string>("server.nodePath", ""),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      statusBar.show("stopped", undefined, message);
      output.info(message);
      void vscode.window.showErrorMessage(message, "Open Settings").then((choice) => {
        if (choice)
          void vscode.commands.executeCommand("workbench.action.openSettings", "hearth.server.nodePath");
      });
      throw error;
    }
    output.info(`Starting the server with Node ${runtime.version} at ${runtime.path} (${runtime.source}).`);
    await remoteApiKeys.load();
    client = createClient(context, runtime, output, errorHandler, feedback.middleware, remoteApiKeys);
    client.onDidChangeState((change) => {
      if (change.newState === State.Running) void refreshStatusBar();
      if (change.newState === State.Starting) statusBar.show("starting");
    });
    await client.start();
    await refreshStatusBar();
  })();
  ready.catch((error) => output.info(`Hearth did not start: ${error}`));

  context.subscriptions.push(
    vscode.commands.registerCommand("hearth.showStatus", async () => {
      try {
        const status = await requestStatus();
        output.info(formatStatusReport(status));
        void vscode.window.showInformationMessage(summarizeStatus(status), "Show Details").then((choice) => {
          if (choice) output.show(true);
        });
      } catch (error) {
        void vscode.window.showErrorMessage(`Hearth: ${error instanceof Error ? error.message : error}`);
      }
    }),
    vscode.commands.registerCommand("hearth.restartServer", async () => {
      if (!client) return;
      crashPolicy.reset();
      statusBar.show("restarting");
      await client.restart();
    }),
  );

  return { ready, status: requestStatus };
}

export async function deactivate(): Promise<void> {
  await feedback?.stop();
  await client?.stop();
}

function createClient(
  context: vscode.ExtensionContext,
  runtime: NodeRuntime,
  output: vscode.LogOutputChannel,
  errorHandler: ErrorHandler,
  middleware: Middleware,
  remoteApiKeys: RemoteApiKeys,
): LanguageClient {
  const server = {
    module: context.asAbsolutePath("out/cli/hearth.mjs"),
    runtime: runtime.path,
    args: ["serve"],
    transport: TransportKind.ipc,
    // F5 in this repository sets HEARTH_SERVER_INSPECT so the debugger can attach to the server.
    options: { execArgv: serverInspectArgs(process.env) },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    // The index lives in VS Code's storage for this workspace, never inside the repository.
    // A function, so a restarted server gets the keys set since; keys travel in memory, never in settings.
    initializationOptions: () => ({
      storagePath: (context.storageUri ?? context.globalStorageUri).fsPath,
      remoteApiKeys: remoteApiKeys.initializationKeys(),
    }),
    outputChannel: output,
    errorHandler,
    middleware,
  };
  return new LanguageClient("hearth", "Hearth", { run: server, debug: server }, clientOptions);
}
