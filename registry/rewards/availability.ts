import { clip, intersect, normalize, totalMs } from "./intervals.ts";
import type { RewardPolicy } from "./policy.ts";
import type { DeviceFacts, Interval } from "./ports.ts";

// Who was available in an epoch, for how long, with what verified capacity. Uptime counts only while the
// registry's own heartbeat record (online, not paused) and the cluster (node Ready and schedulable) agree:
// neither the device's word nor the cluster's alone is enough. A reinstall of the same machine continues
// its predecessor's record: the lineage's time is the union of its members' time, counted once, with the
// newest member's capacity, credited to the newest member; re-registering never adds time or resets it.

/** DeviceAvailability is one device's availability verdict for an epoch. */
export interface DeviceAvailability {
  deviceId: string;
  owner: string;
  eligible: boolean;
  availableMs: number;
  /** Verified capacity points after the per-device cap; 0 when not verified. */
  capacityPoints: number;
  /**
   * Verified capacity points before the cap, for a device that still holds its place (not removed): the
   * capacity the region counts on, which utilization is measured against. It depends on the hardware and
   * the device's standing only, never on its uptime, so more uptime cannot shrink anyone's pay through it.
   */
  rawCapacityPoints: number;
  reason: string;
}

const GIB = 2 ** 30;

export interface VerifiedCapacity {
  cpus: number;
  memoryGiB: number;
  gpus: number;
  points: number;
  /** Why the device is not verified, in words an owner can act on; null when verified. */
  failure: string | null;
}

/** verifiedCapacity is what of a device's hardware counts: shared by its owner and seen by its benchmark. */
export function verifiedCapacity(d: DeviceFacts, p: RewardPolicy): VerifiedCapacity {
  const none = (failure: string): VerifiedCapacity => ({ cpus: 0, memoryGiB: 0, gpus: 0, points: 0, failure });
  if (d.state === "banned") return none("banned by the region's operator, so it gets no availability share");
  if (!d.hardware) return none("no hardware report on record: let the agent check in again");
  if (p.requireBenchmark && !d.bench) return none("no benchmark on record: run the benchmark from the agent's page (http://localhost:7777)");
  if (d.bench && d.bench.cpu.multiCore < p.minCpuMultiCoreScore) {
    return none(`its benchmark's multi-core score ${Math.round(d.bench.cpu.multiCore)} is below the policy's floor of ${p.minCpuMultiCoreScore}: run the benchmark again when the machine is idle`);
  }
  let cpus = d.hardware.cpu.threads;
  if (d.bench) cpus = Math.min(cpus, d.bench.cpu.threads);
  if (d.share) cpus = Math.min(cpus, d.share.cpuCores);
  let memoryGiB = Math.floor(d.hardware.memory.totalBytes / GIB);
  if (d.share) memoryGiB = Math.min(memoryGiB, d.share.memoryGiB);
  const benchGpus = d.bench ? new Set(d.bench.gpus.map((g) => g.index)) : null;
  const sharedGpus = d.share ? new Set(d.share.gpus) : null;
  const gpus = d.hardware.gpus.filter((g) => g.supported && (!benchGpus || benchGpus.has(g.index)) && (!sharedGpus || (g.uuid !== null && sharedGpus.has(g.uuid)))).length;
  const points = Math.max(0, Math.floor(cpus * p.pointsPerCpu + memoryGiB * p.pointsPerMemoryGiB + gpus * p.pointsPerGpu));
  return { cpus, memoryGiB, gpus, points, failure: null };
}

function hoursMinutes(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export interface AvailabilityInput {
  devices: readonly DeviceFacts[];
  /** Heartbeat intervals (online, not paused) by device id. */
  online: ReadonlyMap<string, readonly Interval[]>;
  /** Ready-and-schedulable intervals by node name (= device id). */
  ready: ReadonlyMap<string, readonly Interval[]>;
  epoch: Interval;
  policy: RewardPolicy;
}

/** computeAvailability gives every device lineage its verdict for the epoch, sorted by device id. */
export function computeAvailability(input: AvailabilityInput): DeviceAvailability[] {
  const { policy: p, epoch } = input;
  const byId = new Map(input.devices.map((d) => [d.deviceId, d]));
  const replaced = new Set<string>();
  for (const d of input.devices) if (d.predecessorId && byId.has(d.predecessorId)) replaced.add(d.predecessorId);
  const epochMs = epoch.endMs - epoch.startMs;
  const out: DeviceAvailability[] = [];
  for (const head of input.devices) {
    if (replaced.has(head.deviceId)) continue;
    // Walk back through the reinstalls this device continues (a cycle cannot come from check-in; stop if one does).
    const members: DeviceFacts[] = [];
    const seen = new Set<string>();
    for (let d: DeviceFacts | undefined = head; d && !seen.has(d.deviceId); d = d.predecessorId ? byId.get(d.predecessorId) : undefined) {
      seen.add(d.deviceId);
      members.push(d);
    }
    const spans: Interval[] = [];
    for (const m of members) {
      const online = clip(normalize(input.online.get(m.deviceId) ?? []), epoch);
      const ready = clip(normalize(input.ready.get(m.deviceId) ?? []), epoch);
      spans.push(...intersect(online, ready));
    }
    const availableMs = Math.round(totalMs(normalize(spans)));
    const cap = verifiedCapacity(head, p);
    const base = { deviceId: head.deviceId, owner: head.owner, availableMs, rawCapacityPoints: cap.failure || head.state === "removed" ? 0 : cap.points };
    if (cap.failure) {
      out.push({ ...base, eligible: false, capacityPoints: 0, reason: `Not verified: ${cap.failure}.` });
      continue;
    }
    const capacityPoints = Math.min(cap.points, p.maxPointsPerDevice);
    if (availableMs === 0) {
      out.push({ ...base, eligible: false, capacityPoints, reason: "Not available this epoch: it was offline, paused, or not Ready and schedulable in the cluster." });
      continue;
    }
    if (availableMs * 10_000 < p.minUptimeBps * epochMs) {
      out.push({ ...base, eligible: false, capacityPoints, reason: `Available ${hoursMinutes(availableMs)}, less than the policy's minimum of ${p.minUptimeBps / 100} % of the epoch.` });
      continue;
    }
    if (capacityPoints === 0) {
      out.push({ ...base, eligible: false, capacityPoints, reason: "Available, but it shares no verified capacity (no CPU, memory or GPU counted)." });
      continue;
    }
    const capped = cap.points > capacityPoints ? ` (capped from ${cap.points})` : "";
    out.push({
      ...base,
      eligible: true,
      capacityPoints,
      reason: `Available ${hoursMinutes(availableMs)} with ${capacityPoints} capacity points${capped}: ${cap.cpus} CPU, ${cap.memoryGiB} GiB memory, ${cap.gpus} GPU.`,
    });
  }
  return out.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
}
