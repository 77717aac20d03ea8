import { Elysia } from "elysia";
import { DoctorPanel, HardwarePage } from "../../../ui/agent/index.ts";
import type { Problem } from "../../../ui/kit/index.ts";
import { htmlResponse, pageAgain, redirectTo } from "../respond.ts";
import { stepProblem } from "../step-problem.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { stepGate } from "./step-access.ts";

/** hardwareRoutes: the checks report, running them again, and going on once nothing blocks. */
export function hardwareRoutes(web: WebContext) {
  const panel = (problem: Problem | null) => ({ report: web.backend.lastDoctor(), ...web.backend.doctorState(), problem });
  const page = (problem: Problem | null) => HardwarePage({ ctx: pageContext(web), ...panel(problem) }) as string;

  return new Elysia()
    .get("/hardware", ({ request }) => stepGate(web, request, "hardware") ?? htmlResponse(page(null)))
    .get("/hardware/progress", () => htmlResponse(DoctorPanel(panel(null)) as string))
    .post("/hardware/check", ({ request }) => {
      web.backend.startDoctor();
      return redirectTo(request, "/hardware");
    })
    .post("/hardware/continue", ({ request }) => {
      try {
        web.backend.acceptHardware();
      } catch (err) {
        return pageAgain(request, page(stepProblem(err, "hardware")), 409, "/hardware");
      }
      return redirectTo(request, "/benchmark");
    });
}
