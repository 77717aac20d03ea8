import type { SetupStep } from "../../../protocol/index.ts";
import { canVisit, stepIndex, stepPath } from "../../../ui/agent/index.ts";
import { redirectTo } from "../respond.ts";
import type { WebContext } from "../web-context.ts";

/**
 * stepGate sends the owner to the furthest step reached when they open a later one (an old bookmark, a
 * guessed URL). GET pages only look; moving through the wizard happens in the POSTs.
 */
export function stepGate(web: WebContext, request: Request, step: SetupStep): Response | null {
  const reached = web.backend.status().setupStep;
  return canVisit(step, reached) ? null : redirectTo(request, stepPath(reached));
}

/** advanceTo moves the wizard forward to step; it never moves it back when the owner revisits an early step. */
export function advanceTo(web: WebContext, step: SetupStep): void {
  if (stepIndex(step) > stepIndex(web.backend.status().setupStep)) web.backend.goTo(step);
}
