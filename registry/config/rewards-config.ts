// The `rewards:` section of the registry config: which provider's leases to pay out, where the chain's
// REST API is, and the versioned reward policy (registry/rewards/policy.ts explains each field to owners).
// Every field has a default, so a config without the section stays valid (rewards then cannot close epochs
// until a provider is set). Percentages take at most two decimals; amounts are whole micro-units.
import * as v from "valibot";
import { akashAddressField } from "./akash-address-field.ts";
import { DEFAULT_REWARD_POLICY, type RewardPolicy } from "../rewards/policy.ts";
import { DEFAULT_PAYOUT_TX, type PayoutTxSettings } from "../rewards/payout-tx.ts";

const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

const denom = v.pipe(v.string("must be a denomination such as uakt"), v.trim(), v.regex(DENOM, "must be a Cosmos denomination such as uakt, uact or ibc/<hash>"));

const percent = (what: string) => {
  const message = `must be a percentage between 0 and 100 with at most two decimals (${what})`;
  return v.pipe(
    v.number(message),
    v.finite(message),
    v.minValue(0, message),
    v.maxValue(100, message),
    v.check((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, message),
    v.transform((n) => Math.round(n * 100)),
  );
};

const whole = (min: number, max: number, what: string) => {
  const message = `must be a whole number ${what} between ${min} and ${max}`;
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
};

const microUnits = v.pipe(
  v.union([v.pipe(v.number(), v.integer(), v.minValue(0)), v.pipe(v.string(), v.trim(), v.regex(/^\d{1,30}$/))], "must be a whole number of micro-units, e.g. 1000000 for 1 AKT"),
  v.transform((n) => String(n)),
);

const decimal = v.pipe(
  v.union([v.pipe(v.number(), v.finite(), v.minValue(0)), v.pipe(v.string(), v.trim(), v.regex(/^\d+(\.\d{1,18})?$/))], "must be a decimal number such as 0.025"),
  v.transform((n) => (typeof n === "number" ? String(n) : n)),
);


const httpUrl = v.pipe(
  v.string("must be a URL"),
  v.trim(),
  v.check((s) => {
    try {
      const u = new URL(s);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL of the chain's REST (gRPC-gateway) API, e.g. https://api.akashnet.net"),
);

const D = DEFAULT_REWARD_POLICY;

const Policy = v.pipe(
  v.strictObject({
    version: whole(1, 1_000_000, "(raise it whenever any other field of the policy changes)"),
    feePercent: v.optional(percent("the platform fee"), D.feeBps / 100),
    epochHours: v.optional(whole(1, 24 * 31, "of hours"), D.epochHours),
    availabilityPool: v.optional(
      v.strictObject({
        idlePercent: v.optional(percent("share of lease revenue for the availability pool when nothing is in use"), D.availabilityIdleBps / 100),
        busyPercent: v.optional(percent("share when all verified capacity is in use"), D.availabilityBusyBps / 100),
      }),
      () => ({}),
    ),
    minUptimePercent: v.optional(percent("of the epoch a device must be available to share the pool"), D.minUptimeBps / 100),
    capacityPoints: v.optional(
      v.strictObject({
        perCpu: v.optional(whole(0, 1_000_000, "of points"), D.pointsPerCpu),
        perMemoryGiB: v.optional(whole(0, 1_000_000, "of points"), D.pointsPerMemoryGiB),
        perGpu: v.optional(whole(0, 10_000_000, "of points"), D.pointsPerGpu),
        maxPerDevice: v.optional(whole(1, 1_000_000_000, "of points"), D.maxPointsPerDevice),
      }),
      () => ({}),
    ),
    verification: v.optional(
      v.strictObject({
        requireBenchmark: v.optional(v.boolean("must be true or false"), D.requireBenchmark),
        minCpuMultiCoreScore: v.optional(v.pipe(v.number("must be a number"), v.finite(), v.minValue(0, "must be at least 0")), D.minCpuMultiCoreScore),
      }),
      () => ({}),
    ),
    denoms: v.optional(v.pipe(v.array(denom, "must be a list of denominations"), v.minLength(1, "must list at least one denomination")), () => [...D.denoms]),
    minimumPayout: v.optional(v.record(denom, microUnits, "must map denominations to whole micro-units, e.g. { uakt: 1000000 }"), () => ({ ...D.minimumPayout })),
  }),
  v.check((p) => p.availabilityPool.busyPercent <= p.availabilityPool.idlePercent, "availabilityPool.busyPercent must not exceed idlePercent: the pool shrinks as utilization grows"),
  v.check((p) => p.feePercent < 10_000, "feePercent must be below 100"),
  v.transform(
    (p): RewardPolicy => ({
      version: p.version,
      feeBps: p.feePercent,
      epochHours: p.epochHours,
      availabilityIdleBps: p.availabilityPool.idlePercent,
      availabilityBusyBps: p.availabilityPool.busyPercent,
      minUptimeBps: p.minUptimePercent,
      pointsPerCpu: p.capacityPoints.perCpu,
      pointsPerMemoryGiB: p.capacityPoints.perMemoryGiB,
      pointsPerGpu: p.capacityPoints.perGpu,
      maxPointsPerDevice: p.capacityPoints.maxPerDevice,
      requireBenchmark: p.verification.requireBenchmark,
      minCpuMultiCoreScore: p.verification.minCpuMultiCoreScore,
      denoms: [...new Set(p.denoms)],
      minimumPayout: Object.fromEntries([...new Set(p.denoms)].map((d) => [d, p.minimumPayout[d] ?? "1"])),
    }),
  ),
);

const P = DEFAULT_PAYOUT_TX;

const Payout = v.strictObject({
  message: v.optional(v.picklist(["multisend", "send"], "must be multisend (one MsgMultiSend) or send (one MsgSend per owner)"), P.message),
  maxRecipientsPerTx: v.optional(whole(1, 10_000, "of recipients"), P.maxRecipientsPerTx),
  feeDenom: v.optional(denom, P.feeDenom),
  gasPrice: v.optional(decimal, P.gasPrice),
  gasBase: v.optional(whole(0, 100_000_000, "of gas units"), P.gasBase),
  gasPerRecipient: v.optional(whole(0, 10_000_000, "of gas units"), P.gasPerRecipient),
  memo: v.optional(v.pipe(v.string("must be text"), v.maxLength(200, "must be at most 200 characters")), P.memo),
});

/** RewardsSection is the schema of `rewards:`; its output carries the policy in RewardPolicy's shape. */
export const RewardsSection = v.strictObject({
  /** The provider wallet whose leases are paid out; payouts are sent from it. */
  provider: v.optional(akashAddressField),
  chain: v.optional(
    v.strictObject({
      restUrl: httpUrl,
      leasesPath: v.optional(v.pipe(v.string("must be a path"), v.regex(/^\/[^\s?#]*$/, "must be a path such as /akash/market/v1beta5/leases/list"))),
      timeoutMs: v.optional(whole(100, 600_000, "of milliseconds"), 15_000),
    }),
  ),
  /** Close each epoch automatically once it has ended and the chain has passed its end. */
  autoClose: v.optional(v.boolean("must be true or false"), true),
  /** When the first epoch starts (RFC 3339); epochs are aligned to whole epochs since 1970 when absent. */
  firstEpochStartsAt: v.optional(v.pipe(v.string("must be a date and time such as 2026-09-01T00:00:00Z"), v.isoTimestamp("must be a date and time such as 2026-09-01T00:00:00Z"))),
  /** How long a pod or node may go unseen in the cluster watcher's snapshots before its interval ends. */
  observationGraceS: v.optional(whole(1, 3600, "of seconds"), 120),
  policy: v.optional(Policy, () => ({ version: DEFAULT_REWARD_POLICY.version })),
  payout: v.optional(Payout, () => ({})),
});

export type RewardsConfig = v.InferOutput<typeof RewardsSection>;
export type { PayoutTxSettings, RewardPolicy };
