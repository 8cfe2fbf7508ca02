/**
 * API keys for remote engines: `Hearth: Set API Key for Remote Engine` asks for an endpoint (one named in the
 * settings, or another) and its key, keeps the key in VS Code's secret storage (never in settings), and hands
 * it to the language server: in the initialization options when the server starts and with
 * `hearth/engines/setApiKey` when the user sets one while it runs. The server keeps keys in memory only.
 */

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { setApiKeyNotification } from "../../../server/src/protocol";
import {
  configuredEndpoints,
  endpointKey,
  endpointProblem,
  secretName,
  tracingWouldLogKeys,
} from "./remoteKeyRules";

/** The endpoints that have a stored key (their addresses are not secret; the keys stay in secret storage). */
const endpointsStateKey = "hearth.remoteApiKeyEndpoints";

export interface RemoteApiKeys {
  /** Reads every stored key; call before the client starts. */
  load(): Promise<void>;
  /** The keys for the server's initialization options (empty while tracing would log them). */
  initializationKeys(): Record<string, string>;
}

export function activateRemoteApiKeys(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  output: vscode.LogOutputChannel,
): RemoteApiKeys {
  const keys = new Map<string, string>();
  const storedEndpoints = () => context.globalState.get<string[]>(endpointsStateKey, []);
  const withheld = () => {
    if (!tracingWouldLogKeys(vscode.workspace.getConfiguration("hearth").get("trace.server"))) return false;
    output.warn(
      "API keys for remote engines are not sent while hearth.trace.server is 'verbose' (the trace would show them); set it to 'messages' or 'off'.",
    );
    return true;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand("hearth.engines.setApiKey", async () => {
      const endpoint = await chooseEndpoint();
      if (!endpoint) return;
      const key = await vscode.window.showInputBox({
        title: `API key for ${endpoint}`,
        prompt:
          "Kept in VS Code's secret storage and sent only to this server. Leave empty to remove the key.",
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) return;
      const trimmed = key.trim();
      const endpoints = storedEndpoints().filter((stored) => stored !== endpoint);
      if (trimmed) {
        await context.secrets.store(secretName(endpoint), trimmed);
        keys.set(endpoint, trimmed);
        endpoints.push(endpoint);
      } else {
        await context.secrets.delete(secretName(endpoint));
        keys.delete(endpoint);
      }
      await context.globalState.update(endpointsStateKey, endpoints);
      const client = getClient();
      if (client?.isRunning() && !withheld()) {
        await client.sendNotification(setApiKeyNotification.type, { endpoint, key: trimmed || null });
      }
      void vscode.window.showInformationMessage(
        trimmed ? `Hearth: API key for ${endpoint} saved.` : `Hearth: API key for ${endpoint} removed.`,
      );
    }),
  );

  async function chooseEndpoint(): Promise<string | undefined> {
    const models = vscode.workspace.getConfiguration("hearth.models");
    const configured = configuredEndpoints({
      completion: models.get("completion"),
      chat: models.get("chat"),
      embedding: models.get("embedding"),
    });
    const other = "Another address…";
    const choice =
      configured.length === 0
        ? other
        : await vscode.window.showQuickPick([...configured, other], { title: "Which remote engine?" });
    if (choice !== other) return choice;
    const typed = await vscode.window.showInputBox({
      title: "Remote engine address",
      placeHolder: "http://gpu-box:8080",
      validateInput: (value) => endpointProblem(value),
      ignoreFocusOut: true,
    });
    return typed ? endpointKey(typed) : undefined;
  }

  return {
    load: async () => {
      for (const endpoint of storedEndpoints()) {
        const key = await context.secrets.get(secretName(endpoint));
        if (key) keys.set(endpoint, key);
      }
    },
    initializationKeys: () => (keys.size && !withheld() ? Object.fromEntries(keys) : {}),
  };
}
