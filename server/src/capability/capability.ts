/**
 * The seam every server capability plugs into. A capability module resolves its own settings section and
 * starts from the core's shared services; what it returns says what it serves: Hearth requests and
 * notifications (declared in `protocol/`), editor hooks in Hearth's own terms (inline completion, document
 * events), and its part of `hearth/status`. `lsp/` registers all of it from the table in `core/`; nothing
 * here knows LSP.
 *
 * Adding a capability: a folder with its logic and a `capability.ts` exporting a `CapabilityModule`, one line
 * in `core/capabilities.ts`, and its protocol file in `protocol/` (ARCHITECTURE.md shows an example).
 */

import type { WarnSetting } from "../base/settingsReader";
import type { HearthNotification, HearthRequest, HearthStatus, InlineSuggestionRef } from "../protocol";

/** What a request handler gets besides its params. */
export interface RequestContext {
  /** Fires when the client cancels the request (or the server shuts down). */
  signal: AbortSignal;
}

// `any` lets one table hold handlers of different types; each entry is typed where it is built.
// biome-ignore lint/suspicious/noExplicitAny: see above
export interface RequestHandler<P = any, R = any> {
  request: HearthRequest<P, R>;
  handle(params: P, context: RequestContext): R | Promise<R>;
}

// biome-ignore lint/suspicious/noExplicitAny: see RequestHandler
export interface NotificationHandler<P = any> {
  notification: HearthNotification<P>;
  handle(params: P): void | Promise<void>;
}

export function onRequest<P, R>(
  request: HearthRequest<P, R>,
  handle: (params: P, context: RequestContext) => R | Promise<R>,
): RequestHandler<P, R> {
  return { request, handle };
}

export function onNotification<P>(
  notification: HearthNotification<P>,
  handle: (params: P) => void | Promise<void>,
): NotificationHandler<P> {
  return { notification, handle };
}

/**
 * A newer request made this one stale before it was answered (for inline completion: a newer keystroke in
 * the same document). The LSP layer answers it
 * with RequestCancelled, so the editor knows the request was dropped rather than answered with nothing.
 */
export class RequestSupersededError extends Error {
  override name = "RequestSupersededError";
  constructor() {
    super("a newer request replaced this one");
  }
}

/** An inline completion request in editor terms: where, and whether the user asked for it. */
export interface InlineCompletionQuery {
  uri: string;
  /** 0-based line and UTF-16 character, as the editor counts them. */
  position: { line: number; character: number };
  trigger: "automatic" | "invoked";
}

export interface InlineCompletionAnswer {
  /** Inserted at the query's position. */
  text: string;
  /** Carried back by the client when it reports what the user did with the suggestion. */
  ref: InlineSuggestionRef;
}

/** What a running capability offers; every member but `dispose` is optional. */
export interface Capability {
  requests?: readonly RequestHandler[];
  notifications?: readonly NotificationHandler[];
  /** Answers `textDocument/inlineCompletion`; `null`: no suggestion. */
  inlineCompletion?(
    query: InlineCompletionQuery,
    signal: AbortSignal,
  ): Promise<InlineCompletionAnswer | null>;
  /** A document was opened or edited (its text is in `OpenDocuments`). */
  documentChanged?(uri: string): void;
  documentClosed?(uri: string): void;
  /** Files were saved, created, changed or deleted on disk (absolute paths). */
  filesChanged?(absolutePaths: readonly string[]): void;
  /** This capability's part of `hearth/status`. */
  status?(): Partial<HearthStatus>;
  dispose(): void | Promise<void>;
}

export interface CapabilityModule<Services, Settings, Running extends Capability = Capability> {
  /** Names the capability in logs. */
  name: string;
  /** The `hearth.*` sections it reads; it restarts when what it resolves from them changes. */
  settingsSections: readonly string[];
  /** Its typed settings from the raw `hearth` settings object; invalid values fall back with a warning. */
  resolveSettings(raw: unknown, warn: WarnSetting): Settings;
  start(services: Services, settings: Settings): Running | Promise<Running>;
}

/** The open documents, as the editor last sent them; read from memory only. */
export interface OpenDocuments {
  get(uri: string): OpenDocument | undefined;
}

export interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  getText(): string;
  offsetAt(position: { line: number; character: number }): number;
}

/** Long-running work the editor shows (indexing, evals): a title, then steps, then the end. */
export interface WorkProgress {
  report(message: string, percentage?: number): void;
  end(): void;
}

/** What capabilities may send to the editor; the LSP layer implements it, one-shot front ends stub it. */
export interface ClientPort {
  progress(title: string): WorkProgress;
  notify<P>(notification: HearthNotification<P>, params: P): void;
}
