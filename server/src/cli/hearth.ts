/**
 * The `hearth` command line: another front end on the same core as the language server.
 * Every command that reports figures takes `--json` and then prints exactly one JSON document to stdout.
 */

import { Command } from "commander";
import { hearthVersion } from "../base/buildInfo";
import { registerInstalledGpuPackages } from "../gpu/gpuPackageStore";
import { registerBenchCommand } from "./commands/bench";
import { registerBenchInferenceCommand } from "./commands/benchInference";
import { registerChatCommand } from "./commands/chat";
import { configureOneLineErrors, exitWithFailure } from "./commands/cliErrors";
import { registerCompleteCommand } from "./commands/complete";
import { registerEvalCommand } from "./commands/evalCommands";
import { registerFeedbackCommands } from "./commands/feedbackCommands";
import { registerIndexCommands } from "./commands/indexCommands";
import { registerIndexHostCommand } from "./commands/indexHost";
import { registerModelsCommand } from "./commands/models";
import { registerReviewCommand } from "./commands/review";
import { registerServeCommand } from "./commands/serve";
import { registerStatusCommand } from "./commands/status";

// Before any command loads llama.cpp: CUDA packages installed on request live in Hearth's cache, not node_modules.
registerInstalledGpuPackages();

const program = configureOneLineErrors(
  new Command("hearth")
    .description("Hearth: a local-first AI coding assistant. Nothing leaves your machine.")
    .version(hearthVersion, "-v, --version", "print Hearth's version")
    .showSuggestionAfterError(),
);

registerServeCommand(program);
registerStatusCommand(program);
registerBenchCommand(program);
registerBenchInferenceCommand(program);
registerIndexCommands(program);
registerEvalCommand(program);
registerCompleteCommand(program);
registerChatCommand(program);
registerIndexHostCommand(program);
registerModelsCommand(program);
registerFeedbackCommands(program);
registerReviewCommand(program);

await program.parseAsync(process.argv).catch(exitWithFailure);
