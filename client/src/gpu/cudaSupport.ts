/**
 * `Hearth: Install GPU Support (CUDA)` and its status-bar offer. The work is the CLI's
 * (`hearth models gpu status | install cuda`), run with the same Node runtime as the server, so the client
 * holds no download code: it asks for consent in a modal, shows the CLI's progress, and restarts the server
 * so the engine loads the CUDA backend from Hearth's cache.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as vscode from "vscode";
import { resolveNodeRuntime } from "../lsp/serverLaunch";
import {
  consentText,
  describeProgress,
  type GpuStatusReport,
  type InstallProgress,
  parseProgressLine,
  shouldOfferCuda,
} from "./cudaOffer";

const installCommand = "hearth.gpu.installCuda";
const dismissedKey = "hearth.gpu.cudaOfferDismissed";

export function activateCudaSupport(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const cli = context.asAbsolutePath("out/cli/hearth.mjs");
  const offer = vscode.window.createStatusBarItem("hearth.gpu", vscode.StatusBarAlignment.Right, 99);
  offer.name = "Hearth GPU support";
  offer.text = "$(zap) CUDA";
  offer.tooltip = "An NVIDIA GPU was found. Click to install Hearth's GPU support (CUDA); it asks first.";
  offer.command = installCommand;
  context.subscriptions.push(offer);

  const nodePath = () =>
    resolveNodeRuntime(vscode.workspace.getConfiguration("hearth").get<string>("server.nodePath", "")).path;

  const readStatus = () =>
    new Promise<GpuStatusReport>((resolve, reject) => {
      execFile(
        nodePath(),
        [cli, "models", "gpu", "status", "--json"],
        { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" }, timeout: 30_000 },
        (error, stdout) => {
          if (error) reject(error);
          else resolve(JSON.parse(stdout) as GpuStatusReport);
        },
      );
    });

  const refreshOffer = async () => {
    try {
      const status = await readStatus();
      if (shouldOfferCuda(status, context.globalState.get<boolean>(dismissedKey, false))) offer.show();
      else offer.hide();
    } catch (error) {
      output.debug(`GPU support status unavailable: ${error}`);
    }
  };
  // Off the startup path: the check spawns a Node process.
  const timer = setTimeout(() => void refreshOffer(), 5_000);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });

  context.subscriptions.push(
    vscode.commands.registerCommand(installCommand, async () => {
      let status: GpuStatusReport;
      try {
        status = await readStatus();
      } catch (error) {
        void vscode.window.showErrorMessage(`Hearth: cannot check GPU support: ${messageOf(error)}`);
        return;
      }
      if (status.cuda.packages === null) {
        void vscode.window.showInformationMessage(
          `Hearth: node-llama-cpp has no CUDA build for ${status.platform}-${status.arch}; Hearth uses ` +
            `${status.platform === "darwin" ? "Metal" : "Vulkan or the CPU"} there.`,
        );
        return;
      }
      if (status.cuda.ready) {
        offer.hide();
        void vscode.window.showInformationMessage(
          `Hearth: CUDA support is already installed (${status.cuda.folder}).`,
        );
        return;
      }
      const registryHost = registryHostOf(process.env);
      const { message, detail } = consentText(status, registryHost);
      const agree = "Download and Install";
      const never = "Don't Offer Again";
      const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, agree, never);
      if (choice === never) {
        await context.globalState.update(dismissedKey, true);
        offer.hide();
        return;
      }
      if (choice !== agree) return;
      const outcome = await runInstall(nodePath(), cli, status.cuda.packages, output);
      if (outcome.ok) {
        offer.hide();
        output.info(outcome.message);
        void vscode.window.showInformationMessage(
          "Hearth: CUDA support installed; restarting the server to use it.",
        );
        await vscode.commands.executeCommand("hearth.restartServer");
      } else {
        output.warn(outcome.message);
        void vscode.window.showErrorMessage(`Hearth: GPU support was not installed: ${outcome.message}`);
      }
    }),
  );
}

function runInstall(
  node: string,
  cli: string,
  packages: string[],
  output: vscode.LogOutputChannel,
): Thenable<{ ok: boolean; message: string }> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: "Hearth: GPU support (CUDA)",
      cancellable: true,
    },
    (progress, token) =>
      new Promise((resolve) => {
        const child: ChildProcess = spawn(
          node,
          [cli, "models", "gpu", "install", "cuda", "--yes", "--json", "--progress-json"],
          { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" }, stdio: ["ignore", "pipe", "pipe"] },
        );
        token.onCancellationRequested(() => child.kill());
        let stdout = "";
        let pending = "";
        let reported = 0;
        child.stdout?.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.stderr?.on("data", (chunk: Buffer) => {
          pending += chunk.toString();
          const lines = pending.split("\n");
          pending = lines.pop() ?? "";
          for (const line of lines) {
            const update: InstallProgress | null = parseProgressLine(line);
            if (!update) {
              if (line.trim()) output.info(line);
              continue;
            }
            const index = Math.max(0, packages.indexOf(update.package));
            const { message, fraction } = describeProgress(update, index, packages.length);
            const percent = Math.round(fraction * 100);
            progress.report({ message, increment: Math.max(0, percent - reported) });
            reported = Math.max(reported, percent);
          }
        });
        child.on("error", (error) => resolve({ ok: false, message: error.message }));
        child.on("close", (code) => {
          if (token.isCancellationRequested) {
            resolve({ ok: false, message: "cancelled; run the command again to resume the download" });
            return;
          }
          try {
            resolve(JSON.parse(stdout) as { ok: boolean; message: string });
          } catch {
            resolve({ ok: false, message: `the installer exited with code ${code}; see the Hearth output` });
          }
        });
      }),
  );
}

/** The registry host the CLI will use (the same precedence as `registryUrl` on the server). */
function registryHostOf(environment: NodeJS.ProcessEnv): string {
  const configured = environment.HEARTH_NPM_REGISTRY || environment.npm_config_registry;
  try {
    return new URL(configured || "https://registry.npmjs.org/").host;
  } catch {
    return configured ?? "registry.npmjs.org";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
