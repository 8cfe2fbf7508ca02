/** `hearth index-host`: the child process the language server starts to own a workspace index (hidden). */

import type { Command } from "commander";
import { runIndexHost } from "../../index/indexHost";
import type { IndexHostSetup } from "../../index/indexHostProtocol";

export function registerIndexHostCommand(program: Command): void {
  program
    .command("index-host", { hidden: true })
    .description("run the index host for a language server (started by `hearth serve`)")
    .requiredOption("--setup <json>", "the IndexHostSetup, as JSON")
    .action(async (options: { setup: string }) => {
      if (!process.send) {
        process.stderr.write(
          "hearth index-host runs as a child of `hearth serve` and needs an IPC channel\n",
        );
        process.exit(2);
      }
      await runIndexHost(JSON.parse(options.setup) as IndexHostSetup);
    });
}
