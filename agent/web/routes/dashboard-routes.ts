import { Elysia } from "elysia";
import { DashboardPage } from "../../../ui/agent/index.ts";
import type { Problem } from "../../../ui/kit/index.ts";
import type { AgentStatus } from "../../../protocol/index.ts";
import { htmlResponse, pageAgain, redirectTo } from "../respond.ts";
import { stepProblem } from "../step-problem.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { stepGate } from "./step-access.ts";

/** dashboardRoutes: the computer's standing once joined, and pause, resume and leave. */
export function dashboardRoutes(web: WebContext) {
  const b = web.backend;
  const page = (problem: Problem | null) =>
    DashboardPage({ ctx: pageContext(web), status: b.status(), hostname: b.lastDoctor()?.hardware.hostname ?? null, problem }) as string;
  const act = async (request: Request, action: () => Promise<AgentStatus>, then: string) => {
    const gate = stepGate(web, request, "dashboard");
    if (gate) return gate;
    try {
      await action();
    } catch (err) {
      return pageAgain(request, page(stepProblem(err, "dashboard")), 409, "/dashboard");
    }
    return redirectTo(request, then);
  };

  return new Elysia()
    .get("/dashboard", async ({ request }) => {
      const gate = stepGate(web, request, "dashboard");
      if (gate) return gate;
      // Asking whether the registry answers changes nothing and keeps the reachability shown fresh.
      if (b.registryUrl()) await b.checkRegistry();
      return htmlResponse(page(null));
    })
    .post("/dashboard/pause", ({ request }) => act(request, () => b.pause(), "/dashboard"))
    .post("/dashboard/resume", ({ request }) => act(request, () => b.resume(), "/dashboard"))
    .post("/dashboard/leave", ({ request }) => act(request, () => b.down(), "/"));
}
