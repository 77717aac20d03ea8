import { dispatch, errorResponse, type DispatchDeps } from "./dispatcher.ts";
import type { RouteDef } from "./route.ts";

// The registry's listener: Bun.serve with its native router, so the hot telemetry path pays for one route
// lookup and our dispatcher, nothing more.

export interface ListenOptions {
  hostname: string;
  port: number;
}

/** extraRoutes are plain responders (downloads, metrics) that need no JSON handling. */
export type PlainRoutes = Record<string, (req: Request & { params?: Record<string, string> }) => Response | Promise<Response>>;

export function startHttpServer(listen: ListenOptions, routes: readonly RouteDef[], plain: PlainRoutes, deps: DispatchDeps) {
  const table: Record<string, Record<string, (req: Request & { params?: Record<string, string> }) => Promise<Response> | Response>> = {};
  for (const r of routes) (table[r.path] ??= {})[r.method] = dispatch(r, deps);
  for (const [path, handler] of Object.entries(plain)) (table[path] ??= {}).GET = handler;
  return Bun.serve({
    hostname: listen.hostname,
    port: listen.port,
    // Elysia and Bun default to SO_REUSEPORT on Linux, which would let a second registry share the port silently.
    reusePort: false,
    maxRequestBodySize: 4 * 1024 * 1024,
    idleTimeout: 30,
    routes: table as never,
    fetch(req) {
      const path = new URL(req.url).pathname;
      const known = Object.prototype.hasOwnProperty.call(table, path);
      return known
        ? errorResponse(405, "method_not_allowed", `${req.method} is not accepted on ${path}`, `use ${Object.keys(table[path]!).join(" or ")}`)
        : errorResponse(404, "not_found", `no route ${req.method} ${path.slice(0, 200)}`, "see /api/openapi.json for the registry's routes");
    },
    error(err) {
      deps.log("request_failed", { error: String(err?.stack ?? err) });
      return errorResponse(500, "internal", "the registry failed to handle this request", "retry later");
    },
  });
}
