/**
 * The evals report webview: one panel at a time, showing a run (by default the newest) compared with another
 * (by default the one before it, or the baseline of a candidate run), redrawn when the user picks two runs;
 * Export JSON saves the runs and the comparison shown. The data comes from the server
 * (`hearth/evals/runs`, `hearth/evals/compare`); the page is `evalsReportHtml.ts`.
 */

import * as vscode from "vscode";
import type { EvalComparison, EvalRun, ListEvalRunsResult } from "../../../server/src/protocol";
import { escapeHtml } from "../escapeHtml";
import { renderEvalsReportHtml } from "./evalsReportHtml";

export interface EvalsData {
  runs(): Promise<ListEvalRunsResult>;
  compare(a: number, b: number): Promise<EvalComparison>;
}

interface Selection {
  /** The run looked at, and its baseline (`null`: none). */
  focus: number | null;
  baseline: number | null;
}

export class EvalsPanel {
  private static current: EvalsPanel | undefined;
  private shown: { runs: EvalRun[]; comparison: EvalComparison | null; databasePath: string } | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly chartFolder: vscode.Uri,
    private readonly data: EvalsData,
    private selection: Selection,
  ) {
    panel.onDidDispose(() => {
      if (EvalsPanel.current === this) EvalsPanel.current = undefined;
    });
    panel.webview.onDidReceiveMessage((message: { type?: string; a?: number | null; b?: number }) => {
      if (message?.type === "compare" && typeof message.b === "number") {
        this.selection = { focus: message.b, baseline: typeof message.a === "number" ? message.a : null };
        void this.refresh();
      }
      if (message?.type === "export") void this.exportJson();
    });
  }

  /** Shows the report, focused on `selection` (default: the newest run against the one before it). */
  static async show(
    context: vscode.ExtensionContext,
    data: EvalsData,
    selection: Selection = { focus: null, baseline: null },
  ): Promise<void> {
    if (EvalsPanel.current) {
      EvalsPanel.current.selection = selection;
      EvalsPanel.current.panel.reveal();
      await EvalsPanel.current.refresh();
      return;
    }
    const chartFolder = vscode.Uri.joinPath(context.extensionUri, "node_modules", "chart.js", "dist");
    const panel = vscode.window.createWebviewPanel(
      "hearth.evalsReport",
      "Hearth Evals",
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [chartFolder],
        retainContextWhenHidden: false,
      },
    );
    EvalsPanel.current = new EvalsPanel(panel, chartFolder, data, selection);
    await EvalsPanel.current.refresh();
  }

  private async refresh(): Promise<void> {
    const webview = this.panel.webview;
    try {
      const { runs, databasePath } = await this.data.runs();
      const focus = runs.find((run) => run.id === this.selection.focus) ?? runs[0] ?? null;
      const baseline =
        this.selection.focus === null && focus
          ? (runs.find((run) => run.id < focus.id && run.status === "done") ?? null)
          : (runs.find((run) => run.id === this.selection.baseline) ?? null);
      const comparison = focus && baseline ? await this.data.compare(baseline.id, focus.id) : null;
      this.shown = { runs, comparison, databasePath };
      webview.html = renderEvalsReportHtml({
        runs,
        a: baseline ?? focus,
        b: baseline ? focus : null,
        comparison,
        databasePath,
        chartScriptUri: webview
          .asWebviewUri(vscode.Uri.joinPath(this.chartFolder, "chart.umd.js"))
          .toString(),
        cspSource: webview.cspSource,
        nonce: globalThis.crypto.randomUUID().replace(/-/g, ""),
      });
    } catch (error) {
      webview.html = `<!DOCTYPE html><html><body><p>Hearth could not load eval runs: ${escapeHtml(
        error instanceof Error ? error.message : String(error),
      )}</p></body></html>`;
    }
  }

  private async exportJson(): Promise<void> {
    if (!this.shown) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, "hearth-evals.json") } : {}),
      filters: { JSON: ["json"] },
    });
    if (!target) return;
    const report = { exportedAt: new Date().toISOString(), ...this.shown };
    await vscode.workspace.fs.writeFile(
      target,
      new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`),
    );
    void vscode.window.showInformationMessage(`Hearth saved the eval report to ${target.fsPath}.`);
  }
}
