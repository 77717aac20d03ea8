import type { DeviceState } from "../../protocol/index.ts";

// The one place that says which state changes a device may make. Every write of devices.state goes
// through assertTransition, so an impossible move (a banned device coming online) fails loudly instead
// of quietly corrupting the record rewards are computed from.

/** DeviceEvent names why a device changes state. */
export type DeviceEvent =
  | "check_in" // placement decided (or redone on a later check-in)
  | "approve" // an operator let a pending device in
  | "join_started" // join credentials issued
  | "heartbeat" // the registry heard from it
  | "heartbeat_lost" // no heartbeat within the grace period
  | "pause"
  | "resume"
  | "remove"
  | "ban";

const PLACED: readonly DeviceState[] = ["assigned", "joining", "online", "offline", "paused"];

/** TRANSITIONS lists, per state, the states it may move to. */
export const TRANSITIONS: Readonly<Record<DeviceState, readonly DeviceState[]>> = {
  pending_approval: ["pending_approval", "assigned", "waitlisted", "removed", "banned"],
  waitlisted: ["waitlisted", "assigned", "pending_approval", "removed", "banned"],
  assigned: ["assigned", "joining", "online", "paused", "waitlisted", "pending_approval", "removed", "banned"],
  joining: ["joining", "assigned", "online", "offline", "paused", "removed", "banned"],
  online: ["online", "offline", "paused", "removed", "banned"],
  offline: ["offline", "online", "paused", "removed", "banned"],
  paused: ["paused", "online", "offline", "removed", "banned"],
  // A removed device may come back only by checking in again with a new claim code.
  removed: ["removed", "pending_approval", "waitlisted", "assigned"],
  banned: ["banned"],
};

/** TransitionRefused says a state change is not allowed. */
export class TransitionRefused extends Error {
  override name = "TransitionRefused";
  constructor(
    readonly from: DeviceState,
    readonly to: DeviceState,
    readonly event: DeviceEvent,
  ) {
    super(`a device cannot go from ${from} to ${to} (${event})`);
  }
}

export function canTransition(from: DeviceState, to: DeviceState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** assertTransition throws TransitionRefused unless from → to is allowed. */
export function assertTransition(from: DeviceState, to: DeviceState, event: DeviceEvent): void {
  if (!canTransition(from, to)) throw new TransitionRefused(from, to, event);
}

/** holdsPlace says whether a device in this state takes up one of its region's places. */
export function holdsPlace(state: DeviceState): boolean {
  return PLACED.includes(state);
}

/** PLACE_HOLDING_STATES are the states counted against a region's capacity. */
export const PLACE_HOLDING_STATES = PLACED;

/** presenceTarget is where a heartbeat or its absence moves a device, or null when it stays put. */
export function presenceTarget(from: DeviceState, presence: "online" | "offline"): DeviceState | null {
  if (presence === "online") return from === "assigned" || from === "joining" || from === "offline" ? "online" : null;
  return from === "online" || from === "joining" ? "offline" : null;
}
