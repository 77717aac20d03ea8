// What wizard.test.ts (Bun) and wizard-scenario.ts (Node) agree on.
import type { StepResult as AnyStepResult } from "./support/scenario-browser.ts";

/** ScenarioInput is handed to the scenario as JSON in SCENARIO_INPUT. */
export interface ScenarioInput {
  chromiumPath: string;
  shots: string;
  /** The daemon seeded with a passing hardware report: the walk. */
  wizard: { url: string; code: string };
  /** A daemon already joined, probing this machine for real: dashboard and this machine's checks. */
  joined: { url: string; code: string };
  /** A loopback port nothing listens on: the unreachable registry. */
  closedPort: number;
}

/** STEPS are the scenario's steps in order; wizard.test.ts has one test per step. */
export const STEPS = ["welcome", "hardware", "benchmark", "claim", "region-share-join", "going-back", "phone", "joined", "no-browser-problems"] as const;
export type Step = (typeof STEPS)[number];

/** StepResult is one line the scenario prints. */
export type StepResult = AnyStepResult<Step>;
