/**
 * The inference layer's errors. Each names what failed and what the user can do about it, because these
 * messages reach the status bar, `hearth/status` and the CLI unchanged.
 */

import type { GenerationResult, ModelRole } from "./generationTypes";

/** A role's model file is missing, unreadable, not a GGUF, or rejected by llama.cpp. */
export class ModelLoadError extends Error {
  override name = "ModelLoadError";

  constructor(
    readonly role: ModelRole | null,
    readonly file: string,
    detail: string,
  ) {
    super(`${role ? `${role} model ` : "model "}${file}: ${detail}`);
  }
}

/** A request named a role that has no model configured, or whose model failed to load. */
export class ModelUnavailableError extends Error {
  override name = "ModelUnavailableError";

  constructor(
    readonly role: ModelRole,
    detail: string,
  ) {
    super(`no ${role} model: ${detail}`);
  }
}

/** `hearth models pull` could not fetch or verify a file. */
export class ModelDownloadError extends Error {
  override name = "ModelDownloadError";
}

/** `native-models/catalog.json` is missing or malformed, or names no such model. */
export class ModelCatalogError extends Error {
  override name = "ModelCatalogError";
}

/** The prompt does not fit the role's context. The caller trims its prompt; the engine never guesses what to drop. */
export class ContextOverflowError extends Error {
  override name = "ContextOverflowError";

  constructor(
    readonly promptTokens: number,
    readonly contextSize: number,
  ) {
    super(`prompt of ${promptTokens} tokens does not fit a context of ${contextSize} tokens`);
  }
}

/**
 * A request stopped because its `AbortSignal` fired. `name` is `AbortError`, as for `fetch`, so callers can
 * treat every cancellation alike; `partial` holds what was generated before the stop.
 */
export class GenerationAbortedError extends Error {
  override name = "AbortError";

  constructor(readonly partial: GenerationResult | null) {
    super("the inference request was cancelled");
  }
}

/** Throws a `GenerationAbortedError` when the signal has fired. */
export function throwIfAborted(
  signal: AbortSignal | undefined,
  partial: GenerationResult | null = null,
): void {
  if (signal?.aborted) throw new GenerationAbortedError(partial);
}
