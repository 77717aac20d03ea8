import * as v from "valibot";

/**
 * DEVICE_STATES are where a device stands with the registry. The registry enforces which moves are
 * allowed (registry/devices/lifecycle.ts); the agent only reads them.
 */
export const DEVICE_STATES = ["pending_approval", "waitlisted", "assigned", "joining", "online", "offline", "paused", "removed", "banned"] as const;
export const DeviceState = v.picklist(DEVICE_STATES);
export type DeviceState = v.InferOutput<typeof DeviceState>;

/** WaitlistView is a waitlisted device's place in its area's queue. */
export const WaitlistView = v.object({
  /** The area the device waits in: an ISO country code, or "near-<region id>", or "unknown". */
  area: v.string(),
  /** 1 is next in line. */
  position: v.number(),
  waiting: v.number(),
  /** Devices the area needs before operators are told it is ready to bootstrap a region. */
  threshold: v.number(),
  readyToBootstrap: v.boolean(),
  /** Why no region took the device. */
  reason: v.string(),
});
export type WaitlistView = v.InferOutput<typeof WaitlistView>;

/** DeviceRegion is the region a device is placed in. */
export const DeviceRegion = v.object({ id: v.string(), name: v.string(), locationRegion: v.string() });
export type DeviceRegion = v.InferOutput<typeof DeviceRegion>;

/** DeviceView is the registry's view of one device, as the device itself and its owner see it. */
export const DeviceView = v.object({
  deviceId: v.string(),
  owner: v.string(),
  state: DeviceState,
  region: v.nullable(DeviceRegion),
  waitlist: v.nullable(WaitlistView),
  /** One sentence for the owner: what this state means and what happens next. */
  message: v.string(),
  /** How often the registry wants a heartbeat, in seconds. */
  heartbeatIntervalS: v.number(),
  /** Set when this device replaced an earlier record of the same machine (a reinstall). */
  replaces: v.nullable(v.string()),
});
export type DeviceView = v.InferOutput<typeof DeviceView>;

/** deviceStateMessage is the sentence an owner reads for a state: what it means and what happens next. */
export function deviceStateMessage(state: DeviceState): string {
  switch (state) {
    case "pending_approval":
      return "Waiting for the region's operator to approve this device.";
    case "waitlisted":
      return "No region can take this device yet; it keeps its place in the queue and joins when one can.";
    case "assigned":
      return "A region has a place for this device; it joins the cluster next.";
    case "joining":
      return "Joining the region's cluster.";
    case "online":
      return "Online and available for workloads.";
    case "offline":
      return "The registry has not heard from this device recently; it counts as offline until it does.";
    case "paused":
      return "Paused by its owner: it takes no new workloads until resumed.";
    case "removed":
      return "Removed from the network. Check in again with a new claim code to return.";
    case "banned":
      return "Banned by an operator. Contact the region's operator.";
  }
}
