/** Turns a schema failure into the LSP's InvalidParams answer, with a message that says what is wrong. */

import { ErrorCodes, ResponseError } from "vscode-languageserver/node";
import { type ZodError, z } from "zod";

export function invalidParams(what: string, error: ZodError): ResponseError<void> {
  return new ResponseError(
    ErrorCodes.InvalidParams,
    `invalid ${what}: ${z.prettifyError(error).replace(/\n/g, " ")}`,
  );
}
