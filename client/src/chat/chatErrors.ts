/**
 * A failed chat request put into words for the chat view: what happened and what to do, in one or two
 * sentences, never a stack trace. Pure: it reads the JSON-RPC error code and the message's first line.
 */

const methodNotFound = -32601;
const invalidParams = -32602;
const requestCancelled = -32800;
const connectionInactive = -32096;

export function describeChatError(error: unknown): string {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const raw =
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string"
      ? (error as { message: string }).message
      : String(error);
  const message = firstLine(raw);
  if (code === methodNotFound) {
    return "This Hearth server cannot answer chat questions (it has no hearth/chat). Update Hearth, then run 'Hearth: Restart Server'.";
  }
  if (code === connectionInactive || /not running|connection (?:got )?(?:disposed|closed)/i.test(message)) {
    return "Hearth's language server is not running. See the Hearth output for why, or run 'Hearth: Restart Server'.";
  }
  if (code === requestCancelled) return "Stopped.";
  if (code === invalidParams) return `Hearth could not take this question: ${message}`;
  return `Hearth could not answer: ${message || "unknown error"}`;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() && !/^\s*at\s/.test(candidate)) ?? "";
  return line.length > 300 ? `${line.slice(0, 297)}...` : line.trim();
}
