// The reward policy: every rule that turns lease revenue and availability into credits, as data. A policy
// has a version; an epoch records the version it was closed under and the registry keeps every version it
// used, so a statement explains each epoch with the rules that produced it, even after the policy changed.

/** AXELAR_USDC_DENOM is the Axelar-bridged USDC leases on Akash mainnet are priced in. */
export const AXELAR_USDC_DENOM = "ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1";

export interface RewardPolicy {
  version: number;
  /** Platform fee in basis points (1000 = 10 %), taken from every share as it is credited. */
  feeBps: number;
  /** Length of an epoch in hours. */
  epochHours: number;
  /** Basis points of each lease's revenue that go to the availability pool at 0 % and at 100 % utilization. */
  availabilityIdleBps: number;
  availabilityBusyBps: number;
  /** Below this share of the epoch available, a device gets no availability share (basis points). */
  minUptimeBps: number;
  /** Capacity points: the same scale weighs verified capacity and the resources pods request. */
  pointsPerCpu: number;
  pointsPerMemoryGiB: number;
  pointsPerGpu: number;
  /** A device's verified capacity counts at most this many points towards its availability share. */
  maxPointsPerDevice: number;
  requireBenchmark: boolean;
  /** Lowest benchmark multi-core score (work units per second) that counts as verified; 0 accepts any. */
  minCpuMultiCoreScore: number;
  /** Denominations paid out; leases priced in others are reported and left out. */
  denoms: string[];
  /** Smallest payout per denomination, in whole micro-units (decimal strings). */
  minimumPayout: Record<string, string>;
}

/** DEFAULT_REWARD_POLICY is used when the config has no rewards.policy section. */
export const DEFAULT_REWARD_POLICY: RewardPolicy = {
  version: 1,
  feeBps: 1000,
  epochHours: 24,
  availabilityIdleBps: 3000,
  availabilityBusyBps: 500,
  minUptimeBps: 0,
  // The Akash provider's pricing script targets, in US cents per month: 160 per CPU thread, 80 per GB of
  // memory, 10 000 per GPU; using them as points keeps the weights in line with what leases pay for.
  pointsPerCpu: 160,
  pointsPerMemoryGiB: 80,
  pointsPerGpu: 10_000,
  maxPointsPerDevice: 20_000,
  requireBenchmark: true,
  minCpuMultiCoreScore: 0,
  denoms: ["uakt", "uact", AXELAR_USDC_DENOM],
  minimumPayout: { uakt: "1000000", uact: "1000000", [AXELAR_USDC_DENOM]: "1000000" },
};

const percent = (bps: number) => `${(bps / 100).toFixed(2).replace(/\.?0+$/, "")} %`;

/** denomName is a denomination as people say it. */
export function denomName(denom: string): string {
  if (denom === AXELAR_USDC_DENOM) return "USDC (Axelar, micro-units)";
  return denom;
}

/** explainPolicy says every rule of a policy in plain words, one line each; statements carry these lines. */
export function explainPolicy(p: RewardPolicy): string[] {
  const minimums = p.denoms.map((d) => `${p.minimumPayout[d] ?? "0"} ${denomName(d)}`).join(", ");
  return [
    `Reward policy version ${p.version}.`,
    `An epoch lasts ${p.epochHours} hours; it is closed once it has ended, and its numbers never change after that.`,
    "Revenue of a lease in an epoch = its price per block × the blocks of the epoch during which the lease was open (from its creation height to its closing height).",
    `The platform fee, ${percent(p.feeBps)} of revenue, comes off first. It is taken from every share as the share is credited, so each line shows gross, fee and net.`,
    `Of each lease's revenue, ${percent(p.availabilityIdleBps)} goes to the availability pool when none of the region's verified capacity is in use, falling in a straight line to ${percent(p.availabilityBusyBps)} when all of it is in use; the rest is the lease's usage share.`,
    `A lease's usage share is divided among the devices whose nodes ran its pods, in proportion to the resources the pods requested × how long they ran there: one CPU counts ${p.pointsPerCpu} points, one GiB of memory ${p.pointsPerMemoryGiB}, one GPU ${p.pointsPerGpu}.`,
    "Usage of pods on nodes that are not home devices, and of leases whose pods were not seen, joins the availability pool.",
    `The availability pool is divided among available, verified devices in proportion to verified capacity points (at most ${p.maxPointsPerDevice} per device) × seconds available${p.minUptimeBps > 0 ? `; a device available less than ${percent(p.minUptimeBps)} of the epoch gets none` : ""}.`,
    "Available means heartbeating to the registry (not paused) and Ready and schedulable in the cluster at the same time; a device that was offline gets no availability share.",
    `Verified means not banned${p.requireBenchmark ? ", with a benchmark on record" : ""}${p.minCpuMultiCoreScore > 0 ? ` scoring at least ${p.minCpuMultiCoreScore} on the multi-core test` : ""}, counting only hardware the benchmark saw and the owner shares; a device that failed verification gets no availability share.`,
    "Shares are computed to 10^-18 of a micro-unit, rounding down. Each share's fee and net are whole micro-units, credited to the device's owner; what rounding leaves (under two micro-units per share) carries over to the next epoch's availability pool.",
    `An owner is paid in the lease's denomination once the balance reaches the minimum payout (${minimums}); a smaller balance waits for the next payout.`,
  ];
}

/** canonicalPolicy is the policy as stable JSON, to tell whether a stored version matches the configured one. */
export function canonicalPolicy(p: RewardPolicy): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
    return value;
  };
  return JSON.stringify(sorted(p));
}
