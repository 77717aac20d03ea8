// In-memory ports for rewards tests and the benchmark: a chain with a fixed block time, and sources that
// hand back what a test put in them.
import { DEFAULT_PAYOUT_TX } from "../payout-tx.ts";
import { DEFAULT_REWARD_POLICY } from "../policy.ts";
import type { BlockClock, BlockTime, DeviceFacts, DeviceFactsSource, Interval, LeaseRecord, LeaseSource, NodeReadySource, PlacementSource, PodInterval, UptimeSource } from "../ports.ts";
import type { RewardsRepo } from "../repo.ts";
import type { RewardsServiceOptions } from "../service.ts";
import { TEST_PROVIDER } from "./facts.ts";

/** FixedChain has a block every blockMs from genesisMs at height genesisHeight, up to the time now() says. */
export class FixedChain implements BlockClock, LeaseSource {
  leases: LeaseRecord[] = [];
  constructor(
    readonly genesisMs: number,
    readonly genesisHeight: bigint,
    readonly blockMs: number,
    readonly now: () => number,
  ) {}

  timeOf(height: bigint): number {
    return this.genesisMs + Number(height - this.genesisHeight) * this.blockMs;
  }

  async latest(): Promise<BlockTime> {
    const height = this.genesisHeight + BigInt(Math.floor((this.now() - this.genesisMs) / this.blockMs));
    return { height, timeMs: this.timeOf(height) };
  }

  async firstHeightAtOrAfter(timeMs: number): Promise<bigint> {
    return this.genesisHeight + BigInt(Math.max(0, Math.ceil((timeMs - this.genesisMs) / this.blockMs)));
  }

  async leasesOfProvider(provider: string): Promise<LeaseRecord[]> {
    return this.leases.filter((l) => l.id.provider === provider);
  }
}

export class StaticUptime implements UptimeSource {
  constructor(public online: Map<string, Interval[]> = new Map()) {}
  async onlineIntervals(fromMs: number, toMs: number): Promise<Map<string, Interval[]>> {
    const out = new Map<string, Interval[]>();
    for (const [id, list] of this.online) {
      const overlapping = list.filter((i) => i.endMs > fromMs && i.startMs < toMs);
      if (overlapping.length) out.set(id, overlapping);
    }
    return out;
  }
}

export class StaticDevices implements DeviceFactsSource {
  constructor(public list: DeviceFacts[] = []) {}
  async devices(): Promise<DeviceFacts[]> {
    return this.list;
  }
}

/** StaticCluster hands back the pod and Node-Ready intervals a test put in it, as the cluster recorder would. */
export class StaticCluster implements PlacementSource, NodeReadySource {
  constructor(
    public pods: PodInterval[] = [],
    public ready: Map<string, Interval[]> = new Map(),
  ) {}
  async podIntervals(fromMs: number, toMs: number): Promise<PodInterval[]> {
    return this.pods.filter((p) => p.endMs > fromMs && p.startMs < toMs);
  }
  async readyIntervals(fromMs: number, toMs: number): Promise<Map<string, Interval[]>> {
    return new StaticUptime(this.ready).onlineIntervals(fromMs, toMs);
  }
}

/** testServiceOptions are the rewards service's options for a test or a benchmark: the chain's leases and clock, the cluster's pods and readiness, the default policy and payout settings, the test provider. */
export function testServiceOptions(
  o: { repo: RewardsRepo; chain: FixedChain; cluster: PlacementSource & NodeReadySource; uptime: UptimeSource; devices: DeviceFactsSource } & Partial<RewardsServiceOptions>,
): RewardsServiceOptions {
  const { chain, cluster, ...rest } = o;
  return { policy: DEFAULT_REWARD_POLICY, payout: DEFAULT_PAYOUT_TX, provider: TEST_PROVIDER, leases: chain, clock: chain, placement: cluster, ready: cluster, payoutAddresses: async () => new Map(), ...rest };
}
