// What portal-walk.test.ts (Bun) and portal-walk-scenario.ts (Node) agree on.
import type { StepResult as AnyStepResult } from "./support/scenario-browser.ts";

export interface WalkWallet {
  address: string;
  /** The test wallet's recovery phrase: the scenario signs with it as Keplr would. */
  mnemonic: string;
}

export interface WalkDeviceRef {
  id: string;
  name: string;
}

/** PortalWalkInput is handed to the scenario as JSON in SCENARIO_INPUT. */
export interface PortalWalkInput {
  chromiumPath: string;
  shots: string;
  url: string;
  owner: WalkWallet;
  operator: WalkWallet;
  devices: { labPc: WalkDeviceRef; denPc: WalkDeviceRef; miniPc: WalkDeviceRef; officePc: WalkDeviceRef; garageBox: WalkDeviceRef };
  /** A populated earnings page (portal-earnings-sample.ts) and the CSP the registry serves pages with. */
  earningsSample: { html: string; csp: string };
}

/** STEPS are the scenario's steps in order; portal-walk.test.ts has one test per step. */
export const STEPS = [
  "network",
  "session-expired",
  "sign-in-wallet",
  "devices",
  "filter",
  "bulk",
  "device",
  "pause-resume",
  "add-device",
  "remove",
  "earnings",
  "payout-address",
  "sign-out",
  "sign-in-by-hand",
  "admin",
  "admin-region",
  "admin-actions",
  "audit",
  "operator-offer",
  "not-an-operator",
  "no-browser-problems",
] as const;
export type Step = (typeof STEPS)[number];

export type StepResult = AnyStepResult<Step>;
