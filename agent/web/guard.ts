// The page on 127.0.0.1:7777 runs as root on someone's home computer, so every request passes these checks
// before any route sees it (Syncthing's localhostMiddleware, Tailscale's csrfProtect and safeweb). Pure
// functions: headers in, a refusal reason or null out; web-app.ts turns them into responses.

/** Refusal says why a request is refused; the text goes to the client and to the log. */
export interface Refusal {
  status: 403 | 413;
  reason: string;
}

/** ListenAddress is a parsed --listen value. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

const LOOPBACK_HOSTNAMES = new Set(["127.0.0.1", "::1", "localhost"]);

/** parseListen splits "127.0.0.1:7777" or "[::1]:7777" into hostname and port, or says what is wrong. */
export function parseListen(listen: string): ListenAddress {
  const at = listen.lastIndexOf(":");
  if (at <= 0) throw new Error(`the page's address "${listen}" needs a host and a port, like 127.0.0.1:7777`);
  const hostname = listen.slice(0, at).replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const portText = listen.slice(at + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new Error(`the page's port in "${listen}" must be a number from 1 to 65535 (the Host check needs the real port, so not 0)`);
  }
  return { hostname, port };
}

/**
 * assertLoopbackListen refuses any address but loopback: the page controls the machine, and its only
 * protection besides the setup code is that nobody else can reach it.
 */
export function assertLoopbackListen(listen: string): ListenAddress {
  const addr = parseListen(listen);
  if (!LOOPBACK_HOSTNAMES.has(addr.hostname)) {
    throw new Error(`the setup page must listen on loopback (127.0.0.1, [::1] or localhost), not "${addr.hostname}"; reach it from another machine with an SSH tunnel: ssh -L 7777:127.0.0.1:7777 <this computer>`);
  }
  return addr;
}

/** allowedHosts are the only Host header values the page answers: the loopback names with its port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/**
 * checkHost is the DNS-rebinding defence: a hostile site that points its own name at 127.0.0.1 still
 * sends its name in Host, so anything but our exact loopback names is refused.
 */
export function checkHost(host: string | null, port: number): Refusal | null {
  if (!host) return { status: 403, reason: "Host check failed: the request has no Host header" };
  if (allowedHosts(port).includes(host.toLowerCase())) return null;
  return { status: 403, reason: `Host check failed: this page answers only to http://127.0.0.1:${port} (or localhost:${port}), not to "${host}"` };
}

/** isSafeMethod: GET and HEAD never change state, so they skip the cross-site check. */
export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/** RequestOrigin are the headers the cross-site check reads. */
export interface RequestOrigin {
  method: string;
  host: string | null;
  secFetchSite: string | null;
  origin: string | null;
}

/**
 * checkSameOrigin refuses a state-changing request that a browser says came from another site. Modern
 * browsers send Sec-Fetch-Site; when it is missing, Origin must name this very host.
 */
export function checkSameOrigin(r: RequestOrigin): Refusal | null {
  if (isSafeMethod(r.method)) return null;
  if (r.secFetchSite !== null) {
    if (r.secFetchSite === "same-origin") return null;
    return { status: 403, reason: `Cross-site request refused: the browser says it came from a ${r.secFetchSite} page (Sec-Fetch-Site: ${r.secFetchSite})` };
  }
  if (r.origin === null) return { status: 403, reason: "Cross-site request refused: the request has neither Sec-Fetch-Site nor Origin, so its source is unknown" };
  let originHost: string;
  try {
    originHost = new URL(r.origin).host;
  } catch {
    return { status: 403, reason: `Cross-site request refused: Origin "${r.origin}" is not a URL` };
  }
  if (r.host !== null && originHost.toLowerCase() === r.host.toLowerCase()) return null;
  return { status: 403, reason: `Cross-site request refused: Origin "${r.origin}" does not match Host "${r.host ?? ""}"` };
}

/** MAX_FORM_BYTES bounds a request body; the largest form on the page is a few hundred bytes. */
export const MAX_FORM_BYTES = 64 * 1024;

/** checkBodySize refuses bodies that no form of ours could send. */
export function checkBodySize(contentLength: string | null): Refusal | null {
  if (contentLength === null) return null;
  const n = Number(contentLength);
  if (Number.isFinite(n) && n <= MAX_FORM_BYTES) return null;
  return { status: 413, reason: `Request too large: the page accepts forms up to ${MAX_FORM_BYTES / 1024} KiB` };
}

/**
 * CONTENT_SECURITY_POLICY lets the page load only its own files: no inline script or style, no
 * framing, forms post only to itself. htmx is served from the binary to fit it.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'";

/** SECURITY_HEADERS go on every response, pages, assets, redirects and refusals alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  // Our content types are right; browsers must not guess (a guessed script is a script we did not serve).
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  // Pages show live machine state and what the owner typed: never keep a copy. Assets override this.
  "cache-control": "no-store",
};

/** ASSET_CACHE_CONTROL is for fingerprinted static files: their URL changes when their content does. */
export const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

/**
 * isPublicRoute lists what may be reached without a session: the welcome page and its form, static
 * files and the health check. Everything else needs the session the setup code was exchanged for.
 */
export function isPublicRoute(method: string, path: string): boolean {
  if (path === "/welcome") return method === "GET" || method === "HEAD" || method === "POST";
  if (!isSafeMethod(method)) return false;
  return path === "/healthz" || /^\/static\/[A-Za-z0-9._-]+$/.test(path);
}
