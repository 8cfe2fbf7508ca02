/**
 * `textDocument/inlineCompletion`: checks the position, asks the capability that offers inline completion,
 * and returns at most one item inserted at the cursor. The item's command carries the suggestion's id and
 * facts, so the client can report what the user did with it. A request made stale by a newer keystroke is
 * answered with RequestCancelled, not with an empty list.
 */

import {
  type CancellationToken,
  type InlineCompletionItem,
  type InlineCompletionParams,
  InlineCompletionTriggerKind,
  LSPErrorCodes,
  ResponseError,
} from "vscode-languageserver/node";
import { type Capability, RequestSupersededError } from "../../capability/capability";
import { positionSchema, suggestionAcceptedCommand, textDocumentSchema } from "../../protocol";
import { toAbortSignal } from "../cancellation";
import { invalidParams } from "../paramsValidation";

export async function handleInlineCompletion(
  capabilities: readonly Capability[],
  params: InlineCompletionParams,
  token: CancellationToken,
): Promise<InlineCompletionItem[]> {
  const checked = {
    textDocument: textDocumentSchema.safeParse(params?.textDocument),
    position: positionSchema.safeParse(params?.position),
  };
  if (!checked.textDocument.success) throw invalidParams("textDocument", checked.textDocument.error);
  if (!checked.position.success) throw invalidParams("position", checked.position.error);
  const provider = capabilities.find((capability) => capability.inlineCompletion);
  if (!provider?.inlineCompletion) return [];
  const signal = toAbortSignal(token);
  try {
    const answer = await provider.inlineCompletion(
      {
        uri: checked.textDocument.data.uri,
        position: checked.position.data,
        trigger:
          params.context?.triggerKind === InlineCompletionTriggerKind.Invoked ? "invoked" : "automatic",
      },
      signal,
    );
    if (!answer) return [];
    return [
      {
        insertText: answer.text,
        range: { start: checked.position.data, end: checked.position.data },
        command: {
          title: "Hearth: suggestion accepted",
          command: suggestionAcceptedCommand,
          arguments: [answer.ref],
        },
      },
    ];
  } catch (error) {
    if (error instanceof RequestSupersededError) {
      throw new ResponseError(LSPErrorCodes.RequestCancelled, error.message);
    }
    throw error;
  }
}
