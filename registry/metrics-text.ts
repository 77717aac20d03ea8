import type { DeviceState } from "../protocol/index.ts";
import { DEVICE_STATES } from "../protocol/index.ts";

// Prometheus text for the registry's own gauges; the HTTP and telemetry counters render themselves.

export interface RegistryGauges {
  devicesByState: Map<DeviceState, number>;
  regions: { id: string; capacity: number; devices: number }[];
  waitlist: { area: string; waiting: number; ready: boolean }[];
  telemetry: { recordsStored: number; duplicates: number; batchesCommitted: number; meanBatchRecords: number; queuedRecords: number; devicesOnline: number; commitLatencyMs: { buckets: { le: number; count: number }[]; count: number; sumMs: number } };
}

const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

export function gaugesText(g: RegistryGauges): string {
  const out: string[] = [];
  out.push("# HELP akash_home_devices Devices by state.", "# TYPE akash_home_devices gauge");
  for (const s of DEVICE_STATES) out.push(`akash_home_devices{state="${s}"} ${g.devicesByState.get(s) ?? 0}`);
  out.push("# HELP akash_home_region_devices Devices holding a place in a region.", "# TYPE akash_home_region_devices gauge");
  for (const r of g.regions) out.push(`akash_home_region_devices{region="${esc(r.id)}"} ${r.devices}`);
  out.push("# HELP akash_home_region_capacity Places a region has.", "# TYPE akash_home_region_capacity gauge");
  for (const r of g.regions) out.push(`akash_home_region_capacity{region="${esc(r.id)}"} ${r.capacity}`);
  out.push("# HELP akash_home_waitlist_devices Devices waiting per area.", "# TYPE akash_home_waitlist_devices gauge");
  for (const w of g.waitlist) out.push(`akash_home_waitlist_devices{area="${esc(w.area)}",ready="${w.ready}"} ${w.waiting}`);
  const t = g.telemetry;
  out.push(
    "# HELP akash_home_telemetry_records_total Telemetry records stored.",
    "# TYPE akash_home_telemetry_records_total counter",
    `akash_home_telemetry_records_total ${t.recordsStored}`,
    "# HELP akash_home_telemetry_duplicates_total Telemetry records received again (already stored).",
    "# TYPE akash_home_telemetry_duplicates_total counter",
    `akash_home_telemetry_duplicates_total ${t.duplicates}`,
    "# HELP akash_home_telemetry_batches_total Transactions committed by the telemetry writer.",
    "# TYPE akash_home_telemetry_batches_total counter",
    `akash_home_telemetry_batches_total ${t.batchesCommitted}`,
    "# HELP akash_home_telemetry_batch_records_mean Mean records per committed batch.",
    "# TYPE akash_home_telemetry_batch_records_mean gauge",
    `akash_home_telemetry_batch_records_mean ${t.meanBatchRecords.toFixed(2)}`,
    "# HELP akash_home_telemetry_queued_records Records waiting for a transaction.",
    "# TYPE akash_home_telemetry_queued_records gauge",
    `akash_home_telemetry_queued_records ${t.queuedRecords}`,
    "# HELP akash_home_devices_online Devices whose heartbeats arrive within the grace period.",
    "# TYPE akash_home_devices_online gauge",
    `akash_home_devices_online ${t.devicesOnline}`,
    "# HELP akash_home_telemetry_commit_ms Time to commit a telemetry batch.",
    "# TYPE akash_home_telemetry_commit_ms histogram",
  );
  const h = t.commitLatencyMs;
  for (const b of h.buckets) out.push(`akash_home_telemetry_commit_ms_bucket{le="${b.le}"} ${b.count}`);
  out.push(`akash_home_telemetry_commit_ms_bucket{le="+Inf"} ${h.count}`, `akash_home_telemetry_commit_ms_sum ${h.sumMs.toFixed(3)}`, `akash_home_telemetry_commit_ms_count ${h.count}`);
  return out.join("\n") + "\n";
}
