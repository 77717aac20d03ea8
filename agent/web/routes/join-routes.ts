import { Elysia } from "elysia";
import { JoinPage, JoinPanel, type JoinSummary } from "../../../ui/agent/index.ts";
import { htmlResponse, redirectTo } from "../respond.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { stepGate } from "./step-access.ts";

/** joinRoutes: the owner's choices once more, then joining with live progress. */
export function joinRoutes(web: WebContext) {
  const b = web.backend;
  const summary = (): JoinSummary => {
    const s = b.status();
    const choice = b.regionChoice();
    const region = s.region?.name ?? (!choice || choice === "auto" ? "Nearest region, picked at check-in" : choice);
    return { registryUrl: s.registry.url, claimed: s.claimed, owner: s.owner, region, share: s.share };
  };

  return new Elysia()
    .get("/join", ({ request }) => stepGate(web, request, "join") ?? htmlResponse(JoinPage({ ctx: pageContext(web), summary: summary(), run: web.joining.view() }) as string))
    .get("/join/progress", () => htmlResponse(JoinPanel({ run: web.joining.view() }) as string))
    .post("/join", ({ request }) => {
      const gate = stepGate(web, request, "join");
      if (gate) return gate;
      web.joining.start();
      return redirectTo(request, "/join");
    });
}
