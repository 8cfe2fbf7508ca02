/**
 * Review in the extension, in one call for `extension.ts`: the commands Review Changes (working tree, staged,
 * or this branch against a base), Review File and Review Selection, run with a Cancel button; findings as
 * diagnostics (source "Hearth review", the category as code, evidence and the fix as related information);
 * a quick fix that applies the suggested change as one undoable edit, and a dismiss action. Applying or
 * dismissing a finding is recorded as a feedback event.
 */

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  type FeedbackEvent,
  type ReviewFinding,
  type ReviewParams,
  type ReviewResult,
  reviewProgressNotification,
  reviewRequest,
} from "../../../server/src/protocol";
import {
  changesChoices,
  diagnosticMessage,
  fixStillApplies,
  relatedLines,
  reviewDiagnosticSource,
  reviewSummary,
} from "./reviewPresentation";

export const reviewCommands = {
  changes: "hearth.review.changes",
  file: "hearth.review.file",
  selection: "hearth.review.selection",
  applyFix: "hearth.review.applyFix",
  dismiss: "hearth.review.dismiss",
} as const;

const severityOf: Record<ReviewFinding["severity"], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

export function activateReview(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  recordFeedback: (event: FeedbackEvent) => void,
  output: vscode.LogOutputChannel,
): void {
  const diagnostics = vscode.languages.createDiagnosticCollection("hearth-review");
  /** The findings behind the diagnostics, by document URI. */
  const shown = new Map<string, ReviewFinding[]>();
  const progressById = new Map<string, vscode.Progress<{ message?: string; increment?: number }>>();
  let progressListening = false;

  const record = (finding: ReviewFinding, type: "findingAccepted" | "findingDismissed", reason: string) =>
    recordFeedback({
      eventId: globalThis.crypto.randomUUID(),
      at: Date.now(),
      surface: "review",
      subjectId: finding.id,
      type,
      reason,
      category: finding.category,
      source: finding.source,
    });

  const setFindings = (uri: vscode.Uri, findings: ReviewFinding[]) => {
    if (findings.length) shown.set(uri.toString(), findings);
    else shown.delete(uri.toString());
    diagnostics.set(uri, findings.map(toDiagnostic));
  };

  const remove = (uri: vscode.Uri, finding: ReviewFinding) =>
    setFindings(
      uri,
      (shown.get(uri.toString()) ?? []).filter((candidate) => candidate.id !== finding.id),
    );

  const show = (result: ReviewResult, params: ReviewParams) => {
    const byUri = new Map<string, ReviewFinding[]>();
    for (const finding of result.findings) {
      const key = vscode.Uri.parse(finding.uri, true).toString();
      byUri.set(key, [...(byUri.get(key) ?? []), finding]);
    }
    if (params.kind === "changes") {
      diagnostics.clear();
      shown.clear();
    } else if (params.uri) setFindings(vscode.Uri.parse(params.uri, true), []);
    for (const [uri, findings] of byUri) setFindings(vscode.Uri.parse(uri, true), findings);
  };

  const run = async (params: ReviewParams, title: string) => {
    const client = getClient();
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage("Hearth's language server is not running; see the Hearth output.");
      return;
    }
    if (!progressListening) {
      progressListening = true;
      context.subscriptions.push(
        client.onNotification(reviewProgressNotification.type, (update) => {
          const progress = update.reviewId ? progressById.get(update.reviewId) : undefined;
          progress?.report({ message: update.message });
        }),
      );
    }
    const reviewId = globalThis.crypto.randomUUID();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        progressById.set(reviewId, progress);
        try {
          return await client.sendRequest(reviewRequest.type, { ...params, reviewId }, token);
        } catch (error) {
          output.error(`review failed: ${error instanceof Error ? error.message : String(error)}`);
          void vscode.window.showErrorMessage(
            `Hearth review failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
          );
          return undefined;
        } finally {
          progressById.delete(reviewId);
        }
      },
    );
    if (!result) return;
    output.info(`${reviewSummary(result)} (${result.milliseconds} ms)`);
    for (const note of result.notes) output.info(`review: ${note}`);
    if (result.error) {
      void vscode.window.showErrorMessage(reviewSummary(result));
      return;
    }
    if (!result.cancelled) show(result, params);
    const action = result.findings.length ? "Show Problems" : undefined;
    const choice = await vscode.window.showInformationMessage(
      reviewSummary(result),
      ...(action ? [action] : []),
    );
    if (choice) void vscode.commands.executeCommand("workbench.actions.view.problems");
  };

  const editorOrWarn = () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== "file") {
      void vscode.window.showWarningMessage("Hearth review: open a file on disk first.");
      return undefined;
    }
    return editor;
  };

  context.subscriptions.push(
    diagnostics,
    vscode.commands.registerCommand(reviewCommands.changes, async () => {
      const choice = await vscode.window.showQuickPick(
        changesChoices.map((entry) => ({ ...entry })),
        { title: "Hearth: Review Changes", placeHolder: "Which changes?" },
      );
      if (!choice) return;
      let diff = choice.diff;
      if (diff === "askBase") {
        const base = await vscode.window.showInputBox({
          title: "Review this branch against",
          prompt: "A branch, tag or commit; the review covers what changed since this branch left it.",
          value: "main",
        });
        if (!base) return;
        diff = { base };
      }
      const folder =
        (vscode.window.activeTextEditor &&
          vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri)) ??
        vscode.workspace.workspaceFolders?.[0];
      await run(
        { kind: "changes", ...(folder ? { uri: folder.uri.toString() } : {}), diff },
        `Hearth: reviewing ${choice.label.toLowerCase()} changes`,
      );
    }),
    vscode.commands.registerCommand(reviewCommands.file, async () => {
      const editor = editorOrWarn();
      if (editor)
        await run(
          { kind: "file", uri: editor.document.uri.toString() },
          `Hearth: reviewing ${vscode.workspace.asRelativePath(editor.document.uri)}`,
        );
    }),
    vscode.commands.registerCommand(reviewCommands.selection, async () => {
      const editor = editorOrWarn();
      if (!editor) return;
      const { start, end } = editor.selection;
      await run(
        {
          kind: "selection",
          uri: editor.document.uri.toString(),
          range: {
            start: { line: start.line, character: start.character },
            end: { line: end.line, character: end.character },
          },
        },
        `Hearth: reviewing lines ${start.line + 1}-${end.line + 1}`,
      );
    }),
    vscode.commands.registerCommand(
      reviewCommands.applyFix,
      async (uriText: string, finding: ReviewFinding) => {
        const uri = vscode.Uri.parse(uriText, true);
        const document = await vscode.workspace.openTextDocument(uri);
        if (!finding.fix || !fixStillApplies(finding, document.getText().split(/\r?\n/))) {
          void vscode.window.showWarningMessage(
            "Hearth review: the flagged lines have changed since the review; review again.",
          );
          return;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, toRange(finding.fix.range), finding.fix.newText);
        if (await vscode.workspace.applyEdit(edit)) {
          record(finding, "findingAccepted", "fixApplied");
          remove(uri, finding);
        }
      },
    ),
    vscode.commands.registerCommand(reviewCommands.dismiss, (uriText: string, finding: ReviewFinding) => {
      record(finding, "findingDismissed", "dismissed");
      remove(vscode.Uri.parse(uriText, true), finding);
    }),
    vscode.languages.registerCodeActionsProvider(
      { scheme: "file" },
      {
        provideCodeActions(document, range, codeActionContext) {
          const actions: vscode.CodeAction[] = [];
          // The context's diagnostics are copies made by the workbench: find the finding by range and message.
          const ours = shown.get(document.uri.toString()) ?? [];
          for (const diagnostic of codeActionContext.diagnostics) {
            if (diagnostic.source !== reviewDiagnosticSource || !diagnostic.range.intersection(range))
              continue;
            const finding = ours.find(
              (candidate) =>
                toRange(candidate.range).isEqual(diagnostic.range) &&
                diagnosticMessage(candidate) === diagnostic.message,
            );
            if (!finding) continue;
            const uri = document.uri.toString();
            if (finding.fix && fixStillApplies(finding, document.getText().split(/\r?\n/))) {
              const apply = new vscode.CodeAction(
                `Apply Hearth's fix (${finding.category})`,
                vscode.CodeActionKind.QuickFix,
              );
              apply.diagnostics = [diagnostic];
              apply.isPreferred = true;
              // The edit runs in the command, so the feedback event is recorded only when it really applied.
              apply.command = {
                command: reviewCommands.applyFix,
                title: apply.title,
                arguments: [uri, finding],
              };
              actions.push(apply);
            }
            const dismiss = new vscode.CodeAction(
              `Dismiss this Hearth finding (${finding.category})`,
              vscode.CodeActionKind.QuickFix,
            );
            dismiss.diagnostics = [diagnostic];
            dismiss.command = {
              command: reviewCommands.dismiss,
              title: dismiss.title,
              arguments: [uri, finding],
            };
            actions.push(dismiss);
          }
          return actions;
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );
}

function toRange(range: ReviewFinding["range"]): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function toDiagnostic(finding: ReviewFinding): vscode.Diagnostic {
  const uri = vscode.Uri.parse(finding.uri, true);
  const diagnostic = new vscode.Diagnostic(
    toRange(finding.range),
    diagnosticMessage(finding),
    severityOf[finding.severity],
  );
  diagnostic.source = reviewDiagnosticSource;
  diagnostic.code = finding.category;
  diagnostic.relatedInformation = relatedLines(finding).map(
    (entry) =>
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(uri, new vscode.Position(entry.line, 0)),
        entry.text,
      ),
  );
  return diagnostic;
}
