/**
 * JSON-RPC framing over a byte stream (`Content-Length` headers, stdio) that no malformed input can wedge.
 * vscode-jsonrpc's own reader trusts every header: one that announces more bytes than follow makes it wait
 * forever, swallowing later messages (`shutdown` included), and a body that is not JSON is dropped without
 * an answer. Here:
 * - a header that announces more than follows is detected when the next header arrives, also where it
 *   arrives inside the bytes the lie announced (or when the stream stays quiet for `stallMs`): the error is
 *   logged, what came is used if it is a whole JSON message, and reading resumes at the next header;
 * - bytes before a header (the rest of a message cut short by such a lie) are logged and skipped, so one bad
 *   header never costs the messages after it;
 * - a body that is not JSON gets a -32700 Parse error answer, and a request without a method a -32600 Invalid
 *   Request answer, as JSON-RPC 2.0 says;
 * - a header block without a valid `Content-Length` is logged and skipped.
 */

import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from "vscode-jsonrpc";

const headerEnd = Buffer.from("\r\n\r\n", "ascii");
const headerStart = /Content-Length:\s*\d+\r\n/i;
/** Bytes every spelling of the header's name that editors write contains. */
const headerNameParts = [Buffer.from("ontent-", "ascii"), Buffer.from("ONTENT-", "ascii")];
/** Larger bodies are refused: no editor sends a single message this big. */
const maxContentLength = 256 * 1024 * 1024;

export interface FramingErrorAnswer {
  /** Writes an error answer (`id: null` when the request's id is unknown). */
  answer(id: number | string | null, code: number, message: string): void;
  log(message: string): void;
}

export class RobustStreamMessageReader extends AbstractMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private callback: DataCallback | undefined;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly errors: FramingErrorAnswer,
    private readonly stallMs = 2_000,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer | string) =>
      this.receive(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => this.fireClose();
    this.input.on("data", onData);
    this.input.on("error", onError);
    this.input.on("end", onClose);
    this.input.on("close", onClose);
    return {
      dispose: () => {
        this.input.off("data", onData);
        this.input.off("error", onError);
        this.input.off("end", onClose);
        this.input.off("close", onClose);
        clearTimeout(this.stallTimer);
      },
    };
  }

  private receive(chunk: Buffer): void {
    clearTimeout(this.stallTimer);
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    this.drain();
    if (this.buffer.length) this.stallTimer = setTimeout(() => this.stalled(), this.stallMs);
  }

  /** Delivers every complete message in the buffer. */
  private drain(): void {
    for (;;) {
      const end = this.buffer.indexOf(headerEnd);
      if (end < 0) return;
      // With the line end that closes its last line, as `headerStart` expects.
      const header = this.buffer.subarray(0, end + 2).toString("ascii");
      const length = /(?:^|\r\n)Content-Length:\s*(\d+)\s*(?:\r\n|$)/i.exec(header);
      const bodyStart = end + headerEnd.length;
      const strayHeader = length ? -1 : header.search(headerStart);
      if (strayHeader > 0) {
        this.errors.log(`framing error: ${strayHeader} bytes before a header were not a message; skipped`);
        this.buffer = this.buffer.subarray(strayHeader);
        continue;
      }
      if (!length || Number(length[1]) > maxContentLength) {
        this.errors.log(
          `framing error: header without a usable Content-Length (${JSON.stringify(header.slice(0, 80))}); skipped`,
        );
        this.buffer = this.buffer.subarray(bodyStart);
        continue;
      }
      const bodyEnd = bodyStart + Number(length[1]);
      // A JSON body holds no raw line break outside its strings, so a header inside the announced bytes, after
      // a whole JSON message, means the header lied and the next message has begun.
      const next = this.nextHeaderAfter(bodyStart, bodyEnd);
      if (next < 0 && this.buffer.length < bodyEnd) return;
      if (next >= 0) {
        this.errors.log(
          `framing error: Content-Length ${length[1]} announced, but a new message began after ${next - bodyStart} bytes; resynchronised`,
        );
        this.deliver(this.buffer.subarray(bodyStart, next), true);
        this.buffer = this.buffer.subarray(next);
        continue;
      }
      const body = this.buffer.subarray(bodyStart, bodyEnd);
      this.buffer = this.buffer.subarray(bodyEnd);
      this.deliver(body, false);
    }
  }

  /**
   * Where a header block starts between `from` and `to` whose preceding bytes form a whole JSON message, or -1.
   */
  private nextHeaderAfter(from: number, to: number): number {
    const span = this.buffer.subarray(from, to);
    // Checked on every body, also while a long one is still arriving: a byte search first, decoding only when
    // the header's name is there.
    if (!headerNameParts.some((part) => span.includes(part))) return -1;
    const rest = span.toString("utf8");
    const match = headerStart.exec(rest);
    if (!match) return -1;
    const candidate = rest.slice(0, match.index);
    if (!isJson(candidate)) return -1;
    return from + Buffer.byteLength(candidate, "utf8");
  }

  /** Nothing came for a while with a message still incomplete: the header announced too much. */
  private stalled(): void {
    const end = this.buffer.indexOf(headerEnd);
    const body = end < 0 ? "" : this.buffer.subarray(end + headerEnd.length).toString("utf8");
    this.errors.log(
      `framing error: ${this.buffer.length} bytes of an incomplete message waited ${this.stallMs} ms; ` +
        (isJson(body) ? "used the complete JSON body that came" : "dropped them"),
    );
    if (isJson(body)) this.deliver(Buffer.from(body), true);
    this.buffer = Buffer.alloc(0);
  }

  private deliver(body: Buffer, afterFramingError: boolean): void {
    let message: unknown;
    try {
      message = JSON.parse(body.toString("utf8"));
    } catch (error) {
      this.errors.log(`parse error: a message body is not JSON (${(error as Error).message})`);
      this.errors.answer(null, -32700, "Parse error: the message body is not valid JSON");
      return;
    }
    const problem = invalidMessage(message);
    if (problem) {
      this.errors.log(`invalid request: ${problem}`);
      const id = (message as { id?: unknown })?.id;
      this.errors.answer(
        typeof id === "number" || typeof id === "string" ? id : null,
        -32600,
        `Invalid Request: ${problem}`,
      );
      return;
    }
    if (afterFramingError)
      this.errors.log("delivered the message that arrived with the wrong Content-Length");
    this.callback?.(message as Message);
  }
}

/** Why a parsed body is not a JSON-RPC 2.0 message, or `undefined` when it is one. */
function invalidMessage(message: unknown): string | undefined {
  if (!message || typeof message !== "object" || Array.isArray(message)) return "not a JSON object";
  const record = message as Record<string, unknown>;
  if ("method" in record) {
    return typeof record.method === "string" ? undefined : "method is not a string";
  }
  if ("id" in record && ("result" in record || "error" in record)) return undefined;
  return "neither a request, a notification nor a response (no method)";
}

function isJson(text: string): boolean {
  if (!text.trim()) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
