import { Elysia } from "elysia";
import type { RegionSummary } from "../../../protocol/index.ts";
import { RegionPage, type RegionPageProps } from "../../../ui/agent/index.ts";
import type { Problem } from "../../../ui/kit/index.ts";
import { StepError } from "../../backend/step-error.ts";
import { formText } from "../form-fields.ts";
import { htmlResponse, pageAgain, redirectTo } from "../respond.ts";
import { stepProblem } from "../step-problem.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { stepGate } from "./step-access.ts";

/** regionRoutes: the nearest region, or one from the registry's list. */
export function regionRoutes(web: WebContext) {
  const b = web.backend;
  /** The registry's regions, or why there are none to show; an unreachable registry is not an error here. */
  const loadRegions = async (): Promise<{ regions: RegionSummary[] | null; problem: Problem | null }> => {
    try {
      return { regions: await b.regions(), problem: null };
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      // The reachability box explains an unreachable registry; the problem box covers the rest (none set).
      return { regions: null, problem: b.registryUrl() ? null : stepProblem(err, "region") };
    }
  };
  const props = (loaded: { regions: RegionSummary[] | null; problem: Problem | null }, over: Partial<RegionPageProps> = {}): RegionPageProps => ({
    ctx: pageContext(web),
    regions: loaded.regions,
    registry: b.status().registry,
    registryConfigured: b.registryIsConfigured(),
    selected: b.regionChoice() ?? b.status().region?.id ?? "auto",
    error: null,
    problem: loaded.problem,
    ...over,
  });

  return new Elysia()
    .get("/region", async ({ request }) => {
      const gate = stepGate(web, request, "region");
      if (gate) return gate;
      return htmlResponse(RegionPage(props(await loadRegions())) as string);
    })
    .post("/region", async ({ request, body }) => {
      const gate = stepGate(web, request, "region");
      if (gate) return gate;
      const choice = formText(body, "region");
      const loaded = choice === "auto" ? { regions: [], problem: null } : await loadRegions();
      const region = loaded.regions?.find((r) => r.id === choice);
      let error: string | null = null;
      if (!choice) error = "choose a region, or the nearest one";
      else if (choice !== "auto" && !region) error = "that region is not in the registry's list; choose another, or the nearest one";
      else if (region?.status === "planned") error = `${region.name} is not open yet; choose another, or the nearest one`;
      if (error) {
        const shown = choice === "auto" ? await loadRegions() : loaded;
        return pageAgain(request, RegionPage(props(shown, { error, selected: choice })) as string, 422, "/region");
      }
      try {
        b.chooseRegion(choice);
      } catch (err) {
        return pageAgain(request, RegionPage(props(loaded, { problem: stepProblem(err, "region") })) as string, 409, "/region");
      }
      return redirectTo(request, "/share");
    });
}
