/**
 * The chat view's code-block actions inside VS Code: Copy, Insert at the cursor, and Apply to a file. Apply
 * decides the file and the part of it (`applyPlan.ts`), shows VS Code's diff editor between the file and the
 * file with the change (the right side is a read-only `hearth-proposal:` document), and applies the change as
 * one undoable `WorkspaceEdit` only when the user confirms (the notification's Apply, or the diff editor's
 * title button). Insert and Apply first check the code with the guardrails' `findDangerousCommands` and ask
 * before going on when it flags something. Each action reports the characters that went in, for feedback.
 */

import * as vscode from "vscode";
import {
  type DangerousCommand,
  findDangerousCommands,
  resolveGuardrailsConfig,
} from "../../../server/src/guardrails";
import {
  appendPlan,
  applyPlanToText,
  codeBlockTarget,
  type EditPlan,
  insertionText,
  planEdit,
  wholeFilePlan,
} from "./applyPlan";

export const proposalScheme = "hearth-proposal";

export const proposalCommands = {
  apply: "hearth.chat.applyProposal",
  discard: "hearth.chat.discardProposal",
} as const;

interface Proposal {
  uri: vscode.Uri;
  text: string;
  decide: (apply: boolean) => void;
}

/** The file a block goes to: its URI, and its current text ("" for a file to create). */
interface TargetFile {
  uri: vscode.Uri;
  label: string;
  document: vscode.TextDocument | undefined;
  text: string;
}

export class ChatCodeActions implements vscode.Disposable {
  private readonly proposals = new Map<string, Proposal>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private sequence = 0;

  constructor(
    private readonly output: vscode.LogOutputChannel,
    /** The editor Insert and Apply act on: the active one, else the last one the user was in. */
    private readonly targetEditor: () => vscode.TextEditor | undefined,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(proposalScheme, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: (uri) => this.proposals.get(uri.toString())?.text ?? "",
      }),
      vscode.commands.registerCommand(proposalCommands.apply, (uri?: vscode.Uri) => this.decide(uri, true)),
      vscode.commands.registerCommand(proposalCommands.discard, (uri?: vscode.Uri) =>
        this.decide(uri, false),
      ),
      // Closing the diff without an answer discards the change.
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        for (const tab of event.closed) {
          if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === proposalScheme) {
            this.proposals.get(tab.input.modified.toString())?.decide(false);
          }
        }
      }),
    );
  }

  async copy(code: string): Promise<number> {
    await vscode.env.clipboard.writeText(code);
    return code.length;
  }

  /** Inserts at every cursor of the target editor; the characters inserted, or `undefined` when it did not. */
  async insert(code: string): Promise<number | undefined> {
    const editor = this.targetEditor();
    if (!editor) {
      void vscode.window.showWarningMessage(
        "Hearth: open a file and put the cursor where the code should go.",
      );
      return undefined;
    }
    if (!(await this.confirmDangerous(code, "Insert"))) return undefined;
    const document = editor.document;
    const texts = editor.selections.map((selection) =>
      insertionText(code, document.lineAt(selection.start.line).text.slice(0, selection.start.character)),
    );
    const done = await editor.edit((builder) => {
      for (const [index, selection] of editor.selections.entries()) builder.replace(selection, texts[index]!);
    });
    if (!done) {
      void vscode.window.showWarningMessage("Hearth could not insert the code: the editor refused the edit.");
      return undefined;
    }
    await vscode.window.showTextDocument(document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return texts.reduce((sum, text) => sum + text.length, 0);
  }

  /** Shows the change as a diff and applies it when confirmed; the characters written, or `undefined`. */
  async apply(code: string, info: string): Promise<number | undefined> {
    const target = codeBlockTarget(info, code);
    const file = await this.resolveTarget(target.path);
    if (!file) return undefined;
    const editor = this.targetEditor();
    const selection =
      editor && file.document && editor.document === file.document && !editor.selection.isEmpty
        ? {
            start: file.document.offsetAt(editor.selection.start),
            end: file.document.offsetAt(editor.selection.end),
          }
        : undefined;
    const plan =
      planEdit(file.text, target.code, { selection, lineHint: target.lines }) ??
      (await this.chooseFallback(file, target.code));
    if (!plan) return undefined;
    if (!(await this.confirmDangerous(plan.newText, "Apply"))) return undefined;

    const proposalUri = vscode.Uri.from({
      scheme: proposalScheme,
      path: `/${file.label}`,
      query: `proposal=${++this.sequence}`,
    });
    const decision = new Promise<boolean>((resolve) => {
      this.proposals.set(proposalUri.toString(), {
        uri: proposalUri,
        text: applyPlanToText(file.text, plan),
        decide: resolve,
      });
    });
    // A file that does not exist yet is compared with an empty proposal document.
    const left = file.document ? file.uri : proposalUri.with({ query: `${proposalUri.query}&original` });
    await vscode.commands.executeCommand(
      "vscode.diff",
      left,
      proposalUri,
      `${file.label} ↔ Hearth's change (${plan.description})`,
      { preview: true },
    );
    const question = `Apply Hearth's change to ${file.label} (${plan.description})?${
      plan.warnings.length ? ` ${plan.warnings.join(" ")}` : ""
    }`;
    void vscode.window.showInformationMessage(question, "Apply", "Discard").then((choice) => {
      if (choice) this.proposals.get(proposalUri.toString())?.decide(choice === "Apply");
    });
    const confirmed = await decision;
    this.proposals.delete(proposalUri.toString());
    await closeDiffTabs(proposalUri);
    if (!confirmed) return undefined;
    return this.write(file, plan);
  }

  dispose(): void {
    for (const proposal of this.proposals.values()) proposal.decide(false);
    this.proposals.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private decide(uri: vscode.Uri | undefined, apply: boolean): void {
    const key =
      uri?.scheme === proposalScheme
        ? uri.toString()
        : (proposalKeyOfActiveDiff() ?? [...this.proposals.keys()].at(-1));
    if (key) this.proposals.get(key)?.decide(apply);
  }

  private async write(file: TargetFile, plan: EditPlan): Promise<number | undefined> {
    const current = file.document ? file.document.getText() : await readText(file.uri);
    if (current !== undefined && current !== file.text) {
      void vscode.window.showWarningMessage(
        `Hearth did not apply the change: ${file.label} changed since the diff was made. Press Apply in the chat again.`,
      );
      return undefined;
    }
    const edit = new vscode.WorkspaceEdit();
    if (file.document) {
      edit.replace(
        file.uri,
        new vscode.Range(file.document.positionAt(plan.start), file.document.positionAt(plan.end)),
        plan.newText,
      );
    } else {
      edit.createFile(file.uri, { ignoreIfExists: true });
      edit.insert(file.uri, new vscode.Position(0, 0), plan.newText);
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`Hearth could not apply the change to ${file.label}.`);
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(file.uri);
    const start = document.positionAt(plan.start);
    const end = document.positionAt(plan.start + plan.newText.length);
    await vscode.window.showTextDocument(document, {
      selection: new vscode.Range(start, end),
      preview: false,
    });
    this.output.info(`chat: applied a change to ${file.label} (${plan.description})`);
    return plan.newText.length;
  }

  /** The file a path names, inside a workspace folder; the target editor's file when no path is named. */
  private async resolveTarget(path: string | undefined): Promise<TargetFile | undefined> {
    if (!path) {
      const editor = this.targetEditor();
      if (!editor) {
        void vscode.window.showWarningMessage(
          "Hearth does not know which file this code is for: open the file in an editor, or ask for the path in the code block's first line.",
        );
        return undefined;
      }
      return fromDocument(editor.document);
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showWarningMessage(
        "Hearth applies changes only to files of an open workspace folder.",
      );
      return undefined;
    }
    const relative = path.replace(/\\/g, "/").replace(/^\.\//, "");
    const candidates = relative.startsWith("/")
      ? [vscode.Uri.file(relative)]
      : folders.map((folder) => vscode.Uri.joinPath(folder.uri, relative));
    const inside = candidates.filter((uri) => folders.some((folder) => isInside(uri, folder.uri)));
    if (inside.length === 0) {
      void vscode.window.showWarningMessage(
        `Hearth applies changes only inside the workspace, not to ${path}.`,
      );
      return undefined;
    }
    for (const uri of inside) {
      if (await exists(uri)) return fromDocument(await vscode.workspace.openTextDocument(uri));
    }
    // A path relative to a subfolder (`geometry.py` for `pkg/geometry.py`): take it when it is unambiguous.
    const found = await vscode.workspace.findFiles(`**/${relative}`, "**/{node_modules,.git}/**", 2);
    if (found.length === 1) return fromDocument(await vscode.workspace.openTextDocument(found[0]!));
    const uri = inside[0]!;
    return { uri, label: vscode.workspace.asRelativePath(uri, false), document: undefined, text: "" };
  }

  private async chooseFallback(file: TargetFile, code: string): Promise<EditPlan | undefined> {
    const editor = this.targetEditor();
    const items: (vscode.QuickPickItem & { plan: () => EditPlan })[] = [
      {
        label: `Add it at the end of ${file.label}`,
        description: "no part of the file matches the code",
        plan: () => appendPlan(file.text, code),
      },
      { label: `Replace the whole of ${file.label}`, plan: () => wholeFilePlan(file.text, code) },
    ];
    if (editor && file.document && editor.document === file.document) {
      const offset = file.document.offsetAt(editor.selection.active);
      items.push({
        label: "Insert it at the cursor",
        description: `line ${editor.selection.active.line + 1}`,
        plan: () => {
          const lineLead = file
            .document!.lineAt(editor.selection.active.line)
            .text.slice(0, editor.selection.active.character);
          return {
            kind: "selection",
            start: offset,
            end: offset,
            newText: insertionText(code, lineLead),
            description: `at line ${editor.selection.active.line + 1}`,
            warnings: [],
          };
        },
      });
    }
    const choice = await vscode.window.showQuickPick(items, {
      title: `Where should Hearth put this code in ${file.label}?`,
      placeHolder: "No part of the file matches the code block",
    });
    return choice?.plan();
  }

  /** Asks before inserting or applying code that holds a command the guardrails flag; true to go on. */
  private async confirmDangerous(code: string, verb: "Insert" | "Apply"): Promise<boolean> {
    const found = dangerousCommandsIn(code, (message) => this.output.warn(`guardrails settings: ${message}`));
    if (found.length === 0) return true;
    const first = found[0]!;
    const choice = await vscode.window.showWarningMessage(
      `This code holds a command Hearth flags as dangerous: ${first.reason}.`,
      {
        modal: true,
        detail: `${found.map((command) => `${command.command}\n  ${command.reason}`).join("\n")}\n\nHearth never runs commands. ${verb} the code anyway?`,
      },
      `${verb} Anyway`,
    );
    return choice === `${verb} Anyway`;
  }
}

function dangerousCommandsIn(code: string, warn: (message: string) => void): DangerousCommand[] {
  const config = resolveGuardrailsConfig(vscode.workspace.getConfiguration("hearth").get("guardrails"), warn);
  if (!config.dangerousCommands.enabled) return [];
  return findDangerousCommands(code, { protectedBranches: config.dangerousCommands.protectedBranches });
}

function fromDocument(document: vscode.TextDocument): TargetFile {
  return {
    uri: document.uri,
    label: vscode.workspace.asRelativePath(document.uri, false),
    document,
    text: document.getText(),
  };
}

function isInside(uri: vscode.Uri, folder: vscode.Uri): boolean {
  if (uri.scheme !== folder.scheme || uri.authority !== folder.authority) return false;
  const normalized = vscode.Uri.joinPath(uri, ".").path.replace(/\/$/, "");
  const base = folder.path.replace(/\/$/, "");
  return normalized === base || normalized.startsWith(`${base}/`);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return (stat.type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

function proposalKeyOfActiveDiff(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff && input.modified.scheme === proposalScheme
    ? input.modified.toString()
    : undefined;
}

async function closeDiffTabs(proposalUri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) =>
        tab.input instanceof vscode.TabInputTextDiff &&
        tab.input.modified.toString() === proposalUri.toString(),
    );
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}
