/** The capabilities Hearth's server advertises in its `initialize` answer. */

import { type ServerCapabilities, TextDocumentSyncKind } from "vscode-languageserver/node";

export function serverCapabilities(): ServerCapabilities {
  return {
    textDocumentSync: {
      openClose: true,
      change: TextDocumentSyncKind.Incremental,
      save: { includeText: false },
    },
    inlineCompletionProvider: true,
  };
}
