import type { DeviceState } from "../../protocol/index.ts";
import { Pill, type PillTone } from "../kit/index.ts";

/** DEVICE_STATE_LABELS name each state in words an owner uses, with a tone that is never the only cue. */
export const DEVICE_STATE_LABELS: Record<DeviceState, { label: string; tone: PillTone }> = {
  pending_approval: { label: "Waiting for approval", tone: "neutral" },
  waitlisted: { label: "On the waiting list", tone: "warn" },
  assigned: { label: "Assigned", tone: "neutral" },
  joining: { label: "Joining", tone: "neutral" },
  online: { label: "Online", tone: "good" },
  offline: { label: "Offline", tone: "bad" },
  paused: { label: "Paused", tone: "warn" },
  removed: { label: "Removed", tone: "neutral" },
  banned: { label: "Banned", tone: "bad" },
};

/** DeviceStatePill shows a device's state as a labelled pill. */
export function DeviceStatePill({ state }: { state: DeviceState }): JSX.Element {
  const s = DEVICE_STATE_LABELS[state];
  return <Pill tone={s.tone} text={s.label} />;
}
