/**
 * A scripted HTTP(S) server on 127.0.0.1 for the wire formats that cannot run here (vLLM and Ollama are not
 * installable on the test machines): each route answers as the real server documents it, and every request is
 * recorded (path, headers, parsed body, whether the client closed the connection before the answer ended), so a
 * test can check exactly what Hearth sent. This is the only stand-in in the engines suite; llama-server runs for
 * real (llamaServer.ts).
 */

import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The client closed the connection before the handler finished its answer. */
  closedEarly: boolean;
}

export interface Exchange {
  request: RecordedRequest;
  response: http.ServerResponse;
  /** Resolves after `ms`, or at once when the client has gone. */
  pause(ms: number): Promise<void>;
  /** Whether the client is still there. */
  open(): boolean;
  json(status: number, value: unknown): void;
}

export type Route = (exchange: Exchange) => void | Promise<void>;

export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(
  routes: Record<string, Route>,
  tls?: { key: string | Buffer; cert: string | Buffer },
): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const handler = (incoming: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const path = (incoming.url ?? "/").split("?")[0]!;
      const request: RecordedRequest = {
        method: incoming.method ?? "GET",
        path,
        headers: incoming.headers,
        body: text ? safeJson(text) : undefined,
        closedEarly: false,
      };
      requests.push(request);
      let finished = false;
      response.on("close", () => {
        if (!finished && !response.writableFinished) request.closedEarly = true;
      });
      const exchange: Exchange = {
        request,
        response,
        open: () => !response.destroyed && !request.closedEarly,
        pause: (ms) =>
          new Promise((resolve) => {
            const timer = setTimeout(resolve, ms);
            response.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
          }),
        json: (status, value) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(value));
        },
      };
      const route = routes[`${request.method} ${path}`];
      try {
        if (!route) exchange.json(404, { error: `no route ${request.method} ${path}` });
        else await route(exchange);
      } finally {
        finished = true;
      }
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes server-sent events, one `data:` line per value, pausing between them; stops when the client goes. */
export async function sendEvents(
  exchange: Exchange,
  events: unknown[],
  gapMs = 0,
  done = true,
): Promise<void> {
  exchange.response.writeHead(200, { "content-type": "text/event-stream" });
  for (const event of events) {
    if (!exchange.open()) return;
    exchange.response.write(`data: ${JSON.stringify(event)}\n\n`);
    if (gapMs) await exchange.pause(gapMs);
  }
  if (done && exchange.open()) exchange.response.write("data: [DONE]\n\n");
  exchange.response.end();
}

/** Writes newline-delimited JSON (Ollama's streaming), pausing between lines. */
export async function sendLines(exchange: Exchange, lines: unknown[], gapMs = 0): Promise<void> {
  exchange.response.writeHead(200, { "content-type": "application/x-ndjson" });
  for (const line of lines) {
    if (!exchange.open()) return;
    exchange.response.write(`${JSON.stringify(line)}\n`);
    if (gapMs) await exchange.pause(gapMs);
  }
  exchange.response.end();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
