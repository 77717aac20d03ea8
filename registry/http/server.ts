import { closeIfUnread, dispatch, errorResponse, type DispatchDeps } from "./dispatcher.ts";
import type { RouteDef } from "./route.ts";

// The registry's listener: Bun.serve with its native router, so the hot telemetry path pays for one route
// lookup and our dispatcher, nothing more.

export interface ListenOptions {
  hostname: string;
  port: number;
}

/** extraRoutes are plain responders (downloads, metrics) that need no JSON handling. */
export type PlainHandler = (req: Request & { params?: Record<string, string> }) => Response | Promise<Response>;
/** A plain route is a GET handler, or handlers by method (the portal's HTML pages and their forms). */
export type PlainRoutes = Record<string, PlainHandler | { GET?: PlainHandler; POST?: PlainHandler }>;

export function startHttpServer(listen: ListenOptions, routes: readonly RouteDef[], plain: PlainRoutes, deps: DispatchDeps) {
  const table: Record<string, Record<string, (req: Request & { params?: Record<string, string> }) => Promise<Response> | Response>> = {};
  for (const r of routes) (table[r.path] ??= {})[r.method] = dispatch(r, deps);
  for (const [path, handlers] of Object.entries(plain)) {
    for (const [method, handler] of Object.entries(typeof handlers === "function" ? { GET: handlers } : handlers)) {
      if (handler) (table[path] ??= {})[method] = async (req) => closeIfUnread(req, await handler(req));
    }
  }
  // Paths with :params match here too, so a wrong method on /x/:id/approve is a 405 that names the right one.
  const templates = Object.keys(table)
    .filter((p) => p.includes("/:"))
    .map((p) => ({ pattern: new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\/:\w+/g, "/[^/]+")}$`), path: p }));
  const routeOf = (path: string): string | null =>
    Object.prototype.hasOwnProperty.call(table, path) ? path : (templates.find((t) => t.pattern.test(path))?.path ?? null);
  return Bun.serve({
    hostname: listen.hostname,
    port: listen.port,
    // Elysia and Bun default to SO_REUSEPORT on Linux, which would let a second registry share the port silently.
    reusePort: false,
    // Each route's own limit applies in the dispatcher, which reads no further than it and answers with the
    // error envelope; Bun's limit would answer a bare 413 first, so it is kept out of the way. Bodies nobody
    // reads (unknown paths, GET routes) are discarded as they arrive, never buffered.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    idleTimeout: 30,
    routes: table as never,
    fetch(req) {
      const path = new URL(req.url).pathname;
      const known = routeOf(path);
      return closeIfUnread(
        req,
        known
          ? errorResponse(405, "method_not_allowed", `${req.method.slice(0, 20)} is not accepted on ${path.slice(0, 200)}`, `use ${Object.keys(table[known]!).join(" or ")}`, { allow: Object.keys(table[known]!).join(", ") })
          : errorResponse(404, "not_found", `no route ${req.method.slice(0, 20)} ${path.slice(0, 200)}`, "see /api/openapi.json for the registry's routes"),
      );
    },
    error(err) {
      deps.log("request_failed", { error: String(err?.stack ?? err) });
      return errorResponse(500, "internal", "the registry failed to handle this request", "retry later");
    },
  });
}
