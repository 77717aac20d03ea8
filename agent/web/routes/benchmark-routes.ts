import { Elysia } from "elysia";
import { BenchmarkPage, BenchPanel } from "../../../ui/agent/index.ts";
import type { Problem } from "../../../ui/kit/index.ts";
import { formText } from "../form-fields.ts";
import { htmlResponse, pageAgain, redirectTo } from "../respond.ts";
import { stepProblem } from "../step-problem.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { advanceTo, stepGate } from "./step-access.ts";

/** benchmarkRoutes: start a quick or full run, watch its progress, and go on once there is a result. */
export function benchmarkRoutes(web: WebContext) {
  const page = (problem: Problem | null) => BenchmarkPage({ ctx: pageContext(web), bench: web.backend.benchState(), problem }) as string;

  return new Elysia()
    .get("/benchmark", ({ request }) => stepGate(web, request, "benchmark") ?? htmlResponse(page(null)))
    .get("/benchmark/progress", () => htmlResponse(BenchPanel({ bench: web.backend.benchState(), problem: null }) as string))
    .post("/benchmark", ({ request, body }) => {
      const gate = stepGate(web, request, "benchmark");
      if (gate) return gate;
      // BenchSession shows a failure on the page; nobody awaits the run here.
      web.backend.bench.start(formText(body, "mode") !== "full").catch(() => {});
      return redirectTo(request, "/benchmark");
    })
    .post("/benchmark/continue", ({ request }) => {
      if (!web.backend.benchState().result) {
        const problem = { message: "the benchmark has not run yet", fix: "run the quick benchmark; it takes about 10 seconds", link: null };
        return pageAgain(request, page(problem), 409, "/benchmark");
      }
      try {
        advanceTo(web, "claim");
      } catch (err) {
        return pageAgain(request, page(stepProblem(err, "benchmark")), 409, "/benchmark");
      }
      return redirectTo(request, "/claim");
    });
}
