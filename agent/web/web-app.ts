// agent/web: the setup page and dashboard on http://127.0.0.1:7777. Thin routes: they read the request,
// call agent/backend, and render ui/agent views. Every request first meets the guards (guard.ts): Host
// allowlist, same-origin for anything that changes state, the session from the setup code.
// Imports agent/backend, ui/ and protocol/; never agent/cli or registry/. Building it starts nothing.
import { Elysia } from "elysia";
import { MessageFragment, MessagePage } from "../../ui/agent/index.ts";
import type { AgentBackend } from "../backend/agent-backend.ts";
import type { SetupGate } from "../backend/setup-gate.ts";
import { assertLoopbackListen, checkBodySize, checkHost, checkSameOrigin, isPublicRoute, isSafeMethod, SECURITY_HEADERS, type Refusal } from "./guard.ts";
import { JoinRun } from "./join-run.ts";
import { htmlResponse, isHtmx, redirectTo } from "./respond.ts";
import { benchmarkRoutes } from "./routes/benchmark-routes.ts";
import { claimRoutes } from "./routes/claim-routes.ts";
import { dashboardRoutes } from "./routes/dashboard-routes.ts";
import { hardwareRoutes } from "./routes/hardware-routes.ts";
import { joinRoutes } from "./routes/join-routes.ts";
import { regionRoutes } from "./routes/region-routes.ts";
import { shareRoutes } from "./routes/share-routes.ts";
import { welcomeRoutes } from "./routes/welcome-routes.ts";
import { readSessionCookie } from "./session-cookie.ts";
import { ASSET_URLS, staticRoutes } from "./static-routes.ts";
import type { WebContext, WebLog } from "./web-context.ts";

export interface WebAppOptions {
  backend: AgentBackend;
  gate: SetupGate;
  /** The address the daemon will listen on, e.g. "127.0.0.1:7777"; it must be loopback. */
  listen: string;
  log: WebLog;
}

/**
 * createWebApp builds the page's Elysia app; the daemon calls .listen() on it. It throws for a listen
 * address that is not loopback, because the guards below assume only this machine can connect.
 */
export function createWebApp(opts: WebAppOptions) {
  const { port } = assertLoopbackListen(opts.listen);
  const { backend, gate, log } = opts;
  const web: WebContext = { backend, gate, log, assets: ASSET_URLS, joining: new JoinRun(backend, log) };
  const signedIn = (request: Request) => gate.isSession(readSessionCookie(request.headers.get("cookie")));

  const refused = (request: Request, refusal: Refusal): Response => {
    const path = new URL(request.url).pathname;
    log("request refused", { method: request.method, path, reason: refusal.reason });
    // A foreign Host may be a hostile page's rebinding attempt: give it nothing but the reason.
    if (refusal.reason.startsWith("Host check failed")) return new Response(refusal.reason, { status: refusal.status, headers: { "content-type": "text/plain; charset=utf-8" } });
    const page = MessagePage({
      assets: ASSET_URLS,
      signedIn: false,
      title: "Request refused",
      message: refusal.reason,
      next: `open http://127.0.0.1:${port} in this computer's browser and try again`,
      link: { href: "/", label: "Back to the setup page" },
    }) as string;
    return htmlResponse(page, refusal.status);
  };

  return (
    new Elysia()
      .onRequest(({ request, set }) => {
        Object.assign(set.headers, SECURITY_HEADERS);
        const path = new URL(request.url).pathname;
        const h = request.headers;
        const refusal =
          checkHost(h.get("host"), port) ??
          checkSameOrigin({ method: request.method, host: h.get("host"), secFetchSite: h.get("sec-fetch-site"), origin: h.get("origin") }) ??
          (isSafeMethod(request.method) ? null : checkBodySize(h.get("content-length")));
        if (refusal) return refused(request, refusal);
        // Deny by default: a route is public only if guard.isPublicRoute names it.
        if (!isPublicRoute(request.method, path) && !gate.isSession(readSessionCookie(h.get("cookie")))) return redirectTo(request, "/welcome");
      })
      .onError(({ code, error, request }) => {
        const path = new URL(request.url).pathname;
        const known: Record<string, { status: number; title: string; message: string; next: string | null }> = {
          NOT_FOUND: { status: 404, title: "Page not found", message: `there is no page at ${path}`, next: "go back to the setup page" },
          PARSE: { status: 400, title: "The form could not be read", message: "the browser sent something this page does not understand", next: "reload the page and try again" },
        };
        const shown = known[String(code)] ?? {
          status: 500,
          title: "Something went wrong",
          message: "the page hit an error it did not expect. The agent keeps running and your settings are kept",
          next: "try again; if it keeps happening, the agent's log (journalctl -u akash-home) has the details",
        };
        if (shown.status === 500) log("page error", { method: request.method, path, code: String(code), error: (error as Error)?.message ?? String(error), stack: (error as Error)?.stack });
        if (isHtmx(request)) {
          // A polling partial must not swallow a whole page: show the message in the page's place.
          return htmlResponse(MessageFragment(shown) as string, shown.status, { "hx-retarget": "#main", "hx-reswap": "innerHTML" });
        }
        const page = MessagePage({ assets: ASSET_URLS, signedIn: signedIn(request), ...shown, link: { href: "/", label: "Back to the setup page" } }) as string;
        return htmlResponse(page, shown.status);
      })
      .get("/healthz", () => new Response("ok\n", { headers: { "content-type": "text/plain; charset=utf-8" } }))
      .use(staticRoutes())
      .use(welcomeRoutes(web))
      .use(hardwareRoutes(web))
      .use(benchmarkRoutes(web))
      .use(claimRoutes(web))
      .use(regionRoutes(web))
      .use(shareRoutes(web))
      .use(joinRoutes(web))
      .use(dashboardRoutes(web))
  );
}
