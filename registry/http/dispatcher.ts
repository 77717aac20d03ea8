import * as v from "valibot";
import { DEVICE_SESSION_SCHEME, OWNER_SESSION_COOKIE, errorEnvelope, type OwnerSession } from "../../protocol/index.ts";
import { DeviceAuthError, verifySignedRequest } from "../devices/signed-request.ts";
import type { DeviceSessions } from "../devices/device-sessions.ts";
import type { NonceStore } from "../devices/nonce-store.ts";
import { PublicError } from "../public-error.ts";
import type { HttpMetrics } from "./http-metrics.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { RouteDef, RouteRequest } from "./route.ts";

// The dispatcher turns a RouteDef into a Bun handler: limits, body reading, parsing, validation and
// authentication happen here once, so each route is only its domain call. Whatever a client sends, it gets
// JSON with the error envelope and a 4xx; a 5xx means a bug, and its cause goes to the log, not the client.

export interface DispatchDeps {
  sessions: DeviceSessions;
  nonces: NonceStore;
  /** Resolves an owner session cookie. */
  ownerSession: (token: string) => Promise<OwnerSession | null>;
  /** A device that may send telemetry (not removed, banned or unknown). */
  deviceMaySend: (deviceId: string) => boolean;
  ipLimiter: RateLimiter;
  deviceLimiter: RateLimiter;
  metrics: HttpMetrics;
  clientIp: (req: Request) => string;
  log: (event: string, fields?: Record<string, unknown>) => void;
  now?: () => number;
}

const DEFAULT_MAX_BODY = 256 * 1024;
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function errorResponse(status: number, code: string, message: string, fix?: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, errorEnvelope(code, message, fix), headers);
}

/**
 * closeIfUnread ends the connection after answering a request whose body was never read. The unread bytes
 * would otherwise stay in the socket and Bun would hold the connection, and a graceful stop, until idleTimeout.
 */
export function closeIfUnread(req: Request, res: Response): Response {
  if (req.body !== null && !req.bodyUsed) res.headers.set("connection", "close");
  return res;
}

/** describeIssues turns valibot issues into one line naming each field and what was wrong. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path?.map((p) => (typeof p.key === "number" ? `[${p.key}]` : `.${String(p.key)}`)).join("") ?? "";
      return `${path ? `body${path}` : "body"}: ${i.message}`;
    })
    .join("; ");
}

function cookie(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * readBody reads at most max bytes. A declared length over max is refused unread; a body without one
 * (chunked) is read only until it passes max, so no route holds more than its limit in memory whatever is sent.
 */
async function readBody(req: Request, max: number): Promise<Uint8Array | PublicError> {
  const tooLarge = (what: string) => new PublicError(413, "body_too_large", `the body is ${what}; this route accepts at most ${max} bytes`, "send less per request");
  const length = req.headers.get("content-length");
  if (length !== null) {
    const declared = Number(length);
    if (declared > max) return tooLarge(`${declared} bytes`);
    const buf = new Uint8Array(await req.arrayBuffer());
    return buf.byteLength > max ? tooLarge(`over ${max} bytes`) : buf;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return tooLarge(`over ${max} bytes`);
    }
    chunks.push(value);
  }
  const buf = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    buf.set(c, at);
    at += c.byteLength;
  }
  return buf;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

// No text of this API has a use for NUL, and PostgreSQL cannot store it in a text column; refusing it here
// makes it a 400 on both engines instead of a 500 on one.
const nulRefusal = (where: string) => new PublicError(400, "nul_character", `${where} contains a NUL character (\\u0000)`, "remove the NUL character; no field of this API accepts it");

/** nulPath is where in a parsed JSON value a string (or key) holds NUL, or null; iterative, as bodies may nest deep. */
function nulPath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, "body"]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === "string") {
      if (node.includes("\0")) return path;
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (node !== null && typeof node === "object") {
      for (const [key, item] of Object.entries(node)) {
        if (key.includes("\0")) return path;
        stack.push([item, `${path}.${key}`]);
      }
    }
  }
  return null;
}

function parseJson(raw: Uint8Array): unknown | PublicError {
  if (raw.byteLength === 0) return new PublicError(400, "body_required", "this route needs a JSON body", "send a JSON object with Content-Type: application/json");
  let text: string;
  let json: unknown;
  try {
    text = decoder.decode(raw);
    json = JSON.parse(text);
  } catch (err) {
    const what = err instanceof RangeError ? "too deeply nested" : err instanceof TypeError ? "not valid UTF-8" : "not valid JSON";
    return new PublicError(400, "bad_json", `the body is ${what}`, "send a JSON object encoded as UTF-8");
  }
  // JSON can carry NUL only as the escape \u0000, so a body without that text needs no walk.
  if (text.includes("\\u0000")) {
    const where = nulPath(json);
    if (where) return nulRefusal(where.slice(0, 200));
  }
  return json;
}

/** nulInUrl names the path param or query field that holds NUL (sent as %00), or null. */
function nulInUrl(params: Record<string, string>, query: URLSearchParams): string | null {
  for (const [name, value] of Object.entries(params)) if (value.includes("\0")) return `the path parameter ${name}`;
  for (const [name, value] of query) if (name.includes("\0") || value.includes("\0")) return "the query string";
  return null;
}

/** dispatch builds the handler for one route. */
export function dispatch(def: RouteDef, deps: DispatchDeps): (req: Request & { params?: Record<string, string> }) => Promise<Response> {
  const now = deps.now ?? Date.now;
  const metricName = `${def.method} ${def.path}`;
  return async (req) => {
    const started = performance.now();
    let res: Response;
    try {
      res = await handle(req);
    } catch (err) {
      res = toErrorResponse(err, deps, metricName);
    }
    deps.metrics.observe(metricName, res.status, performance.now() - started);
    return closeIfUnread(req, res);
  };

  async function handle(req: Request & { params?: Record<string, string> }): Promise<Response> {
    const ip = deps.clientIp(req);
    if (def.limit === "ip" && !deps.ipLimiter.take(ip)) {
      return errorResponse(429, "rate_limited", "too many requests from this address", "wait and retry", { "retry-after": String(deps.ipLimiter.retryAfterS(ip)) });
    }
    const url = new URL(req.url);
    const nulAt = nulInUrl(req.params ?? {}, url.searchParams);
    if (nulAt) throw nulRefusal(nulAt);
    let raw: Uint8Array = new Uint8Array(0);
    let body: unknown = undefined;
    if (def.method !== "GET") {
      const read = await readBody(req, def.maxBodyBytes ?? DEFAULT_MAX_BODY);
      // A refused body is left unread (or read only in part), so the connection closes after the answer.
      if (read instanceof PublicError) return errorResponse(read.status, read.code, read.message, read.fix, { connection: "close" });
      raw = read;
    }
    const auth: RouteRequest<unknown>["auth"] = { device: null, deviceId: null, owner: null, ownerToken: null };
    if (def.auth === "signed-device") {
      auth.device = await verifySignedRequest({ method: req.method, pathWithQuery: url.pathname + url.search, body: raw, header: (n) => req.headers.get(n) }, deps.nonces, now());
      auth.deviceId = auth.device.deviceId;
    } else if (def.auth === "device-session") {
      const header = req.headers.get("authorization") ?? "";
      const token = header.startsWith(DEVICE_SESSION_SCHEME + " ") ? header.slice(DEVICE_SESSION_SCHEME.length + 1) : "";
      const deviceId = token ? deps.sessions.verify(token, now()) : null;
      if (!deviceId) throw new PublicError(401, "session_invalid", "the device session is missing, expired or not valid", "obtain a new session with a signed request to /api/v1/devices/session");
      if (!deps.deviceMaySend(deviceId)) throw new PublicError(403, "device_not_active", "this device is removed, banned or unknown", "check in again with a claim code");
      auth.deviceId = deviceId;
    } else if (def.auth === "owner" || def.auth === "operator") {
      const token = cookie(req, OWNER_SESSION_COOKIE);
      const session = token ? await deps.ownerSession(token) : null;
      if (!session) throw new PublicError(401, "signed_out", "sign in with your Akash wallet first", "sign in again; sessions expire");
      if (def.method !== "GET") refuseCrossSite(req);
      auth.owner = session;
      auth.ownerToken = token;
    }
    if (def.limit === "device" && auth.deviceId && !deps.deviceLimiter.take(auth.deviceId)) {
      return errorResponse(429, "rate_limited", "this device sends too often", "follow heartbeatIntervalS; the outbox batches what is queued", { "retry-after": String(deps.deviceLimiter.retryAfterS(auth.deviceId)) });
    }
    if (def.body) {
      const json = parseJson(raw);
      if (json instanceof PublicError) throw json;
      const parsed = v.safeParse(def.body, json, { abortPipeEarly: true });
      if (!parsed.success) throw new PublicError(400, "invalid_body", describeIssues(parsed.issues), "fix the named fields; the OpenAPI document at /api/openapi.json describes every body");
      body = parsed.output;
    }
    const answer = await def.handler({ body, params: req.params ?? {}, query: url.searchParams, request: req, raw, ip, auth });
    return answer instanceof Response ? answer : jsonResponse(200, answer);
  }
}

/** refuseCrossSite blocks a browser on another site from using an owner's cookie (CSRF). */
function refuseCrossSite(req: Request): void {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new PublicError(403, "cross_site", "requests from other sites are refused", "use the portal on this registry's own address");
  const origin = req.headers.get("origin");
  if (origin && origin !== "null") {
    const host = req.headers.get("host");
    let originHost = "";
    try {
      originHost = new URL(origin).host;
    } catch {}
    if (!host || originHost !== host) throw new PublicError(403, "cross_site", "requests from other sites are refused", "use the portal on this registry's own address");
  }
}

function toErrorResponse(err: unknown, deps: DispatchDeps, route: string): Response {
  if (err instanceof PublicError) return errorResponse(err.status, err.code, err.message, err.fix);
  if (err instanceof DeviceAuthError) return errorResponse(401, err.code, err.message, err.fix);
  if (isPublicShaped(err)) return errorResponse(err.status, err.code, err.message, err.fix);
  deps.log("request_failed", { route, error: String((err as Error)?.stack ?? err) });
  return errorResponse(500, "internal", "the registry failed to handle this request", "retry later; the operators have the details in the registry log");
}

/** Domain errors with the same shape as PublicError (status 4xx, code, fix) are answered the same way. */
function isPublicShaped(err: unknown): err is { status: number; code: string; message: string; fix?: string } {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  return typeof e?.status === "number" && e.status >= 400 && e.status < 500 && typeof e.code === "string" && typeof e.message === "string";
}
