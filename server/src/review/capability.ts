/**
 * The review capability: `hearth/review` reviews a workspace folder's changes (working tree, staged, or a
 * branch against a base), one file (the editor's text when it is open) or a selection, with the learned
 * detector and, when the settings allow and a chat model is configured, the bounded model pass; every
 * finding is verified before it is answered. Progress goes out as `hearth/review/progress`; cancelling the
 * request stops the review between files and model steps. Model work runs at `user` priority.
 * Reads `hearth.review.*` (and the chat model from `hearth.models`).
 */

import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { messageOf } from "../base/errors";
import type { Logger } from "../base/logger";
import { SettingsSection, type WarnSetting } from "../base/settingsReader";
import {
  type Capability,
  type CapabilityModule,
  type ClientPort,
  type OpenDocuments,
  onRequest,
} from "../capability/capability";
import type { GuardrailsPolicy } from "../guardrails";
import type { WorkspaceFolders } from "../index/workspaceFolders";
import { type ModelEngine, readModelsSettings } from "../models";
import {
  type ReviewFinding,
  type ReviewParams,
  type ReviewResult,
  reviewProgressNotification,
  reviewRequest,
} from "../protocol";
import type { WorkspaceSearch } from "../retrieval/workspaceSearch";
import { createParserBackend } from "../syntax";
import { languageForPath } from "../syntax/languages";
import type { ParserBackend } from "../syntax/parserBackend";
import type { Finding, ReviewFile } from "./finding";
import { LineIndex } from "./lineIndex";
import { loadBugDetector } from "./loadBugDetector";
import { createModelPass, type ReviewModel } from "./modelPass";
import { gatherReviewSources, ReviewInputError, type ReviewScope, type ReviewSources } from "./reviewSources";
import { reviewToolbox } from "./reviewTools";
import { type ReviewPass, runReview } from "./runReview";
import { fingerprint } from "./sarif";

export interface ReviewCapabilityServices {
  logger: Logger;
  folders: WorkspaceFolders;
  engine: ModelEngine;
  documents: OpenDocuments;
  client: ClientPort;
  search: WorkspaceSearch;
  guardrails: GuardrailsPolicy;
}

export interface ReviewSettings {
  /** `auto`: when a chat model other than Hearth's tiny one is configured; `always`: any chat model. */
  modelPass: "auto" | "always" | "never";
  chatModel: string | undefined;
  maxModelSteps: number;
  maxModelSeconds: number;
}

export interface ReviewCapability extends Capability {
  /** One review outside the editor (tests, other front ends); `onProgress` sees what the editor would. */
  review(
    params: ReviewParams,
    signal?: AbortSignal,
    onProgress?: (message: string) => void,
  ): Promise<ReviewResult>;
}

/** Hearth's bundled chat model: it was trained to cite definitions, not to find bugs. */
const tinyChatModel = "hearth-tiny-chat";

export function resolveReviewSettings(raw: unknown, warn: WarnSetting): ReviewSettings {
  const section = SettingsSection.of(raw, "review", warn);
  return {
    modelPass: section.oneOf("modelPass", ["auto", "always", "never"] as const, "auto"),
    chatModel: readModelsSettings(raw, () => {}).models?.chat ?? undefined,
    maxModelSteps: section.positiveInteger("maxModelSteps", 3),
    maxModelSeconds: section.positiveInteger("maxModelSeconds", 60),
  };
}

export const reviewCapability: CapabilityModule<ReviewCapabilityServices, ReviewSettings, ReviewCapability> =
  {
    name: "review",
    settingsSections: ["review", "models"],
    resolveSettings: resolveReviewSettings,
    start(services, settings) {
      const reviewer = new Reviewer(services, settings);
      return {
        requests: [
          onRequest(reviewRequest, (params, { signal }) =>
            reviewer.review(params, signal, (message, percentage) =>
              services.client.notify(reviewProgressNotification, {
                reviewId: params.reviewId,
                message,
                ...(percentage === undefined ? {} : { percentage }),
              }),
            ),
          ),
        ],
        review: (params, signal = new AbortController().signal, onProgress) =>
          reviewer.review(params, signal, (message) => onProgress?.(message)),
        dispose: () => {},
      };
    },
  };

class Reviewer {
  private readonly parser: ParserBackend;

  constructor(
    private readonly services: ReviewCapabilityServices,
    private readonly settings: ReviewSettings,
  ) {
    this.parser = createParserBackend({ logger: services.logger });
  }

  async review(
    params: ReviewParams,
    signal: AbortSignal,
    progress: (message: string, percentage?: number) => void,
  ): Promise<ReviewResult> {
    const started = performance.now();
    const result: ReviewResult = {
      findings: [],
      notes: [],
      cancelled: false,
      reviewed: [],
      skipped: [],
      passes: [],
      dropped: {},
      milliseconds: 0,
    };
    const finish = () => ({ ...result, milliseconds: Math.round(performance.now() - started) });
    let sources: ReviewSources;
    try {
      progress(params.kind === "changes" ? "reading the changes" : "reading the file", 0);
      sources = await this.gather(params);
    } catch (error) {
      if (!(error instanceof ReviewInputError)) throw error;
      result.error = error.message;
      return finish();
    }
    result.reviewed = sources.files.map((file) => file.path);
    result.skipped = sources.skipped;
    result.notes.push(
      ...sources.notes,
      ...sources.skipped.map((skip) => `skipped ${skip.path}: ${skip.reason}`),
    );
    if (sources.files.length === 0) {
      result.notes.push(
        params.kind === "changes" ? "no changed source files to review" : "nothing to review",
      );
      return finish();
    }
    let detector: ReturnType<typeof loadBugDetector> | undefined;
    let detectorProblem: string | undefined;
    try {
      detector = loadBugDetector();
    } catch (error) {
      detectorProblem = messageOf(error);
    }
    const model = await this.modelPass(sources, progress);
    progress(`learned pass over ${sources.files.length} file${sources.files.length === 1 ? "" : "s"}`, 10);
    try {
      const report = await runReview(sources.files, {
        parser: this.parser,
        detector,
        detectorProblem,
        learned: {
          // Every 50th file: progress over a large diff without a notification per file.
          onFile: (index, total) => {
            if (index > 0 && index % 50 === 0)
              progress(`learned pass: ${index} of ${total} files`, 10 + Math.round((10 * index) / total));
          },
        },
        passes: model.pass ? [model.pass] : [],
        modelOffReason: model.offReason,
        signal,
      });
      result.passes = report.passes;
      result.dropped = report.dropped;
      const byPath = new Map(sources.files.map((file) => [file.path, file]));
      result.findings = report.findings.map((finding) =>
        toProtocol(finding, sources.root, byPath.get(finding.file)!),
      );
      for (const pass of report.passes) {
        if (pass.state !== "ran")
          result.notes.push(`${pass.name} pass ${pass.state}: ${pass.note ?? "no reason given"}`);
      }
      result.notes.push(...model.notes);
      if (report.unsupported.length) {
        result.notes.push(
          `the learned detector reads Python, JavaScript and TypeScript; not reviewed by it: ${report.unsupported.join(", ")}`,
        );
      }
    } catch (error) {
      if (!signal.aborted) throw error;
      result.cancelled = true;
      result.notes.push("cancelled: no findings were kept");
    }
    progress("done", 100);
    return finish();
  }

  private async gather(params: ReviewParams): Promise<ReviewSources> {
    if (params.kind === "changes") {
      const folder = params.uri ? this.folderOf(params.uri) : this.services.folders.roots[0];
      if (!folder) throw new ReviewInputError("there is no workspace folder whose changes could be reviewed");
      const scope: ReviewScope = params.diff?.staged
        ? { kind: "staged" }
        : params.diff?.base
          ? { kind: "branch", base: params.diff.base }
          : { kind: "workingTree" };
      return gatherReviewSources(folder, scope).catch((error) => {
        if (error instanceof ReviewInputError && /not in a git repository/.test(error.message)) {
          throw new ReviewInputError(
            `${folder} is not in a git repository, so there are no changes to review; review a file or a selection instead`,
          );
        }
        throw error;
      });
    }
    const uri = params.uri!;
    if (!uri.startsWith("file:"))
      throw new ReviewInputError(`only files on disk can be reviewed, not ${uri}`);
    const absolute = fileURLToPath(uri);
    const regions = params.range
      ? [
          {
            startLine: params.range.start.line + 1,
            endLine: Math.max(
              params.range.start.line + 1,
              params.range.end.character === 0 && params.range.end.line > params.range.start.line
                ? params.range.end.line
                : params.range.end.line + 1,
            ),
          },
        ]
      : undefined;
    const open = this.services.documents.get(uri);
    if (open) {
      // The editor's text, unsaved edits included.
      const root = this.folderOf(uri) ?? path.dirname(absolute);
      const relative = path.relative(root, absolute).split(path.sep).join("/");
      const language = languageForPath(absolute);
      const sources: ReviewSources = {
        root,
        files: [],
        skipped: [],
        notes: [],
        isGitRepository: false,
        changedLines: 0,
      };
      if (!language) sources.skipped.push({ path: relative, reason: "not a language Hearth parses" });
      else
        sources.files.push({
          path: relative,
          language,
          text: open.getText(),
          ...(regions ? { regions } : {}),
        });
      return sources;
    }
    const sources = await gatherReviewSources(path.dirname(absolute), { kind: "files", paths: [absolute] });
    // Reviewing one named file needs no repository; that note is for `hearth review <files>`.
    sources.notes = sources.notes.filter((note) => !note.startsWith("not a git repository"));
    if (regions) for (const file of sources.files) file.regions = regions;
    return sources;
  }

  /** The workspace folder that is or holds `uri`. */
  private folderOf(uri: string): string | undefined {
    const absolute = path.resolve(uri.startsWith("file:") ? fileURLToPath(uri) : uri);
    const roots = this.services.folders.roots;
    return (
      roots.find((root) => path.resolve(root) === absolute) ?? this.services.folders.locate(absolute)?.root
    );
  }

  /** The model pass for this review, or why it is off. */
  private async modelPass(
    sources: ReviewSources,
    progress: (message: string, percentage?: number) => void,
  ): Promise<{ pass?: ReviewPass; offReason?: string; notes: string[] }> {
    const { engine } = this.services;
    const chat = engine.configuredModelId("chat");
    if (this.settings.modelPass === "never")
      return { offReason: "hearth.review.modelPass is never", notes: [] };
    if (!chat) return { offReason: "no chat model (set hearth.models.chat)", notes: [] };
    if (this.settings.modelPass === "auto" && chat === tinyChatModel) {
      return {
        offReason:
          "Hearth's tiny chat model cannot review code; set hearth.models.chat to an instruction model (or hearth.review.modelPass to always)",
        notes: [],
      };
    }
    let model: ReviewModel;
    try {
      model = {
        contextTokens: await engine.contextSize("chat"),
        countTokens: await engine.tokenCounter("chat"),
        generate: async (messages, jsonSchema, maxTokens, signal) => {
          const generated = await engine.generate(
            {
              role: "chat",
              prompt: { messages },
              maxTokens,
              temperature: 0,
              priority: "user",
              sequenceKey: "review",
              grammar: { jsonSchema },
            },
            signal,
          );
          return {
            text: generated.text,
            generatedTokens: generated.metrics.generatedTokens,
            promptTokens: generated.metrics.promptTokens - generated.metrics.reusedPromptTokens,
          };
        },
      };
    } catch (error) {
      return { offReason: `the chat model did not load: ${messageOf(error)}`, notes: [] };
    }
    const notes: string[] = [];
    const { guardrails } = this.services;
    const pass = createModelPass({
      model,
      tools: reviewToolbox(sources.root, this.services, sources.isGitRepository),
      toolRules: guardrails.config.toolApproval.rules,
      retries: guardrails.config.structuredOutput.retries,
      limits: {
        maxSteps: this.settings.maxModelSteps,
        maxMilliseconds: this.settings.maxModelSeconds * 1000,
      },
      redact: (text) => guardrails.redactForPrompt(text),
      note: (text) => notes.push(text),
      onFile: (file, index, total) =>
        progress(`model pass: ${file} (${index + 1} of ${total})`, 20 + Math.round((70 * index) / total)),
    });
    return { pass, notes };
  }
}

function toProtocol(finding: Finding, root: string, file: ReviewFile): ReviewFinding {
  const lines = new LineIndex(file.text);
  const lineRange = (startLine: number, endLine: number) => ({
    start: { line: startLine - 1, character: 0 },
    end: { line: endLine - 1, character: lines.endOf(endLine - 1) - lines.startOf(endLine - 1) },
  });
  return {
    id: fingerprint(finding),
    uri: pathToFileURL(path.join(root, finding.file)).href,
    path: finding.file,
    range: lineRange(finding.startLine, finding.endLine),
    category: finding.category,
    severity: finding.severity,
    message: finding.message,
    evidence: finding.evidence,
    ...(finding.fix
      ? {
          fix: {
            range: lineRange(finding.fix.startLine, finding.fix.endLine),
            newText: finding.fix.replacement,
          },
        }
      : {}),
    confidence: finding.confidence,
    source: finding.source,
  };
}
