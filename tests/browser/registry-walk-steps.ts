// What registry-walk.test.ts (Bun) and registry-walk-scenario.ts (Node) agree on.
import type { StepResult as AnyStepResult } from "./support/scenario-browser.ts";

/** WalkDevice is one agent daemon the walk sets up, and the claim code its owner made for it. */
export interface WalkDevice {
  url: string;
  setupCode: string;
  claimCode: string;
  /** The hostname in its saved hardware report: the dashboard's heading. */
  hostname: string;
}

/** RegistryWalkInput is handed to the scenario as JSON in SCENARIO_INPUT. */
export interface RegistryWalkInput {
  chromiumPath: string;
  shots: string;
  registry: { url: string; regionId: string; regionName: string; locationRegion: string };
  /** The owner's Akash address, signed in with a wallet; both claim codes are theirs. */
  owner: string;
  /** A code the registry never issued: the join must be refused and sent back to the claim step. */
  wrongClaimCode: string;
  /** Joins the region while it has room: assigned, then online once its telemetry arrives. */
  first: WalkDevice;
  /** Joins once the region is full: waitlisted, with its position on the dashboard. */
  second: WalkDevice;
}

/** STEPS are the scenario's steps in order; registry-walk.test.ts has one test per step. */
export const STEPS = ["to-claim", "claim-and-region", "share", "wrong-claim", "join-assigned", "online", "waitlisted", "no-browser-problems"] as const;
export type Step = (typeof STEPS)[number];

export type StepResult = AnyStepResult<Step>;
