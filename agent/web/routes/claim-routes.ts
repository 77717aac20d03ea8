import { Elysia } from "elysia";
import { ClaimPage, RegistryStatus, type ClaimPageProps } from "../../../ui/agent/index.ts";
import { claimFormInput, parseClaimForm } from "../claim-form.ts";
import { htmlResponse, pageAgain, redirectTo } from "../respond.ts";
import { stepProblem } from "../step-problem.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { advanceTo, stepGate } from "./step-access.ts";

/** claimRoutes: the registry's address and the owner's claim code, and whether the registry answers. */
export function claimRoutes(web: WebContext) {
  const b = web.backend;
  const props = (over: Partial<ClaimPageProps> = {}): ClaimPageProps => {
    const s = b.status();
    return {
      ctx: pageContext(web),
      registry: s.registry,
      registryConfigured: b.registryIsConfigured(),
      claimed: s.claimed,
      owner: s.owner,
      values: { registry: b.registryUrl() ?? "", claim: "" },
      errors: {},
      problem: null,
      ...over,
    };
  };
  // Asking the registry whether it is there changes nothing, so GETs may do it; it answers or times out in seconds.
  const refresh = async () => {
    if (b.registryUrl()) await b.checkRegistry();
  };

  return new Elysia()
    .get("/claim", async ({ request }) => {
      const gate = stepGate(web, request, "claim");
      if (gate) return gate;
      await refresh();
      return htmlResponse(ClaimPage(props()) as string);
    })
    .get("/claim/registry-status", async () => {
      await refresh();
      return htmlResponse(RegistryStatus({ reachability: b.status().registry, configured: b.registryIsConfigured() }) as string);
    })
    .post("/claim", async ({ request, body }) => {
      const gate = stepGate(web, request, "claim");
      if (gate) return gate;
      const input = claimFormInput(body, b.registryIsConfigured(), b.status().claimed);
      const form = parseClaimForm(input);
      if (!form.ok) return pageAgain(request, ClaimPage(props({ values: input, errors: form.errors })) as string, 422, "/claim");
      let reachable: boolean | null;
      try {
        reachable = form.registry ? (await b.setRegistry(form.registry)).reachable : (await b.checkRegistry()).reachable;
        if (form.claim) b.setClaim(form.claim);
        else advanceTo(web, "region");
      } catch (err) {
        return pageAgain(request, ClaimPage(props({ values: input, problem: stepProblem(err, "claim") })) as string, 409, "/claim");
      }
      // Saved either way; when the registry does not answer, the owner sees why here before going on.
      return redirectTo(request, reachable ? "/region" : "/claim");
    });
}
