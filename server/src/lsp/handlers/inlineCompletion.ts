/**
 * `textDocument/inlineCompletion`. Answers an empty list until the completion capability exists;
 * the handler stays thin: convert the request, call the capability, convert the answer.
 */

import type { InlineCompletionItem, InlineCompletionParams } from "vscode-languageserver/node";

export function handleInlineCompletion(_params: InlineCompletionParams): InlineCompletionItem[] {
  return [];
}
