import type { SetupStep } from "../../protocol/index.ts";
import type { Problem } from "../../ui/kit/index.ts";
import { STEP_LABELS, stepPath } from "../../ui/agent/index.ts";
import { StepError } from "../backend/step-error.ts";

/**
 * stepProblem turns a StepError into what the page shows: its message, its fix, and a link when the fix
 * is on another step's page. Anything else is not the owner's to fix and goes to the error handler.
 */
export function stepProblem(err: unknown, here: SetupStep): Problem {
  if (!(err instanceof StepError)) throw err;
  const link = err.step !== here ? { href: stepPath(err.step), label: `Go to ${STEP_LABELS[err.step].toLowerCase()}` } : null;
  return { message: err.message, fix: err.fix, link };
}
