/**
 * How the `hearth` command fails: bad input and failed work end in one line on stderr (`hearth: ...`) and a
 * non-zero exit code, never a stack trace (`HEARTH_DEBUG=1` adds the stack, for bug reports). Commander's own
 * usage errors are folded onto one line the same way.
 */

import { type Command, InvalidArgumentError } from "commander";
import { damageDetail, isDamagedDatabase } from "../../store/database";
import { markSuspect } from "../../store/sqliteFile";

/** Bad input the user can fix; its message says how. */
export class CliError extends Error {
  override name = "CliError";
}

/** Makes commander print its usage errors on one line, without the help text. */
export function configureOneLineErrors(program: Command): Command {
  return program.configureOutput({
    outputError: (text, write) => write(`${oneLine(text)}\n`),
  });
}

/** Prints a failure as one line and ends the process with code 1. */
export function exitWithFailure(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`hearth: ${oneLine(message)}\n`);
  if (process.env.HEARTH_DEBUG === "1" && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
}

/** Text on one line: line breaks and other control characters shown as escapes. */
export function oneLine(text: string): string {
  return printable(text.trim().replace(/\s*\n\s*/g, " "));
}

/** A path or name as it can be printed on one line: control characters (a newline in a file name) escaped. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped here.
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) => JSON.stringify(character).slice(1, -1));
}

/** A commander option parser for whole numbers from `min` up. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < min) {
      throw new InvalidArgumentError(`expected a whole number of at least ${min}`);
    }
    return number;
  };
}

/** A commander option parser for numbers from `min` up. */
export function numberAtLeast(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isFinite(number) || number < min) {
      throw new InvalidArgumentError(`expected a number of at least ${min}`);
    }
    return number;
  };
}

/**
 * The message for an index a command could not read, with what to do; a damaged file is marked so that the
 * next `hearth index` (or the server's index host) checks and rebuilds it.
 */
export function indexReadFailure(error: unknown, databasePath: string): Error {
  if (!isDamagedDatabase(error)) return error instanceof Error ? error : new Error(String(error));
  const detail = damageDetail(error);
  markSuspect(databasePath, detail);
  return new CliError(
    `the index ${printable(databasePath)} is damaged (${detail}); ` +
      `\`hearth index <folder> --db ${printable(databasePath)}\` rebuilds it`,
  );
}
