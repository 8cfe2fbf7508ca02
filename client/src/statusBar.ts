/** The Hearth status-bar item: one glance tells whether the server runs and what it can do. */

import * as vscode from "vscode";
import type { HearthStatus } from "../../server/src/protocol";

export type ServerPhase = "starting" | "running" | "restarting" | "stopped";

export class HearthStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    "hearth.status",
    vscode.StatusBarAlignment.Right,
    100,
  );

  constructor() {
    this.item.name = "Hearth";
    this.item.command = "hearth.showStatus";
    this.show("starting");
    this.item.show();
  }

  show(phase: ServerPhase, status?: HearthStatus, problem?: string): void {
    const brokenModules = status?.nativeModules.filter((module) => !module.ok) ?? [];
    const degraded = problem !== undefined || brokenModules.length > 0;
    const icon = {
      starting: "$(loading~spin)",
      restarting: "$(loading~spin)",
      running: degraded ? "$(warning)" : "$(flame)",
      stopped: "$(error)",
    }[phase];
    this.item.text = `${icon} Hearth`;
    this.item.backgroundColor =
      phase === "stopped" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    const lines = [`Hearth ${status?.version ?? ""}: server ${phase}`];
    if (problem) lines.push(problem);
    for (const module of brokenModules) lines.push(`${module.name} does not load: ${module.error}`);
    lines.push("Click for details.");
    this.item.tooltip = lines.join("\n");
  }

  dispose(): void {
    this.item.dispose();
  }
}
