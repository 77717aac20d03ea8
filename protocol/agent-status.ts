import * as v from "valibot";
import { DeviceView } from "./device-state.ts";
import { ShareSettings } from "./share.ts";

/** SETUP_STEPS are the wizard's steps in order; headless `up` walks the same ones. */
export const SETUP_STEPS = ["welcome", "hardware", "benchmark", "claim", "region", "share", "join", "dashboard"] as const;
export const SetupStep = v.picklist(SETUP_STEPS);
export type SetupStep = v.InferOutput<typeof SetupStep>;

/** AgentPhase is where the device stands with the network. */
export const AgentPhase = v.picklist(["setup", "waitlisted", "pending-approval", "joining", "online", "paused", "offline", "left"]);
export type AgentPhase = v.InferOutput<typeof AgentPhase>;

/** RegistryReachability is the last attempt to reach the registry. */
export const RegistryReachability = v.object({
  url: v.nullable(v.string()),
  reachable: v.nullable(v.boolean()),
  error: v.nullable(v.string()),
  checkedAt: v.nullable(v.string()),
});
export type RegistryReachability = v.InferOutput<typeof RegistryReachability>;

/** AgentStatus is the daemon's view of itself, shown by `status` and the page. */
export const AgentStatus = v.object({
  version: v.string(),
  commit: v.string(),
  protocolVersion: v.number(),
  deviceId: v.string(),
  publicKey: v.string(),
  stateDir: v.string(),
  pageUrl: v.string(),
  phase: AgentPhase,
  paused: v.boolean(),
  setupStep: SetupStep,
  registry: RegistryReachability,
  owner: v.nullable(v.string()),
  claimed: v.boolean(),
  region: v.nullable(v.object({ id: v.string(), name: v.string() })),
  share: v.nullable(ShareSettings),
  doctor: v.nullable(v.object({ at: v.string(), ready: v.boolean(), failing: v.number(), warnings: v.number() })),
  bench: v.nullable(v.object({ at: v.string(), quick: v.boolean(), singleCore: v.number(), multiCore: v.number() })),
  /** The registry's view of this device from the last check-in or telemetry answer. */
  standing: v.nullable(DeviceView),
  /** The telemetry outbox: records waiting to be sent, dropped when full, and the last send. */
  telemetry: v.nullable(
    v.object({ queued: v.number(), dropped: v.number(), lastSentAt: v.nullable(v.string()), lastError: v.nullable(v.string()) }),
  ),
  /** What the agent had to repair on its own at start (a corrupt state file set aside, a new key made). */
  notices: v.array(v.string()),
});
export type AgentStatus = v.InferOutput<typeof AgentStatus>;
