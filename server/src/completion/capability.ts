/**
 * The inline completion capability: `textDocument/inlineCompletion` (through the LSP layer's inline hook),
 * `hearth/completion/prefetch`, the context kept for prompts (recently touched documents, snippets retrieved
 * for the cursor), and the completer's counters in `hearth/status`. One-shot front ends (`hearth complete`,
 * the completion eval, benchmarks) use the same capability through `completeOnce`.
 */

import type { Logger } from "../base/logger";
import {
  type Capability,
  type CapabilityModule,
  type InlineCompletionAnswer,
  type OpenDocuments,
  onNotification,
} from "../capability/capability";
import { RecentDocuments } from "../context/recentDocuments";
import { defaultRetrievedSnippetsConfig, RetrievedSnippets } from "../context/retrievedSnippets";
import type { FeedbackService } from "../feedback";
import type { GuardrailsPolicy } from "../guardrails";
import { SuggestionParseCheck } from "../guardrails/parseCheck";
import type { WorkspaceFolders } from "../index/workspaceFolders";
import type { ModelEngine } from "../models";
import { type CompletionStatus, type InlineSuggestionRef, prefetchCompletionNotification } from "../protocol";
import type { WorkspaceSearch } from "../retrieval/workspaceSearch";
import { createParserBackend, isLanguageId, type ParserBackend } from "../syntax";
import { completionModelOf } from "./completionModel";
import { type CompletionSettings, resolveCompletionSettings } from "./completionSettings";
import {
  type CompleterStats,
  type CompletionAnswer,
  type CompletionRequest,
  InlineCompleter,
  type SuggestionGuard,
} from "./inlineCompleter";
import type { LearnedShowGate } from "./learnedShowGate";
import type { CompletionPlan } from "./pipeline";

export interface CompletionServices {
  logger: Logger;
  engine: ModelEngine;
  documents: OpenDocuments;
  folders: WorkspaceFolders;
  search: WorkspaceSearch;
  feedback: FeedbackService;
  guardrails: GuardrailsPolicy;
  showGate: LearnedShowGate;
  excludeOwnFileFromRetrieval: boolean;
}

export interface CompletionCapability extends Capability {
  /**
   * One completion outside the editor's keystroke flow (CLI, evals, benchmarks): the snippets for the cursor
   * are retrieved first and awaited, then the completer answers as it would for an invoked request.
   */
  completeOnce(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionAnswer | null>;
  /** The plan the request would use, for `hearth complete --explain`. */
  plan(request: CompletionRequest): Promise<CompletionPlan>;
  stats(): CompleterStats;
}

export const completionCapability: CapabilityModule<
  CompletionServices,
  CompletionSettings,
  CompletionCapability
> = {
  name: "completion",
  settingsSections: ["completion", "models"],
  resolveSettings: resolveCompletionSettings,
  start(services, settings) {
    const { documents, folders, logger } = services;
    const recentDocuments = new RecentDocuments();
    const retrieved = new RetrievedSnippets(
      (query, k) => services.search.search(query, k, "hybrid"),
      { ...defaultRetrievedSnippetsConfig, excludeOwnFile: services.excludeOwnFileFromRetrieval },
      (error) => logger.debug(`background retrieval failed: ${error}`),
    );
    const completer = new InlineCompleter(
      completionModelOf(services.engine),
      {
        retrieved: (uri) => retrieved.candidates(uri),
        recentDocuments: (uri) => recentDocuments.others(uri),
        cursorMoved: (uri, documentPath, text, offset) => retrieved.refresh(uri, documentPath, text, offset),
      },
      settings.completer,
      logger,
      {
        gate: services.feedback,
        guard: suggestionGuard(services.guardrails, createParserBackend({ logger })),
        ...(settings.learnedGate ? { showGate: services.showGate } : {}),
      },
    );
    let preloaded = false;
    const stopListening = services.feedback.onOutcome((accepted) => {
      completer.recordOutcome(accepted);
      services.showGate.recordOutcome(accepted);
    });

    /** The request for a cursor in an open document; `undefined` when the document is not open. */
    const requestAt = (
      uri: string,
      position: { line: number; character: number },
      trigger: CompletionRequest["trigger"],
    ): CompletionRequest | undefined => {
      const document = documents.get(uri);
      if (!document) return undefined;
      const place = folders.place(uri);
      return {
        uri,
        path: place.path,
        repoName: place.repoName,
        language: document.languageId,
        text: document.getText(),
        offset: document.offsetAt(position),
        trigger,
      };
    };

    return {
      async inlineCompletion(query, signal) {
        const request = requestAt(query.uri, query.position, query.trigger);
        if (!request) return null;
        const answer = await completer.complete(request, signal);
        if (!answer) return null;
        // With the gate on, its features travel with the suggestion so feedback can label them.
        return toInlineAnswer(
          answer,
          answer.tokenProbabilities ? services.showGate.features(request, answer) : undefined,
        );
      },
      notifications: [
        onNotification(prefetchCompletionNotification, (params) => {
          const request = requestAt(params.textDocument.uri, params.position, "automatic");
          if (request) completer.prefetch(request);
        }),
      ],
      documentChanged(uri) {
        // A document open means someone is about to type: load the model now, off the request path.
        if (settings.completer.enabled && !preloaded) {
          preloaded = true;
          services.engine.preload(["completion"]);
        }
        recentDocuments.touch(uri, folders.place(uri).path, () => documents.get(uri)?.getText());
      },
      documentClosed(uri) {
        recentDocuments.forget(uri);
        retrieved.forget(uri);
      },
      status: () => ({ completion: statusToProtocol(completer.stats()) }),
      async completeOnce(request, signal = new AbortController().signal) {
        if (settings.completer.crossFileContext) {
          await retrieved.refresh(request.uri, request.path, request.text, request.offset);
        }
        return completer.complete(request, signal);
      },
      plan: (request) => completer.plan(request),
      stats: () => completer.stats(),
      dispose() {
        stopListening();
        completer.dispose();
      },
    };
  },
};

/**
 * The guardrails around a completion: secrets redacted from what enters the prompt; a fresh answer is dropped
 * when it holds a secret, and with the parse check on it is cut back to its leading lines that add no syntax
 * error the text did not have (dropped when none are left; a cut counts as a flag, a drop as a block).
 */
function suggestionGuard(policy: GuardrailsPolicy, backend: ParserBackend): SuggestionGuard {
  const parseCheck = new SuggestionParseCheck(backend);
  return {
    redact: (text) => policy.redactForPrompt(text),
    async admit(request, text) {
      if (!policy.judgeSuggestion(text).show) return null;
      if (!policy.config.completionParseCheck.enabled || !isLanguageId(request.language)) return text;
      const shown = await parseCheck.trimToParse(
        request.language,
        request.text.slice(0, request.offset),
        text,
        request.text.slice(request.offset),
      );
      if (shown === null) policy.counters.add("completionParseCheck", "blocks");
      else if (shown !== text) policy.counters.add("completionParseCheck", "flags");
      return shown;
    },
  };
}

function toInlineAnswer(
  answer: CompletionAnswer,
  gateFeatures: number[] | undefined,
): InlineCompletionAnswer {
  const ref: InlineSuggestionRef = {
    id: answer.id,
    source: answer.source,
    model: answer.model,
    ...(answer.template ? { template: answer.template } : {}),
    ...(answer.promptVersion ? { promptVersion: answer.promptVersion } : {}),
    contextSources: answer.contextSources,
    serverLatencyMs: Math.round(answer.latencyMs),
    ...(answer.metrics
      ? { promptTokens: answer.metrics.promptTokens, reusedPromptTokens: answer.metrics.reusedPromptTokens }
      : {}),
    ...(gateFeatures
      ? { gateFeatures: gateFeatures.map((value) => Math.round(value * 10_000) / 10_000) }
      : {}),
  };
  return { text: answer.text, ref };
}

function statusToProtocol(stats: CompleterStats & { cache?: unknown }): CompletionStatus {
  const { cache: _cache, ...counters } = stats;
  return counters;
}
