/**
 * API keys for remote engines, held in this process's memory only. The editor keeps them in its secret
 * storage and sends them over the language server connection (`hearth/engines/setApiKey`); the CLI reads
 * `HEARTH_REMOTE_API_KEY`. They never go into settings, logs, status or error messages.
 */

import { normaliseEndpoint } from "./remoteConfig";

/** The environment variable the CLI (and a server started without an editor) takes a key from. */
export const apiKeyEnvironmentVariable = "HEARTH_REMOTE_API_KEY";

export class RemoteCredentials {
  private readonly keys = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  /** `fallback`: the key for every endpoint that has none of its own (the environment variable's). */
  constructor(private readonly fallback: string | undefined = undefined) {}

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): RemoteCredentials {
    const key = env[apiKeyEnvironmentVariable]?.trim();
    return new RemoteCredentials(key || undefined);
  }

  /** Sets (or, with `null`, forgets) the key for an endpoint. */
  set(endpoint: string, key: string | null): void {
    const name = normaliseEndpoint(endpoint);
    const trimmed = key?.trim();
    if (trimmed) this.keys.set(name, trimmed);
    else this.keys.delete(name);
    for (const listener of this.listeners) listener();
  }

  get(endpoint: string): string | undefined {
    return this.keys.get(endpoint) ?? this.fallback;
  }

  /** Endpoints that have a key of their own (never the keys), for status and tests. */
  endpoints(): string[] {
    return [...this.keys.keys()];
  }

  /** Every key by endpoint, to hand to a child process over IPC (the index host). */
  entries(): Record<string, string> {
    return Object.fromEntries(this.keys);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
