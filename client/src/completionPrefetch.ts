/**
 * Tells the server where the user put the cursor (a click, arrow keys, a jump), once it has settled, so the
 * server can prepare the suggestion for that place before the first keystroke. Cursor moves caused by
 * typing are left out: each keystroke already asks for a suggestion.
 */

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { type PrefetchCompletionParams, prefetchCompletionNotification } from "../../server/src/protocol";

/** How long the cursor must stay put; shorter would prefetch for every line an arrow key passes. */
const settleMs = 300;
/** A selection change this soon after an edit of the same document is the edit's own cursor move. */
const editEchoMs = 50;

export function activateCompletionPrefetch(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
): void {
  let timer: NodeJS.Timeout | undefined;
  let lastEdit = { uri: "", at: 0 };
  context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length) lastEdit = { uri: event.document.uri.toString(), at: Date.now() };
    }),
    vscode.window.onDidChangeTextEditorSelection((event) => {
      clearTimeout(timer);
      const document = event.textEditor.document;
      const uri = document.uri.toString();
      const selection = event.selections[0];
      if (event.selections.length !== 1 || !selection?.isEmpty) return;
      if (lastEdit.uri === uri && Date.now() - lastEdit.at < editEchoMs) return;
      const version = document.version;
      timer = setTimeout(() => {
        const client = getClient();
        if (!client?.isRunning() || document.version !== version) return;
        if (vscode.window.activeTextEditor?.document !== document) return;
        const params: PrefetchCompletionParams = {
          textDocument: { uri },
          position: { line: selection.active.line, character: selection.active.character },
        };
        client.sendNotification(prefetchCompletionNotification.type, params).catch(() => undefined);
      }, settleMs);
    }),
    { dispose: () => clearTimeout(timer) },
  );
}
