/**
 * HTTP to one remote engine, over undici: a connection pool per endpoint with connect, answer and idle
 * timeouts, an optional certificate authority for https, the API key as a bearer token, no redirects (only the
 * configured host is ever contacted), JSON requests, and streamed answers read as server-sent events or
 * newline-delimited JSON. Every failure becomes a `RemoteEngineError` that says what happened in words a
 * user can act on, and never carries the key.
 */

import { readFileSync } from "node:fs";
import OpenAI from "openai";
import { Agent, errors, request, fetch as undiciFetch } from "undici";
import { messageOf } from "../../base/errors";
import type { RemoteRoleConfig } from "./remoteConfig";

export type RemoteFailureKind = "unreachable" | "timeout" | "http" | "interrupted" | "protocol";

/** A remote engine could not answer: not reachable, too slow, refused the request, or stopped mid-answer. */
export class RemoteEngineError extends Error {
  override name = "RemoteEngineError";

  constructor(
    readonly endpoint: string,
    readonly kind: RemoteFailureKind,
    detail: string,
    readonly status?: number,
  ) {
    super(`remote engine ${endpoint}: ${detail}`);
  }

  /** Worth another try later: the server may come back (not for a request it refused). */
  get transient(): boolean {
    return this.kind !== "http" || (this.status !== undefined && this.status >= 500);
  }
}

type StreamFormat = "sse" | "ndjson";

export class RemoteHttp {
  private readonly agent: Agent;

  constructor(
    readonly config: RemoteRoleConfig,
    private readonly apiKey: () => string | undefined,
  ) {
    let ca: Buffer | undefined;
    if (config.caFile) {
      try {
        ca = readFileSync(config.caFile);
      } catch (error) {
        throw new RemoteEngineError(
          config.endpoint,
          "unreachable",
          `cannot read hearth.models.remote.caFile ${config.caFile}: ${messageOf(error)}`,
        );
      }
    }
    this.agent = new Agent({
      connect: { timeout: config.timeoutMs, ...(ca ? { ca } : {}) },
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  get endpoint(): string {
    return this.config.endpoint;
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
    if (json) headers["content-type"] = "application/json";
    const key = this.apiKey();
    if (key) headers.authorization = `Bearer ${key}`;
    return headers;
  }

  /** A JSON request; resolves with the parsed answer of a 2xx response. */
  async json<T>(method: "GET" | "POST", path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.send(method, path, body, signal);
    const text = await response.body.text().catch((error: unknown) => {
      throw this.failure(error, signal);
    });
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new RemoteEngineError(
        this.endpoint,
        "protocol",
        `${path} answered with something that is not JSON`,
      );
    }
  }

  /**
   * A streamed answer: yields each event's JSON (`data:` lines of server-sent events, or one JSON value per
   * line). An event carrying `error` ends the stream with that error. Aborting `signal` closes the connection.
   */
  async *stream(
    path: string,
    body: unknown,
    format: StreamFormat,
    signal: AbortSignal,
  ): AsyncGenerator<unknown> {
    const response = await this.send("POST", path, body, signal);
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Buffer, { stream: true });
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          const line = buffered.slice(0, newline).replace(/\r$/, "");
          buffered = buffered.slice(newline + 1);
          const event = this.parseLine(line, format, path);
          if (event !== undefined) yield event;
          newline = buffered.indexOf("\n");
        }
      }
    } catch (error) {
      if (error instanceof RemoteEngineError) throw error;
      throw this.failure(error, signal);
    } finally {
      // An early return (a stop string, a hook) must close the connection so the server stops generating.
      if (!response.body.destroyed) response.body.destroy();
    }
    const last = this.parseLine(buffered.trim(), format, path);
    if (last !== undefined) yield last;
  }

  private parseLine(line: string, format: StreamFormat, path: string): unknown {
    let payload = line;
    if (format === "sse") {
      if (!line.startsWith("data:")) return undefined;
      payload = line.slice(5).trim();
      if (payload === "[DONE]") return undefined;
    }
    if (!payload.trim()) return undefined;
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch {
      throw new RemoteEngineError(this.endpoint, "protocol", `${path} streamed a line that is not JSON`);
    }
    const error = (event as { error?: unknown } | null)?.error;
    if (error) throw new RemoteEngineError(this.endpoint, "http", `${path} failed: ${errorText(error)}`);
    return event;
  }

  private async send(method: "GET" | "POST", path: string, body: unknown, signal?: AbortSignal) {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(`${this.endpoint}${path}`, {
        method,
        headers: this.headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        dispatcher: this.agent,
      });
    } catch (error) {
      throw this.failure(error, signal);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    const text = await response.body.text().catch(() => "");
    throw this.statusError(response.statusCode, path, text, response.headers.location);
  }

  private statusError(
    status: number,
    path: string,
    body: string,
    location?: string | string[],
  ): RemoteEngineError {
    if (status >= 300 && status < 400) {
      return new RemoteEngineError(
        this.endpoint,
        "http",
        `${path} redirected (${status}) to ${String(location ?? "elsewhere")}; Hearth contacts only the configured address, so configure the final one`,
        status,
      );
    }
    let detail = body.slice(0, 500);
    try {
      const parsed = JSON.parse(body) as { error?: unknown };
      if (parsed.error) detail = errorText(parsed.error);
    } catch {}
    const hint =
      status === 401 || status === 403
        ? " (run 'Hearth: Set API Key for Remote Engine', or set HEARTH_REMOTE_API_KEY for the CLI)"
        : status === 404
          ? ` (is this a ${this.config.provider} server, and does it serve that model?)`
          : "";
    return new RemoteEngineError(
      this.endpoint,
      "http",
      `${path} answered ${status}: ${detail || "no details"}${hint}`,
      status,
    );
  }

  /** What a failed request means, in words; an abort is passed through for the caller to handle. */
  failure(error: unknown, signal?: AbortSignal): Error {
    if (signal?.aborted) return abortError();
    if (error instanceof RemoteEngineError) return error;
    const seconds = Math.round(this.config.timeoutMs / 100) / 10;
    if (error instanceof errors.ConnectTimeoutError) {
      return new RemoteEngineError(this.endpoint, "timeout", `no connection within ${seconds} s`);
    }
    if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
      return new RemoteEngineError(
        this.endpoint,
        "timeout",
        `no answer within ${seconds} s (hearth.models.remote.timeoutSeconds)`,
      );
    }
    if (error instanceof errors.SocketError || error instanceof errors.ResponseContentLengthMismatchError) {
      return new RemoteEngineError(
        this.endpoint,
        "interrupted",
        "the server closed the connection in the middle of its answer (did it stop or crash?)",
      );
    }
    const code = errorCode(error);
    if (code === "ECONNREFUSED") {
      return new RemoteEngineError(
        this.endpoint,
        "unreachable",
        "connection refused: is the server running?",
      );
    }
    if (code === "ECONNRESET" || code === "EPIPE") {
      return new RemoteEngineError(this.endpoint, "interrupted", "the server reset the connection");
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
      return new RemoteEngineError(this.endpoint, "unreachable", "the host name does not resolve");
    }
    if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code)) {
      return new RemoteEngineError(
        this.endpoint,
        "unreachable",
        `TLS: ${messageOf(error)} (for a team's own certificate authority set hearth.models.remote.caFile)`,
      );
    }
    return new RemoteEngineError(this.endpoint, "unreachable", messageOf(error));
  }

  /**
   * An OpenAI client for the server's `/v1` API, on this endpoint's connection pool: no retries of its own
   * (the engine retries only what is idempotent), no redirects, the key as a bearer token when there is one.
   */
  openAi(): OpenAI {
    const fetch = (url: string | URL | Request, init?: RequestInit) =>
      undiciFetch(url as Parameters<typeof undiciFetch>[0], {
        ...(init as Parameters<typeof undiciFetch>[1]),
        redirect: "error",
        dispatcher: this.agent,
      }) as unknown as Promise<Response>;
    const key = this.apiKey();
    return new OpenAI({
      baseURL: `${this.endpoint}/v1`,
      apiKey: key ?? "none",
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: this.config.timeoutMs,
      fetch,
      ...(key ? {} : { defaultHeaders: { authorization: null } }),
    });
  }

  /** An error from the OpenAI client, in the same words as the rest. */
  openAiFailure(error: unknown, path: string, signal?: AbortSignal): Error {
    if (signal?.aborted) return abortError();
    if (error instanceof RemoteEngineError) return error;
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      return this.failure(new errors.HeadersTimeoutError(), signal);
    }
    if (error instanceof OpenAI.APIConnectionError) {
      return this.failure(rootCause(error), signal);
    }
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      return this.statusError(error.status, path, JSON.stringify({ error: error.error ?? error.message }));
    }
    if (errorCode(rootCause(error)) || rootCause(error) instanceof errors.UndiciError) {
      return this.failure(rootCause(error), signal);
    }
    if (error instanceof Error && /terminated|other side closed|premature close/i.test(error.message)) {
      return this.failure(new errors.SocketError("closed"), signal);
    }
    return new RemoteEngineError(this.endpoint, "protocol", messageOf(error));
  }

  async dispose(): Promise<void> {
    await this.agent.close().catch(() => {});
  }
}

function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" ? message : JSON.stringify(error).slice(0, 500);
}

function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause; depth++)
    current = current.cause;
  return current;
}

function errorCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && !code.startsWith("UND_ERR")) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function abortError(): Error {
  const error = new Error("the request was cancelled");
  error.name = "AbortError";
  return error;
}
