import { errorEnvelope, OWNER_SESSION_COOKIE, PORTAL_PAGES, type OwnerSession } from "../../protocol/index.ts";
import { MessageAlert } from "../../ui/kit/index.ts";
import { PortalMessagePage } from "../../ui/registry/message-page.tsx";
import type { PortalContext } from "../../ui/registry/portal-layout.tsx";
import { PublicError } from "../public-error.ts";
import type { HttpMetrics } from "./http-metrics.ts";
import { PORTAL_ASSET_URLS } from "./portal-static.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { PlainHandler } from "./server.ts";

// How the registry's HTML pages are served, the way dispatcher.ts serves the JSON API: a rate limit per
// address, the owner's session from the cookie (an expired one sends the browser to sign in again, saying
// so), a same-site check on every form post, forms read only up to a small limit, and security headers on
// every answer (a CSP that allows only the registry's own files). Refusals are pages a person can act on;
// a client that does not ask for HTML gets the API's error envelope instead.

export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'";

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": PAGE_CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cache-control": "no-store",
};

const MAX_FORM_BYTES = 64 * 1024;

export type PageAuth = "public" | "owner" | "operator";

export interface PageKitDeps {
  ownerSession: (token: string) => Promise<OwnerSession | null>;
  limiter: RateLimiter;
  metrics: HttpMetrics;
  clientIp: (req: Request) => string;
  log: (event: string, fields?: Record<string, unknown>) => void;
  version: string;
  secureCookies: boolean;
}

/** PageRequest is what a page handler gets. */
export interface PageRequest {
  request: Request;
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
  ip: string;
  /** The signed-in owner; always set on "owner" and "operator" pages. */
  session: OwnerSession | null;
  /** The session cookie's token, for sign-out. */
  token: string | null;
  ctx: PortalContext;
  /** True for htmx requests (boosted links and forms, partials). */
  htmx: boolean;
  /** The posted form (empty for GET). */
  form: URLSearchParams;
}

export type PageHandler = (r: PageRequest) => Promise<Response> | Response;

export function html(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...PAGE_HEADERS, "content-type": "text/html; charset=utf-8", ...headers } });
}

/** redirect sends the browser on after a form post: a 303 for plain browsers, HX-Location for htmx (no full reload). */
export function redirect(r: Pick<PageRequest, "htmx">, path: string, headers: Record<string, string> = {}): Response {
  if (r.htmx) return new Response(null, { status: 200, headers: { ...PAGE_HEADERS, "hx-location": path, ...headers } });
  return new Response(null, { status: 303, headers: { ...PAGE_HEADERS, location: path, ...headers } });
}

/** sessionCookie sets (or, with maxAgeS 0, clears) the owner's session cookie, as owner-routes.ts does. */
export function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  return `${OWNER_SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? "; Secure" : ""}`;
}

function cookieOf(req: Request): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === OWNER_SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

/** safeNext keeps a "next" path to the portal's own pages, so the sign-in page cannot send anyone elsewhere. */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 500) return PORTAL_PAGES.devices;
  if (!/^\/(portal|admin)(?:[/?#]|$)/.test(next) || next.startsWith("//") || /[\\\s]/.test(next)) return PORTAL_PAGES.devices;
  return next;
}

/** wantsHtml says the client is a browser (or htmx); anything else gets JSON errors. */
function wantsHtml(req: Request): boolean {
  return req.headers.get("hx-request") === "true" || (req.headers.get("accept") ?? "").includes("text/html");
}

/** crossSite says why a form post came from another site, or null when it is the registry's own. */
function crossSite(req: Request): string | null {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `the browser says the form came from a ${site} page`;
  const origin = req.headers.get("origin");
  if (origin && origin !== "null") {
    let originHost = "";
    try {
      originHost = new URL(origin).host;
    } catch {}
    if (originHost !== req.headers.get("host")) return "the form came from another site";
  }
  return null;
}

async function readForm(req: Request): Promise<URLSearchParams | PublicError> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_FORM_BYTES) return new PublicError(413, "body_too_large", `the form is ${declared} bytes; pages accept at most ${MAX_FORM_BYTES}`, "send less");
  const buf = new Uint8Array(await req.arrayBuffer());
  if (buf.byteLength > MAX_FORM_BYTES) return new PublicError(413, "body_too_large", `the form is over ${MAX_FORM_BYTES} bytes`, "send less");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    return new PublicError(400, "bad_form", "the form is not valid UTF-8", "send the form from the portal's own page");
  }
  if (text.includes("\0") || text.includes("%00")) return new PublicError(400, "nul_character", "the form contains a NUL character", "remove it");
  return new URLSearchParams(text);
}

const STATUS_TITLES: Record<number, string> = {
  400: "That request was not understood",
  401: "Please sign in",
  403: "Not allowed",
  404: "Not found",
  409: "That cannot be done now",
  413: "Too much data",
  429: "Too many requests",
  503: "Try again in a moment",
};

/** PageKit turns page handlers into the server's plain handlers. */
export class PageKit {
  constructor(private readonly d: PageKitDeps) {}

  ctx(session: OwnerSession | null): PortalContext {
    return { assets: PORTAL_ASSET_URLS, session: session ? { address: session.address, operator: session.roles.length > 0 } : null, version: this.d.version };
  }

  /** page builds the handler for one page (or form) at route (a path template, for metrics). */
  page(route: string, auth: PageAuth, handler: PageHandler): PlainHandler {
    return async (req) => {
      const started = performance.now();
      let res: Response;
      try {
        res = await this.handle(req, auth, handler);
        // A page re-rendered with a refused field is for people; a program gets the envelope instead.
        if (res.status >= 400 && !wantsHtml(req) && (res.headers.get("content-type") ?? "").startsWith("text/html")) {
          res = this.refusal(req, new PublicError(res.status, "form_refused", "a field of this form was refused", `open ${new URL(req.url).pathname} in a browser to see which field and why`), route);
        }
      } catch (err) {
        res = this.refusal(req, err, route);
      }
      this.d.metrics.observe(`${req.method} ${route}`, res.status, performance.now() - started);
      return res;
    };
  }

  private async handle(req: Request & { params?: Record<string, string> }, auth: PageAuth, handler: PageHandler): Promise<Response> {
    const ip = this.d.clientIp(req);
    if (!this.d.limiter.take(ip)) throw new PublicError(429, "rate_limited", "too many requests from this address", "wait a few seconds and reload");
    const url = new URL(req.url);
    const params = req.params ?? {};
    for (const [name, value] of Object.entries(params)) if (value.includes("\0")) throw new PublicError(400, "nul_character", `the path parameter ${name} contains a NUL character`, "remove it");
    for (const [name, value] of url.searchParams) if (name.includes("\0") || value.includes("\0")) throw new PublicError(400, "nul_character", "the query string contains a NUL character", "remove it");
    const htmx = req.headers.get("hx-request") === "true";
    let form = new URLSearchParams();
    if (req.method === "POST") {
      const why = crossSite(req);
      if (why) throw new PublicError(403, "cross_site", `refused: ${why}`, "use the portal on this registry's own address");
      const read = await readForm(req);
      if (read instanceof PublicError) throw read;
      form = read;
    }
    const token = cookieOf(req);
    const session = token ? await this.d.ownerSession(token) : null;
    if (auth !== "public" && !session) {
      // A cookie that no longer opens a session has expired (or was signed out elsewhere): say so, and drop it.
      const notice = token ? "expired" : "sign-in-first";
      const next = req.method === "GET" && !htmx ? url.pathname + url.search : htmx ? (req.headers.get("hx-current-url") ? safeNext(new URL(req.headers.get("hx-current-url")!).pathname) : PORTAL_PAGES.devices) : PORTAL_PAGES.devices;
      const to = `${PORTAL_PAGES.signIn}?notice=${notice}&next=${encodeURIComponent(safeNext(next))}`;
      const clear: Record<string, string> = token ? { "set-cookie": sessionCookie("", 0, this.d.secureCookies) } : {};
      if (htmx) return new Response(null, { status: 200, headers: { ...PAGE_HEADERS, "hx-redirect": to, ...clear } });
      return new Response(null, { status: 303, headers: { ...PAGE_HEADERS, location: to, ...clear } });
    }
    if (auth === "operator" && session!.roles.length === 0) {
      throw new PublicError(403, "not_operator", "only regional operators may open the admin portal", "sign in with an operator's wallet, or ask the core team for an operator role");
    }
    return handler({ request: req, url, params, query: url.searchParams, ip, session, token, ctx: this.ctx(session), htmx, form });
  }

  /** refusal answers a thrown error: a page (or fragment) for people, the error envelope for programs. */
  refusal(req: Request, err: unknown, route: string): Response {
    const e = err as { status?: unknown; code?: unknown; message?: unknown; fix?: unknown };
    const known = err instanceof PublicError || (typeof e?.status === "number" && e.status >= 400 && e.status < 600 && typeof e.code === "string" && typeof e.message === "string");
    if (!known) this.d.log("request_failed", { route, error: String((err as Error)?.stack ?? err) });
    const status = known ? (e.status as number) : 500;
    const code = known ? (e.code as string) : "internal";
    const message = known ? (e.message as string) : "the registry failed to show this page";
    const fix = known ? ((e.fix as string | undefined) ?? null) : "reload the page in a minute; the operators have the details in the registry log";
    const headers: Record<string, string> = status === 429 ? { "retry-after": "5" } : {};
    if (!wantsHtml(req)) {
      return new Response(JSON.stringify(errorEnvelope(code, message, fix ?? undefined)), { status, headers: { ...PAGE_HEADERS, "content-type": "application/json; charset=utf-8", ...headers } });
    }
    const title = STATUS_TITLES[status] ?? "Something went wrong";
    if (req.headers.get("hx-request") === "true") return html(String(MessageAlert({ title, message, fix })), status, headers);
    return html(
      String(PortalMessagePage({ ctx: this.ctx(null), title, message, fix, link: status === 403 || status === 404 ? { href: PORTAL_PAGES.devices, label: "Go to my devices" } : null })),
      status,
      headers,
    );
  }
}
