/**
 * Chat in the extension, in one call for `extension.ts`: the sidebar view, its code-block actions (with the
 * proposal documents and commands behind Apply), and the commands of the view's title bar and the editor's
 * context menu.
 */

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { FeedbackEvent } from "../../../server/src/protocol";
import { ChatViewProvider, chatViewId } from "./chatView";
import { ChatCodeActions } from "./codeActions";

export const chatCommands = {
  newChat: "hearth.chat.newChat",
  showHistory: "hearth.chat.showHistory",
  askAboutSelection: "hearth.chat.askAboutSelection",
} as const;

export function activateChat(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  recordFeedback: (event: FeedbackEvent) => void,
  output: vscode.LogOutputChannel,
): void {
  // Focus moves to the chat view when the user clicks in it; Insert, Apply and @selection mean the editor
  // the user was in before.
  let lastEditor = vscode.window.activeTextEditor;
  const targetEditor = () => {
    const active = vscode.window.activeTextEditor;
    if (active && isFileEditor(active)) return active;
    return vscode.window.visibleTextEditors.find((editor) => editor === lastEditor);
  };
  const codeActions = new ChatCodeActions(output, targetEditor);
  const provider = new ChatViewProvider(
    context.extensionUri,
    getClient,
    codeActions,
    recordFeedback,
    targetEditor,
    output,
  );
  context.subscriptions.push(
    codeActions,
    provider,
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && isFileEditor(editor)) lastEditor = editor;
    }),
    vscode.window.registerWebviewViewProvider(chatViewId, provider),
    vscode.commands.registerCommand(chatCommands.newChat, () => provider.newChat()),
    vscode.commands.registerCommand(chatCommands.showHistory, async () => {
      await provider.reveal();
      provider.showHistory();
    }),
    vscode.commands.registerCommand(chatCommands.askAboutSelection, () => provider.reveal("@selection ")),
  );
}

function isFileEditor(editor: vscode.TextEditor): boolean {
  return editor.document.uri.scheme === "file" || editor.document.uri.scheme === "untitled";
}
