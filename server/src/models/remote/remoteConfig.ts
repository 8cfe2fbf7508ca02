/**
 * Remote engines: a role (completion, chat, embedding) may run on an inference server the user configured
 * (llama.cpp's llama-server, an OpenAI-compatible server such as vLLM, LM Studio or TGI, or Ollama) instead of
 * in this process. This file holds what such a role is configured with and the checks on its address; the
 * address is the only host Hearth contacts for it, and nothing is remote unless a setting says so.
 */

export const remoteProviders = ["llama-server", "openai-compatible", "ollama"] as const;
export type RemoteProviderName = (typeof remoteProviders)[number];

export interface RemoteRoleConfig {
  /** The server's address: scheme, host, port and an optional path prefix; no trailing slash, no `/v1`. */
  endpoint: string;
  provider: RemoteProviderName;
  /** The model name the server knows (`model` in requests); `null`: the server's only or default model. */
  model: string | null;
  /**
   * The FIM family for prompts Hearth renders itself (OpenAI-compatible `/v1/completions`); `null`: read from
   * the server's vocabulary (llama-server) or the model's name.
   */
  fimTemplate: string | null;
  /** Connecting, and waiting for an answer to start or for the next piece of a streamed one. */
  timeoutMs: number;
  /** A PEM file of the certificate authority that signed an https endpoint's certificate (a team's own CA). */
  caFile: string | null;
}

/** What `hearth/status` shows of a remote role. */
export interface RemoteStatus {
  endpoint: string;
  provider: RemoteProviderName;
  /** The model the server reported, else the configured name. */
  model: string | null;
  /** `null` until the server was first contacted. */
  reachable: boolean | null;
  /** Round trip of the last successful probe. */
  latencyMs: number | null;
  checkedAt: string | null;
  /** The API route of the last generation (`/infill`, `/v1/completions`, ...). */
  route: string | null;
  error?: string;
}

/** A setting that cannot name a remote engine; the message says what to write instead. */
export class RemoteEndpointError extends Error {
  override name = "RemoteEndpointError";
}

/** A role's model setting names a server rather than a catalog id or a file. */
export function isEndpoint(value: string): boolean {
  return /^https?:\/\//i.test(value.trim());
}

/**
 * The canonical form of an endpoint setting. Credentials in the URL are refused (they would sit in settings
 * files); so are queries and fragments, which no provider's API uses. A trailing `/v1` is dropped: each
 * provider adds its own paths.
 */
export function normaliseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new RemoteEndpointError(`"${value}" is not a URL; write the server's address as http://host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RemoteEndpointError(`${value}: only http:// and https:// endpoints are supported`);
  }
  if (url.username || url.password) {
    throw new RemoteEndpointError(
      `${url.protocol}//${url.host}: the address must not carry a user name or password; store the API key with ` +
        "'Hearth: Set API Key for Remote Engine' (or HEARTH_REMOTE_API_KEY for the CLI)",
    );
  }
  if (url.search || url.hash) {
    throw new RemoteEndpointError(`${url.origin}: the address must not have a query or fragment`);
  }
  const pathname = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  return `${url.origin}${pathname}`;
}

/** Whether an endpoint is on this machine (benchmarks and tests only ever talk to these). */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}
