import type { BenchResult, DeviceState, Hardware, ShareSettings } from "../../protocol/index.ts";
import type { LeaseId } from "./lease-id.ts";

// What the rewards domain needs from outside, as plain types and small ports. Adapters implement them:
// the Akash chain's REST API (chain/), the region's cluster (placement and node readiness, recorded by
// this domain from the cluster watcher's snapshots), the registry's own heartbeat record (telemetry) and
// the devices domain's records (hardware, benchmark, owner, state).

/** Interval is a half-open time range [startMs, endMs) in milliseconds since the epoch. */
export interface Interval {
  startMs: number;
  endMs: number;
}

/** LeaseRecord is one lease of the provider as the chain reports it. Heights are block heights. */
export interface LeaseRecord {
  id: LeaseId;
  /** active | insufficient_funds | closed | reclaiming (the chain's names). */
  state: string;
  denom: string;
  /** Price per block in micro-units, as the chain's DecCoin amount ("4.826603000000000000"). */
  pricePerBlock: string;
  createdAt: bigint;
  /** 0 while the lease is open. */
  closedOn: bigint;
}

/** BlockTime is a block's height and time. */
export interface BlockTime {
  height: bigint;
  timeMs: number;
}

/** LeaseSource lists every lease of a provider, open or closed, as of now. */
export interface LeaseSource {
  leasesOfProvider(provider: string): Promise<LeaseRecord[]>;
}

/** BlockClock maps between block heights and times. */
export interface BlockClock {
  latest(): Promise<BlockTime>;
  /** firstHeightAtOrAfter is the lowest height whose block time is ≥ timeMs (latest + 1 when none is yet). */
  firstHeightAtOrAfter(timeMs: number): Promise<bigint>;
}

/** PodRequests are what a pod asked the scheduler for. */
export interface PodRequests {
  cpuMilli: number;
  memoryBytes: number;
  gpus: number;
}

/** PodInterval is a pod running on a node for a while. */
export interface PodInterval extends Interval, PodRequests {
  namespace: string;
  pod: string;
  node: string;
}

/** PlacementSource tells where lease pods ran between two times. */
export interface PlacementSource {
  podIntervals(fromMs: number, toMs: number): Promise<PodInterval[]>;
}

/** NodeReadySource tells when each node was Ready and schedulable (not cordoned), by node name. */
export interface NodeReadySource {
  readyIntervals(fromMs: number, toMs: number): Promise<Map<string, Interval[]>>;
}

/** UptimeSource gives, per device, the intervals the registry heard it heartbeat while sharing (not paused). */
export interface UptimeSource {
  onlineIntervals(fromMs: number, toMs: number): Promise<Map<string, Interval[]>>;
}

/** DeviceFacts is what rewards need to know about a device. The device id is also its node name. */
export interface DeviceFacts {
  deviceId: string;
  owner: string;
  /** Where the owner wants to be paid; the owner address when unset. */
  payoutAddress: string | null;
  state: DeviceState;
  hardware: Hardware | null;
  bench: BenchResult | null;
  share: ShareSettings | null;
  /** The device this one replaced (a reinstall of the same machine), whose record it continues. */
  predecessorId: string | null;
}

/** DeviceFactsSource lists every device the registry knows, removed and banned ones included. */
export interface DeviceFactsSource {
  devices(): Promise<DeviceFacts[]>;
}

/** ClusterNode is one node in a cluster snapshot. */
export interface ClusterNode {
  name: string;
  ready: boolean;
  /** False when cordoned (spec.unschedulable). */
  schedulable: boolean;
}

/** ClusterPod is one pod in a cluster snapshot. */
export interface ClusterPod extends PodRequests {
  namespace: string;
  name: string;
  node: string | null;
  phase: string;
  /** status.startTime, ms since the epoch; null when not started. */
  startedAt: number | null;
}

/** ClusterSnapshot is what the cluster watcher saw at one moment; rewards record intervals from a stream of them. */
export interface ClusterSnapshot {
  at: number;
  nodes: ClusterNode[];
  pods: ClusterPod[];
}
