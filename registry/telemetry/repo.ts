// registry/telemetry: device telemetry — heartbeats and metrics stored once per (device, seq), the registry's
// own online/offline decision from heartbeat arrival, and per-device uptime intervals (they feed rewards).
// Imports protocol/ and the store seam only: no HTTP, no device authentication, no device state machine
// (the devices domain reacts to presence changes through a callback).

// The store the telemetry domain needs. Times are milliseconds since the epoch.

/** HeartbeatRow is one stored heartbeat: the device's own time (`at`) and the registry's (`receivedAt`). */
export interface HeartbeatRow {
  deviceId: string;
  seq: number;
  at: number;
  receivedAt: number;
  paused: boolean;
  tailscaleState: string;
  tailscaleIp: string | null;
  kubeletState: string;
  agentVersion: string;
}

export interface GpuUse {
  index: number;
  utilPercent: number;
  memoryUsedMiB: number;
}

/** MetricsRow is one stored metrics sample. */
export interface MetricsRow {
  deviceId: string;
  seq: number;
  at: number;
  receivedAt: number;
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  gpus: GpuUse[];
  pods: number;
}

/** UptimeKind says what a device was doing in an interval: heartbeating and sharing, or heartbeating paused. */
export type UptimeKind = "online" | "paused";

export interface UptimeInterval {
  id: number;
  deviceId: string;
  kind: UptimeKind;
  startAt: number;
  endAt: number;
}

export type NewUptimeInterval = Omit<UptimeInterval, "id">;

/** TelemetryWriter is the write side of one transaction. */
export interface TelemetryWriter {
  /**
   * insertHeartbeats stores the rows whose (device, seq) is not stored yet and says, row by row, which were
   * new. A key repeated within rows is new at most once (its first row).
   */
  insertHeartbeats(rows: readonly HeartbeatRow[]): Promise<boolean[]>;
  /** insertMetrics is insertHeartbeats for metrics. */
  insertMetrics(rows: readonly MetricsRow[]): Promise<boolean[]>;
  /** createIntervals inserts intervals and returns their ids in the same order. */
  createIntervals(intervals: readonly NewUptimeInterval[]): Promise<number[]>;
  /** extendIntervals sets end_at of existing intervals; each id appears at most once. */
  extendIntervals(ends: readonly { id: number; endAt: number }[]): Promise<void>;
}

export interface TelemetryRepo {
  /** write runs fn in one transaction: everything it wrote commits together, or nothing does. */
  write<T>(fn: (writer: TelemetryWriter) => Promise<T>): Promise<T>;
  /**
   * latestIntervals returns the most recent interval of each device (of the given ones, or of all) whose
   * latest interval ended at or after endedSince; older ones cannot be extended, so they are not needed.
   */
  latestIntervals(endedSince: number, deviceIds?: readonly string[]): Promise<UptimeInterval[]>;
  /** lastHeartbeat returns the device's heartbeat with the highest seq, or null. */
  lastHeartbeat(deviceId: string): Promise<HeartbeatRow | null>;
  /** uptimeIntervals returns the device's intervals that overlap [fromMs, toMs], oldest first. */
  uptimeIntervals(deviceId: string, fromMs: number, toMs: number): Promise<UptimeInterval[]>;
}
