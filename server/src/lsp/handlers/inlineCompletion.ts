/**
 * `textDocument/inlineCompletion`: converts the request to a `CompletionRequest` over the open document
 * (in memory), asks the completer, and returns at most one item inserted at the cursor. The item carries
 * the suggestion's id so the client can report what the user did with it.
 */

import {
  type CancellationToken,
  type InlineCompletionItem,
  type InlineCompletionParams,
  InlineCompletionTriggerKind,
  type TextDocuments,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { InlineCompleter } from "../../completer/inlineCompleter";
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
    {
      uri: document.uri,
      ...place(document.uri),
      language: document.languageId,
      text: document.getText(),
      offset: document.offsetAt(params.position),
      trigger: params.context.triggerKind === InlineCompletionTriggerKind.Automatic ? "automatic" : "invoked",
    },
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
