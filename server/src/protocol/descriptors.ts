/**
 * How Hearth declares its own LSP methods: each request or notification is one descriptor holding the
 * JSON-RPC type that client and server both use (so a call's params and result are typed on both sides) and
 * the schema its params must satisfy (so the server checks them at the edge and answers a malformed call with
 * InvalidParams instead of failing inside a capability).
 */

import { NotificationType, RequestType, RequestType0 } from "vscode-jsonrpc";
import { z } from "zod";

/** A request's JSON-RPC type: `RequestType0` for requests without params, else `RequestType`. */
export type RequestTypeOf<P, R> = [P] extends [undefined] ? RequestType0<R, void> : RequestType<P, R, void>;

export interface HearthRequest<P, R> {
  method: string;
  type: RequestTypeOf<P, R>;
  params: z.ZodType<P>;
}

export interface HearthNotification<P> {
  method: string;
  type: NotificationType<P>;
  params: z.ZodType<P>;
}

/** Params of a request that takes none: absent, `null` or an empty object are all accepted. */
const noParams = z
  .union([z.undefined(), z.null(), z.object({}).strict()])
  .transform(() => undefined) as unknown as z.ZodType<undefined>;

export function defineRequest<P, R>(method: string, params: z.ZodType<P>): HearthRequest<P, R> {
  return { method, type: new RequestType<P, R, void>(method) as RequestTypeOf<P, R>, params };
}

export function defineRequest0<R>(method: string): HearthRequest<undefined, R> {
  return { method, type: new RequestType0<R, void>(method) as RequestTypeOf<undefined, R>, params: noParams };
}

export function defineNotification<P>(method: string, params: z.ZodType<P>): HearthNotification<P> {
  return { method, type: new NotificationType<P>(method), params };
}

/** An LSP position: 0-based line and UTF-16 character, both non-negative integers. */
export const positionSchema = z.object({
  line: z.number().int().nonnegative(),
  character: z.number().int().nonnegative(),
});

export const textDocumentSchema = z.object({ uri: z.string().min(1) });
