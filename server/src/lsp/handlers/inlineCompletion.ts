/**
 * `textDocument/inlineCompletion`: converts the request to a `CompletionRequest` over the open document
 * (in memory), asks the completer, and returns at most one item inserted at the cursor. The item carries
 * the suggestion's id so the client can report what the user did with it. `hearth/completion/prefetch` asks
 * the completer to prepare the suggestion for a cursor position in the background.
 */

import {
  type CancellationToken,
  type InlineCompletionItem,
  type InlineCompletionParams,
  InlineCompletionTriggerKind,
  type Position,
  type TextDocuments,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { CompletionRequest, InlineCompleter } from "../../completer/inlineCompleter";
import type { PrefetchCompletionParams } from "../../protocol";
import { toAbortSignal } from "../cancellation";

export interface DocumentPlace {
  path: string;
  repoName: string | undefined;
}

export async function handleInlineCompletion(
  completer: InlineCompleter | undefined,
  documents: TextDocuments<TextDocument>,
  place: (uri: string) => DocumentPlace,
  params: InlineCompletionParams,
  token: CancellationToken,
): Promise<InlineCompletionItem[]> {
  const document = documents.get(params.textDocument.uri);
  if (!completer || !document) return [];
  const answer = await completer.complete(
    completionRequestAt(
      document,
      place,
      params.position,
      params.context.triggerKind === InlineCompletionTriggerKind.Automatic ? "automatic" : "invoked",
    ),
    toAbortSignal(token),
  );
  if (!answer) return [];
  return [
    {
      insertText: answer.text,
      range: { start: params.position, end: params.position },
      command: {
        title: "Hearth: suggestion accepted",
        command: "hearth.feedback.accepted",
        arguments: [
          {
            id: answer.id,
            source: answer.source,
            model: answer.model,
            template: answer.template,
            contextSources: answer.contextSources,
            serverLatencyMs: Math.round(answer.latencyMs),
            ...(answer.metrics
              ? {
                  promptTokens: answer.metrics.promptTokens,
                  reusedPromptTokens: answer.metrics.reusedPromptTokens,
                }
              : {}),
          },
        ],
      },
    },
  ];
}

/** `hearth/completion/prefetch`: prepares the suggestion where the user put the cursor. */
export function handlePrefetchCompletion(
  completer: InlineCompleter | undefined,
  documents: TextDocuments<TextDocument>,
  place: (uri: string) => DocumentPlace,
  params: PrefetchCompletionParams,
): void {
  const document = documents.get(params?.textDocument?.uri);
  if (!completer || !document || !params.position) return;
  completer.prefetch(completionRequestAt(document, place, params.position, "automatic"));
}

function completionRequestAt(
  document: TextDocument,
  place: (uri: string) => DocumentPlace,
  position: Position,
  trigger: CompletionRequest["trigger"],
): CompletionRequest {
  return {
    uri: document.uri,
    ...place(document.uri),
    language: document.languageId,
    text: document.getText(),
    offset: document.offsetAt(position),
    trigger,
  };
}
