/**
 * `Hearth: Show Feedback Dashboard`: a webview with the workspace's feedback statistics, asked from the
 * server (`hearth/feedback/stats`) and drawn with Chart.js shipped inside the extension. One panel at a
 * time; Refresh re-asks the server.
 */

import * as vscode from "vscode";
import type { FeedbackStats } from "../../../server/src/protocol";
import { escapeHtml } from "../escapeHtml";
import { renderDashboardHtml } from "./dashboardHtml";

export class DashboardPanel {
  private static current: DashboardPanel | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly chartFolder: vscode.Uri,
    private readonly loadStats: () => Promise<FeedbackStats>,
  ) {
    panel.onDidDispose(() => {
      if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    });
    panel.webview.onDidReceiveMessage((message: { type?: string }) => {
      if (message?.type === "refresh") void this.refresh();
    });
  }

  static async show(
    context: vscode.ExtensionContext,
    loadStats: () => Promise<FeedbackStats>,
  ): Promise<void> {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      await DashboardPanel.current.refresh();
      return;
    }
    const chartFolder = vscode.Uri.joinPath(context.extensionUri, "node_modules", "chart.js", "dist");
    const panel = vscode.window.createWebviewPanel(
      "hearth.feedbackDashboard",
      "Hearth Feedback",
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [chartFolder],
        retainContextWhenHidden: false,
      },
    );
    DashboardPanel.current = new DashboardPanel(panel, chartFolder, loadStats);
    await DashboardPanel.current.refresh();
  }

  private async refresh(): Promise<void> {
    const webview = this.panel.webview;
    try {
      const stats = await this.loadStats();
      webview.html = renderDashboardHtml({
        stats,
        chartScriptUri: webview
          .asWebviewUri(vscode.Uri.joinPath(this.chartFolder, "chart.umd.js"))
          .toString(),
        cspSource: webview.cspSource,
        nonce: globalThis.crypto.randomUUID().replace(/-/g, ""),
      });
    } catch (error) {
      webview.html = `<!DOCTYPE html><html><body><p>Hearth could not load feedback statistics: ${escapeHtml(
        error instanceof Error ? error.message : String(error),
      )}</p></body></html>`;
    }
  }
}
