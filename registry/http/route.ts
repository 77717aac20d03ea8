// registry/http: the registry's HTTP surface. Routes are thin: parse and validate at the edge with the
// protocol's schemas, call a domain service, answer JSON. Every route is declared once as a RouteDef, and
// the server, the OpenAPI document and the fuzz test all read the same list.
import * as v from "valibot";
import type { OwnerSession } from "../../protocol/index.ts";
import type { SignedDevice } from "../devices/signed-request.ts";

export type AuthKind = "none" | "signed-device" | "device-session" | "owner" | "operator";

/** RouteRequest is what a handler gets: the validated body, path params, and request facts. */
export interface RouteRequest<B> {
  body: B;
  params: Record<string, string>;
  query: URLSearchParams;
  request: Request;
  /** The raw body, for signature checks. */
  raw: Uint8Array;
  ip: string;
  /** Who is calling, as far as the route's auth kind establishes. */
  auth: { device: SignedDevice | null; deviceId: string | null; owner: OwnerSession | null; ownerToken: string | null };
}

/** RouteAnswer is a JSON value, or a Response when a route needs headers or another type. */
export type RouteAnswer = unknown | Response;

export interface RouteDef<B = unknown> {
  method: "GET" | "POST" | "DELETE";
  path: string;
  summary: string;
  tag: string;
  auth: AuthKind;
  /** Body schema for POST; GET routes take none. */
  body?: v.GenericSchema<unknown, B>;
  /** Response schema, for the OpenAPI document (and response tests). */
  response?: v.GenericSchema;
  /** Largest accepted body in bytes. */
  maxBodyBytes?: number;
  /** Which rate limit applies before the handler runs. */
  limit: "ip" | "device" | "none";
  handler: (req: RouteRequest<B>) => Promise<RouteAnswer> | RouteAnswer;
}

/** route keeps the body type of a RouteDef tied to its schema. */
export function route<B>(def: RouteDef<B>): RouteDef<unknown> {
  return def as unknown as RouteDef<unknown>;
}
