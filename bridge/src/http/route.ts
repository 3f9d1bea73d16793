/**
 * One place per route for everything about it: method, path, required scope, rate class, zod
 * request/response schemas (which also produce the OpenAPI document) and the handler.
 * The mounting pipeline (./mount.ts) runs auth → rate limit → scope check → validation, then calls
 * the handler with the parsed values; a handler never re-parses `req`.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { RateClass } from '../config';
import type { Principal } from '../keys/principal';
import type { Scope } from '../keys/scopes';
import type { Logger } from '../logger';
import type { Services } from '../services';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/**
 * Scope a route requires: a Scope; `'authenticated'` (any valid key, e.g. /v2/auth/verify);
 * `'public'` (no key at all: health checks, signed download links).
 */
export type RouteScope = Scope | 'authenticated' | 'public';

type AnyZod = z.ZodType;
type Out<S> = S extends AnyZod ? z.output<S> : undefined;
type Responses = { [status: number]: AnyZod };
type SuccessBody<R extends Responses> = {
  [K in keyof R]: K extends 200 | 201 | 202 | 204 ? (R[K] extends AnyZod ? z.input<R[K]> : never) : never;
}[keyof R];

export interface RouteContext<P, Q, B, S extends RouteScope> {
  params: P;
  query: Q;
  body: B;
  /** The caller; null only on public routes. */
  principal: S extends 'public' ? Principal | null : Principal;
  services: Services;
  requestId: string;
  /**
   * The caller account's credit balance, current for this request: cached by the instance while the
   * account's credits generation read at admission is unchanged (credits.current). Authenticated routes only.
   */
  balance(): Promise<number | null>;
  /** Client address (respecting REELAY_TRUST_PROXY). */
  ip: string;
  log: Logger;
  /** Escape hatches: headers, streaming, raw bodies. If the handler sends the response itself, return nothing. */
  req: Request;
  res: Response;
  /** Sets the success status (default: the lowest 2xx in `responses`). */
  status(code: number): void;
}

export interface RouteDef<
  P extends AnyZod | undefined,
  Q extends AnyZod | undefined,
  B extends AnyZod | undefined,
  R extends Responses,
  S extends RouteScope,
> {
  method: Method;
  /** Express path, e.g. `/v2/keys/:id`. */
  path: string;
  scope: S;
  /** Rate-limit bucket; required unless scope is 'public'. */
  rateClass?: RateClass;
  summary: string;
  description?: string;
  tags?: string[];
  request?: { params?: P; query?: Q; body?: B };
  responses: R;
  /** Extra middleware run after auth/limits/scope and before validation (e.g. a multipart parser). */
  before?: RequestHandler[];
  /** OpenAPI content type of the request body when not JSON (e.g. multipart/form-data). */
  bodyContentType?: string;
  /** OpenAPI content type of the success response when not JSON (e.g. video/mp4, text/html). */
  responseContentType?: string;
  handler(ctx: RouteContext<Out<P>, Out<Q>, Out<B>, S>): Promise<SuccessBody<R> | void> | SuccessBody<R> | void;
}

/** The erased form stored in route lists. */
export interface Route {
  method: Method;
  path: string;
  scope: RouteScope;
  rateClass?: RateClass;
  summary: string;
  description?: string;
  tags?: string[];
  request?: { params?: AnyZod; query?: AnyZod; body?: AnyZod };
  responses: Responses;
  before?: RequestHandler[];
  bodyContentType?: string;
  responseContentType?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler(ctx: RouteContext<any, any, any, RouteScope>): unknown;
}

export function defineRoute<
  S extends RouteScope,
  R extends Responses,
  P extends AnyZod | undefined = undefined,
  Q extends AnyZod | undefined = undefined,
  B extends AnyZod | undefined = undefined,
>(def: RouteDef<P, Q, B, R, S>): Route {
  return def as unknown as Route;
}
