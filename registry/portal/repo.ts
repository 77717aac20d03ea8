import type { DeviceState } from "../../protocol/index.ts";
import type { HeardInterval } from "./uptime.ts";

// The portals' read side. It only reads, and reads across what the devices and telemetry domains write
// (devices, device_events, uptime_intervals, metrics, owners), so one page is a few queries instead of a call per
// device into each domain. Writes stay with those domains. Times are milliseconds since the epoch.

/** PortalDeviceRow is what a list row needs of a device. */
export interface PortalDeviceRow {
  id: string;
  owner: string;
  hostname: string;
  state: DeviceState;
  stateReason: string | null;
  stateChangedAt: number;
  regionId: string | null;
  waitlistArea: string | null;
  agentVersion: string;
  hardware: string;
  createdAt: number;
  updatedAt: number;
}

/** PortalDeviceRecord adds what only the device page needs. */
export interface PortalDeviceRecord extends PortalDeviceRow {
  bench: string | null;
  predecessorId: string | null;
  replacedBy: string | null;
  waitlistedAt: number | null;
}

export interface DeviceInterval extends HeardInterval {
  deviceId: string;
}

export interface MetricsSample {
  at: number;
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  gpus: string;
  pods: number;
}

export interface EventRow {
  at: number;
  from: DeviceState | null;
  to: DeviceState;
  reason: string;
}

/** DeviceScope says whose devices: one owner's (their current records, reinstalls folded), or one region's. */
export type DeviceScope = { owner: string } | { regionId: string };

export interface PortalRepo {
  /** devices lists the devices in scope, oldest first. */
  devices(scope: DeviceScope): Promise<PortalDeviceRow[]>;
  device(id: string): Promise<PortalDeviceRecord | null>;
  /** intervals returns the given devices' intervals overlapping [from, to], oldest first. */
  intervals(deviceIds: readonly string[], from: number, to: number): Promise<DeviceInterval[]>;
  /** lastHeard is each given device's latest heartbeat time, from its latest interval. */
  lastHeard(deviceIds: readonly string[]): Promise<Map<string, number>>;
  /** recentMetrics returns the device's samples since `since`, newest first, at most limit. */
  recentMetrics(deviceId: string, since: number, limit: number): Promise<MetricsSample[]>;
  /** events returns the device's state changes, newest first. */
  events(deviceId: string, limit: number): Promise<EventRow[]>;
  /** onlineMs sums each device's online time within [from, to], for the devices of the given regions. */
  onlineMs(regionIds: readonly string[], from: number, to: number): Promise<Map<string, number>>;
  /** countsByRegionState counts devices per region (null for none) and state. */
  countsByRegionState(): Promise<{ regionId: string | null; state: DeviceState; count: number }[]>;
  /** devicesInStates lists the devices in any of the states (network totals). */
  devicesInStates(states: readonly DeviceState[]): Promise<PortalDeviceRow[]>;
}
