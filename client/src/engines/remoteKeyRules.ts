/**
 * The decisions behind `Hearth: Set API Key for Remote Engine`, kept free of `vscode` so they are unit-tested:
 * which endpoints the settings name, the secret-storage name of an endpoint's key, and when a key must not be
 * sent because the language client would write it to the output (verbose message tracing).
 */

export const remoteRoles = ["completion", "chat", "embedding"] as const;

/** The `http(s)://` addresses among `hearth.models.<role>`, in role order, without duplicates. */
export function configuredEndpoints(models: Partial<Record<string, unknown>>): string[] {
  const endpoints: string[] = [];
  for (const role of remoteRoles) {
    const value = models[role];
    if (typeof value !== "string" || !/^https?:\/\//i.test(value.trim())) continue;
    const endpoint = endpointKey(value);
    if (!endpoints.includes(endpoint)) endpoints.push(endpoint);
  }
  return endpoints;
}

/**
 * The form an endpoint is stored and sent under: trimmed, without trailing slashes or `/v1`, so that
 * `http://gpu:8080/v1/` and `http://gpu:8080` share a key (the server normalises the same way).
 */
export function endpointKey(endpoint: string): string {
  return endpoint.trim().replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** The name of an endpoint's key in VS Code's secret storage. */
export function secretName(endpoint: string): string {
  return `hearth.remoteApiKey:${endpointKey(endpoint)}`;
}

/** A problem with an address typed by the user, or `null` when it will do. */
export function endpointProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return "Write the server's address, for example http://gpu-box:8080";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return "Only http:// and https:// addresses work";
  if (url.username || url.password) return "Leave the user name and password out of the address";
  return null;
}

/**
 * With `hearth.trace.server` set to `verbose`, vscode-languageclient writes every message's parameters to the
 * output channel, a key included; keys are then withheld and the user is told why.
 */
export function tracingWouldLogKeys(traceSetting: unknown): boolean {
  return traceSetting === "verbose";
}
