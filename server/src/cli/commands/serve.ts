/** `hearth serve`: runs the language server, the same one the VS Code extension starts. */

import { type Command, InvalidArgumentError } from "commander";
import { runLanguageServer } from "../../main";
import { integerAtLeast } from "./cliErrors";

const transportFlags = ["--stdio", "--node-ipc", "--socket", "--pipe"];

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run the Hearth language server (LSP); stdio unless another transport is given")
    .option("--stdio", "speak JSON-RPC over stdin/stdout (the default)")
    .option("--node-ipc", "speak over a Node IPC channel (used by the VS Code extension)")
    .option("--socket <port>", "connect to a TCP socket on localhost", portNumber)
    .option("--pipe <name>", "connect to a named pipe")
    .option("--clientProcessId <pid>", "exit when this process exits", integerAtLeast(1))
    .action(() => {
      // vscode-languageserver reads the transport from process.argv; make stdio the explicit default.
      const named = process.argv.some((argument) => transportFlags.includes(argument.split("=")[0]!));
      if (!named) process.argv.push("--stdio");
      runLanguageServer(process.argv[1]!);
    });
}

function portNumber(value: string): number {
  const port = integerAtLeast(1)(value);
  if (port > 65_535) throw new InvalidArgumentError("expected a port number from 1 to 65535");
  return port;
}
