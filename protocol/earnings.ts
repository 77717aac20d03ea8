import * as v from "valibot";

// Earnings: what a device and an owner earned, epoch by epoch, with the ledger lines behind every number.
// Amounts are decimal strings in the denomination's base unit (micro-units: uakt, uact, the micro-USDC IBC
// denom), as Cosmos writes DecCoin amounts: "1234" or, where a lease price per block leaves a fraction,
// "48.26603". Credits, fees and payouts are whole micro-units; only lease revenue and the carry (what
// rounding leaves, paid into the next epoch's pool) hold fractions. For one device and one denomination:
//   gross = fee + net + rounding (under two micro-units per line, to the pool),  net = pending + settled.
// An owner's totals are the sums of their devices' totals, so the agent page and the portal show the same number.

/** MicroAmount is a non-negative or signed decimal in micro-units, at most 18 decimal places. */
export const MicroAmount = v.pipe(v.string(), v.regex(/^-?\d+(\.\d{1,18})?$/, "an amount is a decimal number of micro-units"));
export type MicroAmount = v.InferOutput<typeof MicroAmount>;

/** EarningsTotals is one denomination's totals for a device or an owner, over every closed epoch. */
export const EarningsTotals = v.object({
  denom: v.string(),
  /** What the device's work and availability earned before the platform fee. */
  gross: MicroAmount,
  /** The platform fee taken from gross, at the percentage of each epoch's policy. */
  fee: MicroAmount,
  /** What was credited to the owner: gross less the fee and less what rounding to whole micro-units left. */
  net: MicroAmount,
  /** Part of net not yet paid on chain: below the minimum payout, or in a batch not yet sent. */
  pending: MicroAmount,
  /** Part of net paid on chain (the payout's transaction hash is recorded). */
  settled: MicroAmount,
});
export type EarningsTotals = v.InferOutput<typeof EarningsTotals>;

/** AvailabilityVerdict says whether a device counted as available in an epoch, and why or why not. */
export const AvailabilityVerdict = v.object({
  eligible: v.boolean(),
  /** Seconds both online by the registry's heartbeats and Ready and schedulable in the cluster. */
  availableSeconds: v.number(),
  /** The capacity points the policy gives the device's verified hardware (after the per-device cap). */
  capacityPoints: v.number(),
  /** One sentence for the owner, e.g. "no benchmark on record: run the benchmark from the agent page". */
  reason: v.string(),
});
export type AvailabilityVerdict = v.InferOutput<typeof AvailabilityVerdict>;

/** EpochEarnings is one device's (or owner's) result in one closed epoch and one denomination. */
export const EpochEarnings = v.object({
  epochId: v.number(),
  startsAt: v.string(),
  endsAt: v.string(),
  policyVersion: v.number(),
  denom: v.string(),
  /** Net credited for running leases' pods. */
  usage: MicroAmount,
  /** Net credited from the availability pool. */
  availability: MicroAmount,
  gross: MicroAmount,
  fee: MicroAmount,
  net: MicroAmount,
  /** True once this epoch's credits are paid on chain. */
  settled: v.boolean(),
  /** Present for a device; absent in an owner's epoch rows. */
  verdict: v.optional(AvailabilityVerdict),
});
export type EpochEarnings = v.InferOutput<typeof EpochEarnings>;

export const LEDGER_LINE_KINDS = [
  "lease_revenue",
  "carry_in",
  "availability_pool",
  "fee",
  "usage_credit",
  "availability_credit",
  "carry_out",
  "payout",
] as const;
export const LedgerLineKind = v.picklist(LEDGER_LINE_KINDS);
export type LedgerLineKind = v.InferOutput<typeof LedgerLineKind>;

/**
 * LedgerLine is one line of the append-only, double-entry ledger: the lines of one entry sum to zero.
 * A positive amount is money into the account, a negative one money out of it.
 */
export const LedgerLine = v.object({
  /** The epoch whose close wrote the line; null for a payout's lines. */
  epochId: v.nullable(v.number()),
  /** The entry's id, e.g. "epoch/12/3" or "payout/4"; its lines sum to zero. */
  entry: v.string(),
  line: v.number(),
  /** e.g. "lease/akash1…/123/1/1/akash1…", "pool/availability", "owner/akash1…", "fee", "carry", "payout/7". */
  account: v.string(),
  /** For a credit: the device that earned it. */
  device: v.nullable(v.string()),
  denom: v.string(),
  amount: MicroAmount,
  kind: LedgerLineKind,
  /** For a credit: the share before the fee, and the fee taken from it; null elsewhere. */
  gross: v.nullable(MicroAmount),
  fee: v.nullable(MicroAmount),
  /** One sentence saying where the number comes from, in the words of the epoch's policy. */
  explanation: v.string(),
});
export type LedgerLine = v.InferOutput<typeof LedgerLine>;

/** RewardPolicyExplanation is one version of the reward policy, line by line in plain words. */
export const RewardPolicyExplanation = v.object({
  version: v.number(),
  lines: v.array(v.string()),
});
export type RewardPolicyExplanation = v.InferOutput<typeof RewardPolicyExplanation>;

/** DeviceEarnings answers the agent page and the portal for one device: one number per denomination, and why. */
export const DeviceEarnings = v.object({
  deviceId: v.string(),
  owner: v.string(),
  totals: v.array(EarningsTotals),
  /** The device's rows in the most recent closed epochs, newest first. */
  epochs: v.array(EpochEarnings),
  /** When the current epoch closes; its earnings appear then. Null when rewards are off. */
  nextCloseAt: v.nullable(v.string()),
});
export type DeviceEarnings = v.InferOutput<typeof DeviceEarnings>;

/** OwnerDeviceTotals is one of an owner's devices in the owner's summary. */
export const OwnerDeviceTotals = v.object({ deviceId: v.string(), totals: v.array(EarningsTotals) });
export type OwnerDeviceTotals = v.InferOutput<typeof OwnerDeviceTotals>;

/** PayoutView is a payout to an owner, as the owner sees it. */
export const PayoutView = v.object({
  batchId: v.number(),
  denom: v.string(),
  amount: MicroAmount,
  /** The address paid: the owner's payout address, or the owner address itself. */
  address: v.string(),
  throughEpoch: v.number(),
  status: v.picklist(["built", "paid"]),
  txHash: v.nullable(v.string()),
  paidAt: v.nullable(v.string()),
});
export type PayoutView = v.InferOutput<typeof PayoutView>;

/** OwnerEarnings is the owner portal's summary: totals, per device, per epoch, payouts. */
export const OwnerEarnings = v.object({
  owner: v.string(),
  totals: v.array(EarningsTotals),
  devices: v.array(OwnerDeviceTotals),
  epochs: v.array(EpochEarnings),
  payouts: v.array(PayoutView),
  /** The smallest amount paid out per denomination; below it a balance waits for the next payout. */
  minimumPayout: v.array(v.object({ denom: v.string(), amount: MicroAmount })),
  nextCloseAt: v.nullable(v.string()),
});
export type OwnerEarnings = v.InferOutput<typeof OwnerEarnings>;

/** EarningsStatement is a device's or an owner's statement: totals and every ledger line behind them. */
export const EarningsStatement = v.object({
  subject: v.object({ kind: v.picklist(["device", "owner"]), id: v.string() }),
  fromEpoch: v.nullable(v.number()),
  toEpoch: v.nullable(v.number()),
  totals: v.array(EarningsTotals),
  epochs: v.array(EpochEarnings),
  lines: v.array(LedgerLine),
  /** Every policy version the epochs used, explained. */
  policies: v.array(RewardPolicyExplanation),
});
export type EarningsStatement = v.InferOutput<typeof EarningsStatement>;

/** EpochDenomSummary is how one denomination's revenue in an epoch was divided: revenue + carryIn = fee + ownerCredits + carryOut. */
export const EpochDenomSummary = v.object({
  denom: v.string(),
  revenue: MicroAmount,
  carryIn: MicroAmount,
  fee: MicroAmount,
  usage: MicroAmount,
  availability: MicroAmount,
  /** Credited to owners in whole micro-units. */
  ownerCredits: MicroAmount,
  /** What rounding and an empty pool left, carried into the next epoch's availability pool. */
  carryOut: MicroAmount,
  /** Share of the post-fee revenue the availability pool got, in percent, after the utilization rule. */
  availabilitySharePercent: v.number(),
  utilizationPercent: v.number(),
});
export type EpochDenomSummary = v.InferOutput<typeof EpochDenomSummary>;

/** EpochSummary describes an epoch: its window, blocks, policy and what each denomination's revenue became. */
export const EpochSummary = v.object({
  epochId: v.number(),
  startsAt: v.string(),
  endsAt: v.string(),
  status: v.picklist(["open", "closed"]),
  policyVersion: v.nullable(v.number()),
  startHeight: v.nullable(v.string()),
  endHeight: v.nullable(v.string()),
  closedAt: v.nullable(v.string()),
  leases: v.number(),
  devicesCredited: v.number(),
  denoms: v.array(EpochDenomSummary),
});
export type EpochSummary = v.InferOutput<typeof EpochSummary>;

export const EpochSummaryList = v.object({ epochs: v.array(EpochSummary) });
export type EpochSummaryList = v.InferOutput<typeof EpochSummaryList>;

/** CloseEpochRequest closes the given epoch, or every epoch that has ended when epochId is absent. */
export const CloseEpochRequest = v.object({ epochId: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) });
export type CloseEpochRequest = v.InferOutput<typeof CloseEpochRequest>;

/** BuildPayoutRequest builds a payout batch of everything owed in denom, for the provider wallet to sign. */
export const BuildPayoutRequest = v.object({ denom: v.pipe(v.string(), v.trim(), v.minLength(1, "name the denomination, e.g. uakt"), v.maxLength(128)) });
export type BuildPayoutRequest = v.InferOutput<typeof BuildPayoutRequest>;

/** TxHash is a Cosmos transaction hash: 64 hexadecimal characters, kept in upper case as the chain prints it. */
export const TxHash = v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[0-9A-F]{64}$/, "a transaction hash is 64 hexadecimal characters"));
export type TxHash = v.InferOutput<typeof TxHash>;

/**
 * RecordPayoutRequest records the hashes of the broadcast payout transactions, one per transaction of the
 * batch and in the batch's order; the batch counts as paid from then.
 */
export const RecordPayoutRequest = v.object({ txHashes: v.pipe(v.array(TxHash), v.minLength(1, "give the hash of each transaction of the batch"), v.maxLength(1000)) });
export type RecordPayoutRequest = v.InferOutput<typeof RecordPayoutRequest>;

/** PayoutItem is one owner's line in a payout batch. */
export const PayoutItem = v.object({ owner: v.string(), address: v.string(), amount: MicroAmount });
export type PayoutItem = v.InferOutput<typeof PayoutItem>;

/** PayoutSkip is an owner left out of a batch, with the reason (e.g. below the minimum payout). */
export const PayoutSkip = v.object({ owner: v.string(), amount: MicroAmount, reason: v.string() });
export type PayoutSkip = v.InferOutput<typeof PayoutSkip>;

/** UnsignedPayoutTx is one unsigned Cosmos SDK transaction of a batch. */
export const UnsignedPayoutTx = v.object({
  /** The JSON `tx sign` takes (the shape `--generate-only` prints): body, auth_info without signers, no signatures. */
  unsignedTx: v.unknown(),
  /** The protobuf-encoded TxBody, base64. */
  bodyBytes: v.string(),
  /** Owner addresses this transaction pays. */
  recipients: v.number(),
  total: MicroAmount,
});
export type UnsignedPayoutTx = v.InferOutput<typeof UnsignedPayoutTx>;

/** PayoutBatch is what the provider wallet signs and broadcasts; it is paid once its hashes are recorded. */
export const PayoutBatch = v.object({
  batchId: v.number(),
  denom: v.string(),
  fromAddress: v.string(),
  throughEpoch: v.number(),
  status: v.picklist(["built", "paid"]),
  createdAt: v.string(),
  total: MicroAmount,
  items: v.array(PayoutItem),
  skipped: v.array(PayoutSkip),
  txs: v.array(UnsignedPayoutTx),
  txHashes: v.array(v.string()),
  paidAt: v.nullable(v.string()),
});
export type PayoutBatch = v.InferOutput<typeof PayoutBatch>;

export const PayoutBatchList = v.object({ batches: v.array(PayoutBatch) });
export type PayoutBatchList = v.InferOutput<typeof PayoutBatchList>;

/** EarningsPolicyView is the reward policy in force and its plain-words explanation. */
export const EarningsPolicyView = v.object({ current: RewardPolicyExplanation, history: v.array(RewardPolicyExplanation) });
export type EarningsPolicyView = v.InferOutput<typeof EarningsPolicyView>;

/** EpochVerification says whether recomputing a closed epoch from its recorded inputs gives its ledger lines again. */
export const EpochVerification = v.object({ epochId: v.number(), matches: v.boolean(), lines: v.number(), difference: v.nullable(v.string()) });
export type EpochVerification = v.InferOutput<typeof EpochVerification>;
