import * as v from "valibot";
import { AgentPhase, DeviceView, SetupStep, ShareSettings } from "../../protocol/index.ts";
import { ClusterJoin } from "./cluster-join.ts";

/** AgentState is what the agent itself writes about its setup and standing; kept in state.json. */
export const AgentState = v.object({
  setupStep: SetupStep,
  /** Registry chosen on the page; a flag, env var or config-file value wins over it. */
  registryUrl: v.nullable(v.string()),
  claimCode: v.nullable(v.string()),
  owner: v.nullable(v.string()),
  regionChoice: v.nullable(v.string()),
  region: v.nullable(v.object({ id: v.string(), name: v.string() })),
  share: v.nullable(ShareSettings),
  phase: AgentPhase,
  paused: v.boolean(),
  /** The registry's last word on this device (state, region, waitlist place). Absent in files from before check-in existed. */
  standing: v.optional(v.nullable(DeviceView), null),
  /** This device's place in its region's cluster once it joined; absent in files from before joining existed. */
  cluster: v.optional(v.nullable(ClusterJoin), null),
});
export type AgentState = v.InferOutput<typeof AgentState>;

/** AGENT_STATE_VERSION is bumped with a migration whenever AgentState changes shape. */
export const AGENT_STATE_VERSION = 1;

/** initialAgentState is a device that has not been set up. */
export function initialAgentState(): AgentState {
  return { setupStep: "welcome", registryUrl: null, claimCode: null, owner: null, regionChoice: null, region: null, share: null, phase: "setup", paused: false, standing: null, cluster: null };
}
