/**
 * Captures implicit feedback on inline suggestions inside VS Code and sends it to the server as
 * `hearth/feedback/events` notifications. The glue between VS Code's events and the pure
 * `SuggestionTracker` / `ActivityMeter`; everything it decides is decided there.
 *
 * - Shown: the languageclient middleware sees every answer of the inline completion provider; an item that
 *   arrives while the editor is still at the request's position is shown. Its `command` is replaced by
 *   `hearth.feedback.accepted` with the suggestion's subject id, which VS Code runs after a full accept.
 * - Partial accepts: VS Code 1.91's stable API has no callback for them (`handleDidPartiallyAccept...` is
 *   proposed API), so Hearth binds the accept-next-word key to a wrapper (`hearth.inline.acceptNextWord`,
 *   likewise `...acceptNextLine`) that announces the accept and runs VS Code's command; the insertion that
 *   follows is then read as that partial accept.
 * - Escape: bound to `hearth.inline.dismiss` while a suggestion is visible, which records it and runs VS
 *   Code's hide command. Typing over, cursor moves, newer suggestions, other editors: from editor events.
 */

import * as path from "node:path";
import * as vscode from "vscode";
import type { LanguageClient, Middleware } from "vscode-languageclient/node";
import {
  type FeedbackEvent,
  type FeedbackEventsParams,
  feedbackDatabaseFileName,
  feedbackEventsNotification,
  type InlineSuggestionRef,
  type SuggestionFacts,
  suggestionAcceptedCommand,
} from "../../../server/src/protocol";
import { ActivityMeter } from "./activityMeter";
import {
  type ClientFeedbackSettings,
  resolveClientFeedbackSettings,
  testClockSetting,
  testClockVariable,
} from "./feedbackSettings";
import { SuggestionTracker } from "./suggestionTracker";

/** Commands bound to keys (package.json `keybindings`) or run by the item. */
export const feedbackCommands = {
  accepted: suggestionAcceptedCommand,
  acceptNextWord: "hearth.inline.acceptNextWord",
  acceptNextLine: "hearth.inline.acceptNextLine",
  dismiss: "hearth.inline.dismiss",
} as const;

const sendIntervalMs = 2_000;
const activityIntervalMs = 60_000;
const tickIntervalMs = 250;
/** Events kept while the server is not running; the oldest are dropped beyond this. */
const maxQueuedEvents = 5_000;

export class FeedbackCapture implements vscode.Disposable {
  private settings: ClientFeedbackSettings;
  private tracker: SuggestionTracker;
  private readonly activity = new ActivityMeter(newId());
  private queue: FeedbackEvent[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly getClient: () => LanguageClient | undefined,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.settings = this.readSettings();
    this.tracker = this.createTracker();
    if (this.settings.clockFactor !== 1) {
      output.info(
        `feedback: test clock ${this.settings.clockFactor} (${testClockVariable} or ${testClockSetting}) shortens survival checkpoints`,
      );
    }
    const storage = (context.storageUri ?? context.globalStorageUri).fsPath;
    // `hearth stats` in VS Code's terminals then reads this workspace's feedback without --db.
    context.environmentVariableCollection.replace(
      "HEARTH_FEEDBACK_DB",
      path.join(storage, feedbackDatabaseFileName),
    );
    context.environmentVariableCollection.description =
      "Hearth: where `hearth stats` finds this workspace's feedback";

    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
      vscode.window.onDidChangeTextEditorSelection((event) => this.onSelectionChanged(event)),
      vscode.window.onDidChangeActiveTextEditor((editor) =>
        this.whenEnabled(() =>
          this.tracker.activeDocumentChanged(editor?.document.uri.toString(), Date.now()),
        ),
      ),
      vscode.workspace.onDidCloseTextDocument((document) =>
        this.whenEnabled(() => this.tracker.documentClosed(document.uri.toString(), Date.now())),
      ),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth.feedback")) this.reconfigure();
      }),
      vscode.commands.registerCommand(feedbackCommands.accepted, (argument: unknown) =>
        this.onAcceptCommand(argument),
      ),
      vscode.commands.registerCommand(feedbackCommands.acceptNextWord, () => this.partialAccept("word")),
      vscode.commands.registerCommand(feedbackCommands.acceptNextLine, () => this.partialAccept("line")),
      vscode.commands.registerCommand(feedbackCommands.dismiss, () => this.dismiss()),
    );
    this.timers.push(
      setInterval(
        () => this.whenEnabled(() => this.tracker.tick(Date.now(), textOfOpenDocument)),
        tickIntervalMs,
      ),
      setInterval(() => void this.send(), sendIntervalMs),
      setInterval(() => this.flushActivity(), activityIntervalMs),
    );
  }

  /** For `LanguageClientOptions.middleware`. */
  readonly middleware: Middleware = {
    provideInlineCompletionItems: async (document, position, context, token, next) => {
      if (!this.settings.enabled) return next(document, position, context, token);
      const started = performance.now();
      const version = document.version;
      const result = await next(document, position, context, token);
      try {
        this.onAnswer(document, position, context, result, performance.now() - started, version, token);
      } catch (error) {
        this.output.error(`feedback: could not record a suggestion: ${error}`);
      }
      return result;
    },
  };

  /**
   * Queues an event recorded elsewhere in the extension (the chat view's answers and actions); it goes out
   * with the next batch, like the inline events. Nothing is kept while collection is off.
   */
  record(event: FeedbackEvent): void {
    if (this.settings.enabled) this.enqueue(event);
  }

  /** Sends queued events now (before asking the server for statistics, and on shutdown). */
  async send(): Promise<void> {
    if (this.queue.length === 0) return;
    const client = this.getClient();
    if (!client?.isRunning()) return;
    const events = this.queue;
    this.queue = [];
    try {
      await client.sendNotification(feedbackEventsNotification.type, {
        events,
      } satisfies FeedbackEventsParams);
    } catch (error) {
      this.output.warn(`feedback: could not send ${events.length} event(s), will retry: ${error}`);
      this.queue = [...events, ...this.queue].slice(-maxQueuedEvents);
    }
  }

  /** Adds the typing activity so far to the queue and sends everything (before statistics are read). */
  async flushNow(): Promise<void> {
    this.flushActivity();
    await this.send();
  }

  /** Ends what is pending (as ignored), flushes activity and sends everything; for deactivation. */
  async stop(): Promise<void> {
    if (this.settings.enabled) {
      this.tracker.stop(Date.now());
      this.flushActivity();
    }
    await this.send();
  }

  /** After the user deleted all feedback: forget everything not yet sent. */
  forgetAll(): void {
    this.tracker.clear();
    this.activity.flush(Date.now(), newId);
    this.queue = [];
  }

  dispose(): void {
    for (const timer of this.timers) clearInterval(timer);
    for (const disposable of this.disposables) disposable.dispose();
  }

  private onAnswer(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    result: vscode.InlineCompletionItem[] | vscode.InlineCompletionList | null | undefined,
    latencyMs: number,
    version: number,
    token: vscode.CancellationToken,
  ): void {
    // An answer that arrives after the user typed on is never shown, so it is not an opportunity either.
    if (token.isCancellationRequested || document.version !== version) return;
    const editor = vscode.window.activeTextEditor;
    if (
      editor?.document !== document ||
      !editor.selection.isEmpty ||
      !editor.selection.active.isEqual(position)
    )
      return;
    this.activity.request(document.languageId);
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    const item = items[0];
    if (!item || typeof item.insertText !== "string") return;
    const ref = suggestionRef(item.command?.arguments?.[0]);
    if (!ref) return;
    // The item may replace text typed before the cursor; what it adds at the cursor is what is shown.
    let text = item.insertText;
    if (item.range?.start.isBefore(position)) {
      const typed = document.getText(new vscode.Range(item.range.start, position));
      if (!text.startsWith(typed)) return;
      text = text.slice(typed.length);
    }
    if (!text) return;
    const anchor = document.offsetAt(position);
    const lineStart = document.offsetAt(position.with(undefined, 0));
    const { id } = ref;
    const facts = factsOf(ref);
    const subjectId = this.tracker.shown(
      {
        id,
        documentKey: document.uri.toString(),
        language: document.languageId,
        trigger: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? "invoked" : "automatic",
        anchor,
        text,
        lineStart,
        lineLead: document.getText(new vscode.Range(position.with(undefined, 0), position)),
        latencyMs,
        facts,
      },
      Date.now(),
    );
    item.command = {
      title: "Hearth: suggestion accepted",
      command: feedbackCommands.accepted,
      arguments: [subjectId],
    };
  }

  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (!this.settings.enabled || event.contentChanges.length === 0 || !isTracked(event.document)) return;
    const now = Date.now();
    this.tracker.documentChanged(
      event.document.uri.toString(),
      event.contentChanges.map((change) => ({
        offset: change.rangeOffset,
        length: change.rangeLength,
        text: change.text,
      })),
      now,
    );
    if (event.reason === undefined && vscode.window.activeTextEditor?.document === event.document) {
      // Typing inserts a character or an auto-closed pair; longer insertions are pastes and accepts.
      const typed = event.contentChanges.reduce(
        (sum, change) => sum + (change.text.length <= 2 ? change.text.length : 0),
        0,
      );
      this.activity.edit(event.document.languageId, typed, now);
    }
  }

  private onSelectionChanged(event: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.settings.enabled || !isTracked(event.textEditor.document)) return;
    const document = event.textEditor.document;
    this.tracker.selectionChanged(
      document.uri.toString(),
      event.selections.map((selection) => ({
        start: document.offsetAt(selection.start),
        end: document.offsetAt(selection.end),
      })),
      Date.now(),
    );
  }

  private onAcceptCommand(argument: unknown): void {
    if (!this.settings.enabled) return;
    const id = typeof argument === "string" ? argument : suggestionRef(argument)?.id;
    if (!id) return;
    const editor = vscode.window.activeTextEditor;
    this.tracker.acceptCommand(
      id,
      Date.now(),
      editor?.document.uri.toString(),
      editor ? editor.document.offsetAt(editor.selection.active) : undefined,
    );
  }

  private async partialAccept(unit: "word" | "line"): Promise<void> {
    if (this.settings.enabled) this.tracker.partialAcceptIntent(unit, Date.now());
    await vscode.commands.executeCommand(
      unit === "word"
        ? "editor.action.inlineSuggest.acceptNextWord"
        : "editor.action.inlineSuggest.acceptNextLine",
    );
  }

  private async dismiss(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (this.settings.enabled && editor) this.tracker.escape(editor.document.uri.toString(), Date.now());
    await vscode.commands.executeCommand("editor.action.inlineSuggest.hide");
  }

  private flushActivity(): void {
    if (!this.settings.enabled) return;
    this.enqueue(...this.activity.flush(Date.now(), newId));
  }

  private enqueue(...events: FeedbackEvent[]): void {
    this.queue.push(...events);
    if (this.queue.length > maxQueuedEvents) this.queue = this.queue.slice(-maxQueuedEvents);
  }

  private whenEnabled(action: () => void): void {
    if (this.settings.enabled) action();
  }

  private reconfigure(): void {
    const previous = this.settings;
    this.settings = this.readSettings();
    if (previous.enabled && !this.settings.enabled) {
      // Switched off: what was pending is not reported; what was recorded before is still sent.
      this.tracker.clear();
      this.activity.flush(Date.now(), newId);
    }
    if (previous.keepContext !== this.settings.keepContext) {
      this.tracker.stop(Date.now());
      this.tracker = this.createTracker();
    }
    void this.send();
  }

  private createTracker(): SuggestionTracker {
    return new SuggestionTracker(this.settings.tracker, (event) => this.enqueue(event), newId);
  }

  private readSettings(): ClientFeedbackSettings {
    const configuration = vscode.workspace.getConfiguration("hearth.feedback");
    return resolveClientFeedbackSettings(
      { enabled: configuration.get("enabled"), keepContext: configuration.get("keepContext") },
      {
        value:
          process.env[testClockVariable] ?? vscode.workspace.getConfiguration().get<number>(testClockSetting),
        underTest:
          this.context.extensionMode !== vscode.ExtensionMode.Production || process.env.HEARTH_E2E === "1",
      },
    );
  }
}

function suggestionRef(value: unknown): InlineSuggestionRef | undefined {
  if (!value || typeof value !== "object") return undefined;
  const ref = value as InlineSuggestionRef;
  return typeof ref.id === "string" && ref.id.length > 0 ? ref : undefined;
}

/** The known facts of a ref (anything else the server adds is not stored). */
function factsOf(ref: InlineSuggestionRef & { latencyMs?: unknown }): SuggestionFacts {
  const facts: SuggestionFacts = {};
  if (typeof ref.model === "string") facts.model = ref.model;
  if (typeof ref.template === "string") facts.template = ref.template;
  if (typeof ref.promptVersion === "string") facts.promptVersion = ref.promptVersion;
  if (Array.isArray(ref.contextSources))
    facts.contextSources = ref.contextSources.filter((source) => typeof source === "string");
  if (ref.source === "cache" || ref.source === "model" || ref.source === "inFlight")
    facts.source = ref.source;
  const serverLatency = ref.serverLatencyMs ?? ref.latencyMs;
  if (typeof serverLatency === "number" && serverLatency >= 0)
    facts.serverLatencyMs = Math.round(serverLatency);
  if (typeof ref.promptTokens === "number") facts.promptTokens = ref.promptTokens;
  if (typeof ref.reusedPromptTokens === "number") facts.reusedPromptTokens = ref.reusedPromptTokens;
  if (Array.isArray(ref.gateFeatures) && ref.gateFeatures.every((value) => Number.isFinite(value)))
    facts.gateFeatures = ref.gateFeatures;
  return facts;
}

function isTracked(document: vscode.TextDocument): boolean {
  return document.uri.scheme === "file" || document.uri.scheme === "untitled";
}

function textOfOpenDocument(documentKey: string): string | undefined {
  return vscode.workspace.textDocuments
    .find((document) => document.uri.toString() === documentKey)
    ?.getText();
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}
