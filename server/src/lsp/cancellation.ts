/** Converts LSP cancellation tokens into the `AbortSignal`s every Hearth capability takes. */

import type { CancellationToken } from "vscode-languageserver/node";

export function toAbortSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
