import * as v from "valibot";
import { AgentStatus, SetupStep } from "./agent-status.ts";
import { ShareSettings } from "./share.ts";

/**
 * LOCAL_API are the paths of the daemon's API for its own CLI, served on a unix socket in the state dir.
 * Under /localapi/v0/ to say they are not a stable public API.
 */
export const LOCAL_API = {
  status: "/localapi/v0/status",
  up: "/localapi/v0/up",
  pause: "/localapi/v0/pause",
  resume: "/localapi/v0/resume",
  down: "/localapi/v0/down",
} as const;

/** LocalStatus is AgentStatus plus what only the machine's administrator may see. */
export const LocalStatus = v.object({
  ...AgentStatus.entries,
  /** The one-time code that opens the setup page; null once used until the daemon restarts. */
  setupCode: v.nullable(v.string()),
});
export type LocalStatus = v.InferOutput<typeof LocalStatus>;

/** UpRequest is headless setup: every value the wizard would ask for. */
export const UpRequest = v.object({
  registry: v.optional(v.pipe(v.string(), v.url("the registry must be a URL like https://registry.example.org"))),
  claim: v.optional(v.pipe(v.string(), v.trim(), v.minLength(4, "a claim code has at least 4 characters"), v.maxLength(64))),
  region: v.optional(v.string()),
  share: v.optional(v.partial(ShareSettings)),
  /** Accept every default without asking. */
  yes: v.boolean(),
});
export type UpRequest = v.InferOutput<typeof UpRequest>;

/** UpEvent is one line of the NDJSON stream `up` answers with. */
export const UpEvent = v.variant("type", [
  v.object({ type: v.literal("progress"), step: SetupStep, message: v.string() }),
  v.object({ type: v.literal("done"), status: AgentStatus }),
  v.object({ type: v.literal("error"), step: SetupStep, message: v.string(), fix: v.nullable(v.string()) }),
]);
export type UpEvent = v.InferOutput<typeof UpEvent>;

/** DownRequest leaves the network; keepState keeps the device key so it can come back as itself. */
export const DownRequest = v.object({ keepState: v.optional(v.boolean(), true) });
export type DownRequest = v.InferOutput<typeof DownRequest>;
