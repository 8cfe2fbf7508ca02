/**
 * The `hearth` command line: another front end on the same core as the language server.
 * Every command that reports figures takes `--json` and then prints exactly one JSON document to stdout.
 */

import { Command } from "commander";
import { hearthVersion } from "../base/buildInfo";
import { registerBenchCommand } from "./commands/bench";
import { registerIndexCommands } from "./commands/indexCommands";
import { registerServeCommand } from "./commands/serve";
import { registerStatusCommand } from "./commands/status";

const program = new Command("hearth")
  .description("Hearth: a local-first AI coding assistant. Nothing leaves your machine.")
  .version(hearthVersion, "-v, --version", "print Hearth's version")
  .showHelpAfterError()
  .showSuggestionAfterError();

registerServeCommand(program);
registerStatusCommand(program);
registerBenchCommand(program);
registerIndexCommands(program);

await program.parseAsync(process.argv);
