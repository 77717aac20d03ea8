import * as v from "valibot";
import { DeviceState } from "./device-state.ts";

const seq = v.pipe(v.number(), v.safeInteger("seq is a whole number"), v.minValue(1, "seq starts at 1"));
const at = v.pipe(v.string(), v.isoTimestamp("an ISO 8601 time such as 2026-01-02T03:04:05.000Z"));
const componentState = v.picklist(["absent", "starting", "running", "stopped", "error"]);
const percent = v.pipe(v.number(), v.minValue(0), v.maxValue(100 * 1024));
// Bounded so every count fits the store's 64-bit integers exactly.
const count = v.pipe(v.number(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

/** Heartbeat says the device is alive and how its parts are. */
export const Heartbeat = v.object({
  kind: v.literal("heartbeat"),
  seq,
  at,
  paused: v.boolean(),
  tailscale: v.object({ state: componentState, ip: v.nullable(v.pipe(v.string(), v.maxLength(64))) }),
  kubelet: v.object({ state: componentState }),
  agentVersion: v.pipe(v.string(), v.maxLength(64)),
});
export type Heartbeat = v.InferOutput<typeof Heartbeat>;

/** Metrics is what the device is using. */
export const Metrics = v.object({
  kind: v.literal("metrics"),
  seq,
  at,
  cpuPercent: percent,
  memoryUsedBytes: count,
  memoryTotalBytes: count,
  gpus: v.pipe(v.array(v.object({ index: count, utilPercent: percent, memoryUsedMiB: count })), v.maxLength(64)),
  pods: count,
});
export type Metrics = v.InferOutput<typeof Metrics>;

export const TelemetryRecord = v.variant("kind", [Heartbeat, Metrics]);
export type TelemetryRecord = v.InferOutput<typeof TelemetryRecord>;

/** TELEMETRY_BATCH_MAX is the most records one request may carry. */
export const TELEMETRY_BATCH_MAX = 500;

/**
 * TelemetryBatch is one upload from a device's outbox. seq numbers are the device's own, increasing,
 * shared by both kinds; the registry stores each (device, seq) once however often it is sent.
 */
export const TelemetryBatch = v.object({
  records: v.pipe(v.array(TelemetryRecord), v.minLength(1, "send at least one record"), v.maxLength(TELEMETRY_BATCH_MAX, `send at most ${TELEMETRY_BATCH_MAX} records per request`)),
});
export type TelemetryBatch = v.InferOutput<typeof TelemetryBatch>;

/** TelemetryAck answers a stored batch: every record in it is durable once this arrives. */
export const TelemetryAck = v.object({
  stored: v.number(),
  duplicates: v.number(),
  /** The registry's current decision about the device, so the agent learns of approval or removal. */
  state: DeviceState,
  heartbeatIntervalS: v.number(),
});
export type TelemetryAck = v.InferOutput<typeof TelemetryAck>;
