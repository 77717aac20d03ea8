import { Elysia } from "elysia";
import { SharePage, type ShareFormErrors, type ShareFormValues } from "../../../ui/agent/index.ts";
import type { Problem } from "../../../ui/kit/index.ts";
import { htmlResponse, pageAgain, redirectTo } from "../respond.ts";
import { parseShareForm, shareFormFrom, shareFormValues } from "../share-form.ts";
import { stepProblem } from "../step-problem.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { stepGate } from "./step-access.ts";

/** shareRoutes: what this computer offers; the form starts from the saved settings or sensible defaults. */
export function shareRoutes(web: WebContext) {
  const b = web.backend;
  const page = (values: ShareFormValues, errors: ShareFormErrors, problem: Problem | null) =>
    SharePage({ ctx: pageContext(web), hardware: b.lastDoctor()?.hardware ?? null, values, errors, problem }) as string;

  return new Elysia()
    .get("/share", ({ request }) => {
      const gate = stepGate(web, request, "share");
      if (gate) return gate;
      return htmlResponse(page(shareFormFrom(b.status().share ?? b.defaultShare({})), {}, null));
    })
    .post("/share", ({ request, body }) => {
      const gate = stepGate(web, request, "share");
      if (gate) return gate;
      const values = shareFormValues(body);
      const parsed = parseShareForm(values, b.lastDoctor()?.hardware ?? null);
      if ("errors" in parsed) return pageAgain(request, page(values, parsed.errors, null), 422, "/share");
      try {
        b.setShare(parsed.share);
      } catch (err) {
        return pageAgain(request, page(values, {}, stepProblem(err, "share")), 409, "/share");
      }
      return redirectTo(request, "/join");
    });
}
