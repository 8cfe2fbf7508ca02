/**
 * What capabilities may send to the editor, over LSP: work-done progress (`$/progress`, shown by editors as a
 * progress bar) and Hearth's own notifications.
 */

import type { Connection, WorkDoneProgressServerReporter } from "vscode-languageserver/node";
import type { ClientPort, WorkProgress } from "../capability/capability";

export function lspClientPort(connection: Connection, canShowProgress: () => boolean): ClientPort {
  return {
    progress(title): WorkProgress {
      if (!canShowProgress()) return { report: () => {}, end: () => {} };
      const reporter: Promise<WorkDoneProgressServerReporter | undefined> = connection.window
        .createWorkDoneProgress()
        .then((open) => {
          open.begin(title, 0, undefined, false);
          return open;
        })
        .catch(() => undefined);
      return {
        report: (message, percentage) => void reporter.then((open) => open?.report(percentage ?? 0, message)),
        end: () => void reporter.then((open) => open?.done()),
      };
    },
    notify(notification, params) {
      void connection.sendNotification(notification.method, params).catch(() => undefined);
    },
  };
}
