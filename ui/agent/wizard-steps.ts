import { SETUP_STEPS, type SetupStep } from "../../protocol/index.ts";
import type { StepItem } from "../kit/index.ts";

/** STEP_LABELS are the short names the step indicator shows. */
export const STEP_LABELS: Record<SetupStep, string> = {
  welcome: "Welcome",
  hardware: "Hardware",
  benchmark: "Benchmark",
  claim: "Owner",
  region: "Region",
  share: "Share",
  join: "Join",
  dashboard: "Dashboard",
};

/** stepPath is the page of a step; the routes and the links use the same table. */
export function stepPath(step: SetupStep): string {
  return `/${step}`;
}

export function stepIndex(step: SetupStep): number {
  return SETUP_STEPS.indexOf(step);
}

/** canVisit says whether the owner may open a step's page: any step up to the furthest reached. */
export function canVisit(step: SetupStep, reached: SetupStep): boolean {
  return stepIndex(step) <= stepIndex(reached);
}

/** previousStep is the step before, for the "Back" link; null on the first. */
export function previousStep(step: SetupStep): SetupStep | null {
  return SETUP_STEPS[stepIndex(step) - 1] ?? null;
}

/** stepItems builds the indicator for the page of `current`, given how far the owner got. */
export function stepItems(current: SetupStep, reached: SetupStep): StepItem[] {
  return SETUP_STEPS.map((step) => ({
    label: STEP_LABELS[step],
    href: canVisit(step, reached) ? stepPath(step) : null,
    state: step === current ? "current" : step === reached ? "reached" : stepIndex(step) < stepIndex(reached) ? "done" : "upcoming",
  }));
}
