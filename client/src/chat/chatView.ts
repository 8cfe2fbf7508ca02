/**
 * The chat view in VS Code's sidebar (a `WebviewView`): sends questions as `hearth/chat` requests, routes
 * `hearth/chat/delta` notifications to the streaming turn, cancels the request on Stop (its
 * CancellationToken), and serves the webview's other messages: citations open the editor at the cited lines,
 * code-block actions go to `ChatCodeActions`, history goes to `hearth/chat/conversations|conversation|delete`,
 * and answers, actions, regenerations and thumbs become feedback events. The conversation lives here
 * (`ChatTranscript`), so a hidden and rebuilt webview shows it again.
 */

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  type ChatActionEvent,
  type ChatParams,
  type ChatResult,
  type ChatSelection,
  chatDeltaNotification,
  chatRequest,
  deleteConversationsRequest,
  type FeedbackEvent,
  getConversationRequest,
  listConversationsRequest,
} from "../../../server/src/protocol";
import { describeChatError } from "./chatErrors";
import { type HostMessage, type MentionItem, parseViewMessage, type ViewMessage } from "./chatMessages";
import { ChatTranscript } from "./chatTranscript";
import { renderChatViewHtml } from "./chatViewHtml";
import type { ChatCodeActions } from "./codeActions";
import { isMentionable, mentionsSelection } from "./mentions";

export const chatViewId = "hearth.chatView";

/** How long after Stop the view waits for the server's final answer before freeing itself. */
const stopGraceMs = 5_000;

interface ActiveRequest {
  turn: string;
  cancel: vscode.CancellationTokenSource;
  stopTimer?: NodeJS.Timeout;
}

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly transcript = new ChatTranscript();
  private request: ActiveRequest | undefined;
  private readonly listening = new WeakSet<LanguageClient>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getClient: () => LanguageClient | undefined,
    private readonly codeActions: ChatCodeActions,
    private readonly recordFeedback: (event: FeedbackEvent) => void,
    private readonly targetEditor: () => vscode.TextEditor | undefined,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const folder = vscode.Uri.joinPath(this.extensionUri, "out", "client", "chat");
    view.webview.options = { enableScripts: true, localResourceRoots: [folder] };
    view.webview.html = renderChatViewHtml({
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(folder, "chatView.js")).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(folder, "chatViewStyle.css")).toString(),
      cspSource: view.webview.cspSource,
      nonce: globalThis.crypto.randomUUID().replace(/-/g, ""),
    });
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => {
        const parsed = parseViewMessage(message);
        if (!parsed) {
          this.output.warn("chat: dropped a malformed message from the chat view");
          return;
        }
        this.onMessage(parsed).catch((error) =>
          this.output.error(`chat: ${parsed.type} failed: ${describeChatError(error)}`),
        );
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
      }),
    );
  }

  /** Shows the view and puts `text` into its input (commands such as "Ask About Selection"). */
  async reveal(prefill?: string): Promise<void> {
    await vscode.commands.executeCommand(`${chatViewId}.focus`);
    if (prefill) this.post({ type: "prefill", text: prefill });
  }

  newChat(): void {
    this.stop();
    this.transcript.clear();
    this.postState();
  }

  showHistory(): void {
    this.post({ type: "showHistory" });
  }

  dispose(): void {
    this.request?.cancel.cancel();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private async onMessage(message: ViewMessage): Promise<void> {
    switch (message.type) {
      case "ready":
        this.postState();
        return;
      case "ask":
        return this.ask(message.question);
      case "stop":
        this.stop();
        return;
      case "regenerate":
        return this.regenerate(message.turn);
      case "newChat":
        this.newChat();
        return;
      case "openCitation":
        return this.openCitation(message.turn, message.citation);
      case "openLink":
        if (/^https?:\/\//i.test(message.href)) await vscode.env.openExternal(vscode.Uri.parse(message.href));
        return;
      case "codeAction":
        return this.codeAction(message);
      case "rate":
        return this.rate(message.turn, message.rating);
      case "listHistory":
        return this.listHistory();
      case "openConversation":
        return this.openConversation(message.conversationId);
      case "deleteConversation":
        return this.deleteConversations(message.conversationId);
      case "mentionQuery":
        this.post({
          type: "mentionItems",
          requestId: message.requestId,
          items: await mentionItems(message.kind, message.query),
        });
        return;
      case "openChatModelSetting":
        await vscode.commands.executeCommand("workbench.action.openSettings", "hearth.models.chat");
        return;
    }
  }

  private async ask(question: string): Promise<void> {
    const id = globalThis.crypto.randomUUID();
    if (!this.transcript.ask(question, id)) return;
    this.postState();
    await this.run(id, { question, ...this.selectionFor(question) });
  }

  private async regenerate(turn: string): Promise<void> {
    const id = globalThis.crypto.randomUUID();
    const regenerated = this.transcript.regenerate(turn, id);
    if (!regenerated) return;
    if (regenerated.replacedAnswerId) this.recordAction("regenerated", regenerated.replacedAnswerId);
    this.postState();
    await this.run(id, {
      question: regenerated.question,
      regenerate: true,
      ...this.selectionFor(regenerated.question),
    });
  }

  /** Sends one `hearth/chat` request for the streaming turn `id` and settles the turn with its outcome. */
  private async run(id: string, params: Omit<ChatParams, "clientTurnId" | "conversationId">): Promise<void> {
    const cancel = new vscode.CancellationTokenSource();
    this.request = { turn: id, cancel };
    try {
      const client = this.runningClient();
      const conversationId = this.transcript.conversationId;
      const result: ChatResult = await client.sendRequest(
        chatRequest.type,
        { ...params, ...(conversationId ? { conversationId } : {}), clientTurnId: id },
        cancel.token,
      );
      const turn = this.transcript.finish(id, result);
      if (turn) this.recordAnswer(result);
    } catch (error) {
      this.transcript.fail(id, describeChatError(error));
    } finally {
      if (this.request?.turn === id) {
        clearTimeout(this.request.stopTimer);
        this.request = undefined;
      }
      cancel.dispose();
      this.postState();
    }
  }

  /** Stop: cancels the request; the server answers with what was written so far (`stopReason: cancelled`). */
  private stop(): void {
    const request = this.request;
    if (!request || request.cancel.token.isCancellationRequested) return;
    request.cancel.cancel();
    request.stopTimer = setTimeout(() => {
      if (this.request !== request) return;
      this.request = undefined;
      this.transcript.fail(
        request.turn,
        "Stopped. The server did not confirm in time; its answer will be ignored.",
      );
      this.postState();
    }, stopGraceMs);
  }

  private runningClient(): LanguageClient {
    const client = this.getClient();
    if (!client?.isRunning()) throw new Error("Hearth's language server is not running.");
    if (!this.listening.has(client)) {
      this.listening.add(client);
      client.onNotification(chatDeltaNotification.type, (params) => {
        const turn = this.transcript.delta(params);
        if (turn) this.post({ type: "delta", turn: turn.id, text: turn.text });
      });
    }
    return client;
  }

  /** The editor's selection, sent when the question names `@selection`. */
  private selectionFor(question: string): { selection?: ChatSelection } {
    if (!mentionsSelection(question)) return {};
    const editor = this.targetEditor();
    if (!editor || editor.selection.isEmpty) return {};
    const { start, end } = editor.selection;
    return {
      selection: {
        uri: editor.document.uri.toString(),
        range: {
          start: { line: start.line, character: start.character },
          end: { line: end.line, character: end.character },
        },
        text: editor.document.getText(editor.selection),
      },
    };
  }

  private async openCitation(turnId: string, index: number): Promise<void> {
    const citation = this.transcript.turn(turnId)?.citations[index];
    if (!citation) return;
    try {
      const uri = citationUri(citation.uri, citation.path);
      const document = await vscode.workspace.openTextDocument(uri);
      const last = Math.max(0, document.lineCount - 1);
      const startLine = Math.min(Math.max(0, citation.startLine - 1), last);
      const endLine = Math.min(Math.max(startLine, citation.endLine - 1), last);
      const range = new vscode.Range(startLine, 0, endLine, document.lineAt(endLine).text.length);
      const editor = await vscode.window.showTextDocument(document, {
        selection: range,
        preview: true,
        viewColumn: vscode.ViewColumn.Active,
      });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (error) {
      void vscode.window.showWarningMessage(
        `Hearth could not open ${citation.path}: ${describeChatError(error).replace(/^Hearth could not answer: /, "")}`,
      );
    }
  }

  private async codeAction(message: Extract<ViewMessage, { type: "codeAction" }>): Promise<void> {
    const answerId = this.transcript.turn(message.turn)?.answerId;
    const chars =
      message.action === "copy"
        ? await this.codeActions.copy(message.code)
        : message.action === "insert"
          ? await this.codeActions.insert(message.code)
          : await this.codeActions.apply(message.code, message.info);
    if (chars === undefined || !answerId) return;
    const type = ({ copy: "copied", insert: "inserted", apply: "applied" } as const)[message.action];
    this.recordAction(type, answerId, chars);
  }

  private rate(turn: string, rating: "up" | "down"): void {
    const answerId = this.transcript.rate(turn, rating);
    if (!answerId) return;
    this.recordFeedback({ ...eventBase(answerId), surface: "chat", type: "rated", rating });
    this.postState();
  }

  private async listHistory(): Promise<void> {
    try {
      const conversations = await this.runningClient().sendRequest(listConversationsRequest.type);
      this.post({ type: "history", conversations });
    } catch (error) {
      this.post({ type: "history", conversations: [], error: describeChatError(error) });
    }
  }

  private async openConversation(conversationId: string): Promise<void> {
    try {
      const turns = await this.runningClient().sendRequest(getConversationRequest.type, { conversationId });
      if (!turns) {
        void vscode.window.showWarningMessage("Hearth: that conversation no longer exists.");
        return this.listHistory();
      }
      this.stop();
      this.transcript.load(conversationId, turns);
      this.postState();
    } catch (error) {
      void vscode.window.showErrorMessage(describeChatError(error));
    }
  }

  private async deleteConversations(conversationId: string | undefined): Promise<void> {
    const question = conversationId
      ? "Delete this conversation? This cannot be undone."
      : "Delete all of Hearth's stored conversations for this workspace? This cannot be undone.";
    const choice = await vscode.window.showWarningMessage(question, { modal: true }, "Delete");
    if (choice !== "Delete") return;
    try {
      await this.runningClient().sendRequest(
        deleteConversationsRequest.type,
        conversationId ? { conversationId } : {},
      );
      if (!conversationId || conversationId === this.transcript.conversationId) this.newChat();
    } catch (error) {
      void vscode.window.showErrorMessage(describeChatError(error));
    }
    await this.listHistory();
  }

  private recordAnswer(result: ChatResult): void {
    this.recordFeedback({
      ...eventBase(result.turnId),
      surface: "chat",
      type: "answered",
      stopReason: result.stopReason,
      chars: result.answer.length,
      citations: result.citations.length,
      ...(result.timings.timeToFirstTokenMs !== null
        ? { timeToFirstTokenMs: Math.round(result.timings.timeToFirstTokenMs) }
        : {}),
      totalMs: Math.round(result.timings.totalMs),
    });
  }

  private recordAction(type: ChatActionEvent["type"], answerId: string, chars?: number): void {
    this.recordFeedback({
      ...eventBase(answerId),
      surface: "chat",
      type,
      ...(chars === undefined ? {} : { chars }),
    });
  }

  private postState(): void {
    this.post({ type: "state", state: this.transcript.snapshot() });
  }

  private post(message: HostMessage): void {
    void this.view?.webview.postMessage(message);
  }
}

function eventBase(subjectId: string) {
  return { eventId: globalThis.crypto.randomUUID(), at: Date.now(), subjectId };
}

function citationUri(uri: string, path: string): vscode.Uri {
  if (uri) return vscode.Uri.parse(uri, true);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error("no workspace folder is open");
  return vscode.Uri.joinPath(folder.uri, path);
}

/** Candidates after `@file:` (workspace files whose path contains the query) or `@symbol:`. */
async function mentionItems(kind: "file" | "symbol", query: string): Promise<MentionItem[]> {
  if (kind === "file") {
    const needle = query.replace(/[[\]{}*?!]/g, "");
    const files = await vscode.workspace.findFiles(
      needle ? `**/*${needle}*` : "**/*",
      "**/{node_modules,.git,out,dist}/**",
      200,
    );
    const paths = files.map((uri) => vscode.workspace.asRelativePath(uri, false));
    const lower = needle.toLowerCase();
    // Paths that contain the query as typed rank first, then by length.
    return paths
      .filter((path) => isMentionable(path) && path.toLowerCase().includes(lower))
      .sort((left, right) => left.length - right.length || left.localeCompare(right))
      .slice(0, 30)
      .map((value) => ({ value }));
  }
  if (!query) return [];
  const symbols =
    (await vscode.commands.executeCommand<vscode.SymbolInformation[]>(
      "vscode.executeWorkspaceSymbolProvider",
      query,
    )) ?? [];
  const seen = new Set<string>();
  const items: MentionItem[] = [];
  for (const symbol of symbols) {
    if (seen.has(symbol.name) || !isMentionable(symbol.name)) continue;
    seen.add(symbol.name);
    items.push({
      value: symbol.name,
      detail: `${vscode.SymbolKind[symbol.kind]} · ${vscode.workspace.asRelativePath(symbol.location.uri, false)}`,
    });
    if (items.length === 30) break;
  }
  return items;
}
