import { Elysia } from "elysia";
import { WelcomePage, stepPath } from "../../../ui/agent/index.ts";
import { formText } from "../form-fields.ts";
import { htmlResponse, pageAgain, redirectTo } from "../respond.ts";
import { clearedSessionCookie, readSessionCookie, sessionCookie } from "../session-cookie.ts";
import { pageContext, type WebContext } from "../web-context.ts";
import { advanceTo } from "./step-access.ts";

const WRONG_CODE =
  "that code is not right, or it was already used. A code works once: run sudo akash-home status to see the current one (it makes a fresh code once the last was used)";

/** welcomeRoutes: the setup code form, which opens a session, and signing out. */
export function welcomeRoutes(web: WebContext) {
  const signedIn = (request: Request) => web.gate.isSession(readSessionCookie(request.headers.get("cookie")));
  const continueHref = () => {
    const reached = web.backend.status().setupStep;
    return stepPath(reached === "welcome" ? "hardware" : reached);
  };
  // A visitor without a session sees no progress and no links into the wizard.
  const render = (request: Request, code: string | null, error: string | null) => {
    const ctx = signedIn(request) ? pageContext(web) : { ...pageContext(web), signedIn: false, reached: "welcome" as const };
    return WelcomePage({ ctx, code, error, continueHref: continueHref() }) as string;
  };

  return new Elysia()
    .get("/", ({ request }) => redirectTo(request, continueHref()))
    .get("/welcome", ({ request, query }) => {
      // ?code= only fills the field: a link alone must never sign anyone in.
      const code = typeof query.code === "string" ? query.code.slice(0, 32) : null;
      return htmlResponse(render(request, code, null));
    })
    .post("/welcome", ({ request, body }) => {
      if (signedIn(request)) return redirectTo(request, continueHref());
      const typed = formText(body, "code");
      if (!typed) return pageAgain(request, render(request, "", "enter the setup code"), 422, "/welcome");
      const token = web.gate.exchange(typed);
      if (!token) {
        web.log("setup code refused");
        return pageAgain(request, render(request, typed, WRONG_CODE), 401, "/welcome");
      }
      web.log("setup code accepted; page session started");
      advanceTo(web, "hardware");
      if (!web.backend.lastDoctor()) web.backend.startDoctor();
      return redirectTo(request, continueHref(), { "set-cookie": sessionCookie(token) });
    })
    .post("/signout", ({ request }) => {
      const token = readSessionCookie(request.headers.get("cookie"));
      if (token) web.gate.endSession(token);
      return redirectTo(request, "/welcome", { "set-cookie": clearedSessionCookie() });
    });
}
