import { parseMicro } from "./fixed-point.ts";
import { leaseKey, leaseNamespace } from "./lease-id.ts";
import type { RewardPolicy } from "./policy.ts";
import type { LeaseRecord, PodInterval, PodRequests } from "./ports.ts";

// Which devices did each lease's work in an epoch. A lease's revenue is price per block × the blocks of the
// epoch it was open; its pods are found by the namespace the provider derives from the lease id, and the
// revenue is split across the nodes that ran them by requested resources × time, in capacity points.

/** EpochWindow is an epoch's time range and the block heights that bound it: blocks [startHeight, endHeight). */
export interface EpochWindow {
  startMs: number;
  endMs: number;
  startHeight: bigint;
  endHeight: bigint;
}

/** NodeUsage is how much of a lease's work one node did. */
export interface NodeUsage {
  node: string;
  /** Σ over the lease's pods on this node of requested milli-points × milliseconds. */
  weight: bigint;
  podMs: number;
  pods: number;
}

/** LeaseUsage is one lease's revenue in an epoch and who did its work. */
export interface LeaseUsage {
  lease: LeaseRecord;
  key: string;
  namespace: string;
  blocks: bigint;
  /** Revenue in fine units (10^-18 micro-units). */
  revenue: bigint;
  /** Work on home devices, sorted by node name. */
  devices: NodeUsage[];
  /** Work on nodes that are not (eligible) home devices: ingress or control nodes, banned devices. */
  otherWeight: bigint;
}

/** leaseBlocksInEpoch is how many blocks of [startHeight, endHeight) the lease was open for. */
export function leaseBlocksInEpoch(lease: LeaseRecord, startHeight: bigint, endHeight: bigint): bigint {
  const open = lease.createdAt > startHeight ? lease.createdAt : startHeight;
  let close = endHeight;
  if (lease.closedOn > 0n) {
    if (lease.closedOn < close) close = lease.closedOn;
  } else if (lease.state !== "active" && lease.state !== "reclaiming") {
    // A lease that stopped without a closing height paid nothing we can count.
    return 0n;
  }
  return close > open ? close - open : 0n;
}

const GIB = 2n ** 30n;

/** podWeightRate is a pod's requests in milli-points per millisecond; at least 1 so pods without requests still split by time. */
export function podWeightRate(r: PodRequests, p: RewardPolicy): bigint {
  const cpu = BigInt(Math.max(0, Math.round(r.cpuMilli))) * BigInt(p.pointsPerCpu);
  const memory = (BigInt(Math.max(0, Math.round(r.memoryBytes))) * BigInt(p.pointsPerMemoryGiB) * 1000n) / GIB;
  const gpu = BigInt(Math.max(0, Math.round(r.gpus))) * BigInt(p.pointsPerGpu) * 1000n;
  const rate = cpu + memory + gpu;
  return rate > 0n ? rate : 1n;
}

export interface AttributionOptions {
  policy: RewardPolicy;
  /** Whether a node is a home device that may be credited (known and not banned). */
  isDevice: (node: string) => boolean;
  /** Denominations paid out; leases in others are left out. */
  denoms?: ReadonlySet<string>;
}

/**
 * attributeLeases computes each lease's revenue in the epoch and splits its work across nodes. Leases with
 * no revenue in the epoch are left out; the result is sorted by lease key, so it is the same for the same input.
 */
export function attributeLeases(leases: readonly LeaseRecord[], pods: readonly PodInterval[], epoch: EpochWindow, o: AttributionOptions): LeaseUsage[] {
  const byNamespace = new Map<string, LeaseUsage>();
  const out: LeaseUsage[] = [];
  for (const lease of leases) {
    if (o.denoms && !o.denoms.has(lease.denom)) continue;
    const blocks = leaseBlocksInEpoch(lease, epoch.startHeight, epoch.endHeight);
    if (blocks === 0n) continue;
    const revenue = parseMicro(lease.pricePerBlock) * blocks;
    if (revenue <= 0n) continue;
    const usage: LeaseUsage = { lease, key: leaseKey(lease.id), namespace: leaseNamespace(lease.id), blocks, revenue, devices: [], otherWeight: 0n };
    // Two chain records of one lease id would be one namespace; the first keeps the pods.
    if (!byNamespace.has(usage.namespace)) byNamespace.set(usage.namespace, usage);
    out.push(usage);
  }
  const perNode = new Map<LeaseUsage, Map<string, NodeUsage>>();
  for (const pod of pods) {
    const usage = byNamespace.get(pod.namespace);
    if (!usage) continue;
    // Times are whole milliseconds; a fractional one (from a caller's arithmetic) is rounded, never fatal.
    const startMs = Math.round(Math.max(pod.startMs, epoch.startMs));
    const endMs = Math.round(Math.min(pod.endMs, epoch.endMs));
    if (endMs <= startMs) continue;
    const weight = podWeightRate(pod, o.policy) * BigInt(endMs - startMs);
    if (!o.isDevice(pod.node)) {
      usage.otherWeight += weight;
      continue;
    }
    let nodes = perNode.get(usage);
    if (!nodes) perNode.set(usage, (nodes = new Map()));
    const n = nodes.get(pod.node) ?? { node: pod.node, weight: 0n, podMs: 0, pods: 0 };
    n.weight += weight;
    n.podMs += endMs - startMs;
    n.pods += 1;
    nodes.set(pod.node, n);
  }
  for (const [usage, nodes] of perNode) usage.devices = [...nodes.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.lease.denom < b.lease.denom ? -1 : a.lease.denom > b.lease.denom ? 1 : 0));
}
