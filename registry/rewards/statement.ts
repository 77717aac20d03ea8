import type { EarningsTotals, EpochEarnings, LedgerLine as LedgerLineView } from "../../protocol/index.ts";
import { formatMicro, parseMicro } from "./fixed-point.ts";
import { denomName, type RewardPolicy } from "./policy.ts";
import type { EpochDeviceRow, StoredEpoch, StoredLine } from "./repo.ts";
import { isCreditLine, ownerOfAccount } from "./running-totals.ts";

// Statements: the ledger lines of a device or an owner turned into the numbers people read (gross, fee,
// net, pending, settled) and one sentence per line saying where its number comes from.

/** PaidThrough says, per owner and denomination, the last epoch whose credits a recorded payout settled. */
export type PaidThrough = (owner: string, denom: string) => number;

const pct = (num: bigint, den: bigint): string => {
  if (den === 0n) return "0 %";
  const bps = Number((num * 1_000_000n) / den) / 10_000;
  return `${bps.toFixed(bps >= 10 ? 2 : 4).replace(/\.?0+$/, "")} %`;
};

const amount = (fine: bigint, denom: string) => `${formatMicro(fine)} ${denomName(denom)}`;

function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** explainLine writes the sentence for one line, in the terms of the policy its epoch was closed under. */
export function explainLine(l: StoredLine, policy: RewardPolicy | null): string {
  const d = l.detail ?? {};
  const feeRate = policy ? `${policy.feeBps / 100} %` : "the policy's rate";
  const gfn = () => {
    const rest = (l.gross ?? 0n) - (l.fee ?? 0n) - l.amount;
    return `gross ${amount(l.gross ?? 0n, l.denom)}, fee ${amount(l.fee ?? 0n, l.denom)} (${feeRate}), net ${amount(l.amount, l.denom)}${rest > 0n ? ` (the ${amount(rest, l.denom)} below whole micro-units goes to the next epoch's pool)` : ""}`;
  };
  switch (l.kind) {
    case "lease_revenue":
      return `Lease ${l.ref}: ${d.blocks} blocks this epoch × ${formatMicro(parseMicro(String(d.price)))} ${denomName(l.denom)} per block = ${amount(-l.amount, l.denom)} of revenue.`;
    case "usage_credit":
      return `Ran ${d.pods} pod${d.pods === 1 ? "" : "s"} of lease ${l.ref} for ${duration(Number(d.podSeconds))} of pod time: ${pct(BigInt(d.weight!), BigInt(d.leaseWeight!))} of the lease's requested resources × time, so that share of its usage part: ${gfn()}.`;
    case "availability_credit":
      return `Available ${duration(Number(d.availableSeconds))} with ${d.capacityPoints} verified capacity points: ${pct(BigInt(d.weight!), BigInt(d.poolWeight!))} of the availability pool of ${amount(BigInt(d.pool!), l.denom)}: ${gfn()}.`;
    case "fee":
      return l.ref ? `Platform fee (${feeRate}) taken from the usage shares of lease ${l.ref}.` : `Platform fee (${feeRate}) taken from the availability shares.`;
    case "availability_pool":
      if (l.amount < 0n) return `The availability pool, ${amount(-l.amount, l.denom)}, divided among ${d.devices} available, verified device${d.devices === 1 ? "" : "s"} by capacity points × seconds available.`;
      return `From lease ${l.ref}: ${amount(BigInt(d.share ?? 0), l.denom)} for the availability pool (${Number(d.availabilityBps ?? 0) / 100} % at this epoch's utilization)${BigInt(d.unattributed ?? 0) > 0n ? ` and ${amount(BigInt(d.unattributed!), l.denom)} of usage not attributed to a home device (${d.seen ? "work on other nodes, or the remainder of the division" : "no pod of this lease was seen"})` : ""}.`;
    case "carry_in":
      return l.amount < 0n ? `Remainders carried from earlier epochs, ${amount(-l.amount, l.denom)}, leave the carry account.` : `Remainders carried from earlier epochs, ${amount(l.amount, l.denom)}, join this epoch's availability pool.`;
    case "carry_out":
      if (l.ref) return `Rounding the shares of lease ${l.ref} down to whole micro-units left ${amount(l.amount, l.denom)}; it carries over to the next epoch's availability pool.`;
      return Number(d.eligibleDevices ?? 1) === 0
        ? `No device was available and verified this epoch: the pool, ${amount(l.amount, l.denom)}, carries over to the next epoch.`
        : `What dividing the pool and rounding the shares down to whole micro-units left, ${amount(l.amount, l.denom)}, carries over to the next epoch's pool.`;
    case "payout":
      return l.amount < 0n ? `Paid ${amount(-l.amount, l.denom)} on chain in payout batch ${l.batchId} (transaction ${d.txHashes}).` : `Payout batch ${l.batchId} sent ${amount(l.amount, l.denom)} from the provider wallet.`;
  }
}

/** lineView is a stored line as the API shows it. */
export function lineView(l: StoredLine, policy: RewardPolicy | null): LedgerLineView {
  return {
    epochId: l.epochId,
    entry: l.entryId,
    line: l.line,
    account: l.account,
    device: l.device,
    denom: l.denom,
    amount: formatMicro(l.amount),
    kind: l.kind,
    gross: l.gross === null ? null : formatMicro(l.gross),
    fee: l.fee === null ? null : formatMicro(l.fee),
    explanation: explainLine(l, policy),
  };
}

const isCredit = (l: StoredLine) => isCreditLine(l) && l.epochId !== null;

/** ownerOfLine is the owner a credit line was paid to (its account is owner/<address>). */
export const ownerOfLine = (l: StoredLine) => ownerOfAccount(l.account);

const byDenom = <T extends { denom: string }>(a: T, b: T) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0);

/** CreditSum is credits added up in fine units: the part of net a recorded payout covered is settled. */
export interface CreditSum {
  denom: string;
  gross: bigint;
  fee: bigint;
  net: bigint;
  settled: bigint;
}

/** totalsView adds sums of the same denomination and writes them as the API shows totals. */
export function totalsView(sums: Iterable<CreditSum>): EarningsTotals[] {
  const by = new Map<string, CreditSum>();
  for (const t of sums) {
    const a = by.get(t.denom);
    if (!a) by.set(t.denom, { ...t });
    else {
      a.gross += t.gross;
      a.fee += t.fee;
      a.net += t.net;
      a.settled += t.settled;
    }
  }
  return [...by.values()].sort(byDenom).map((a) => ({ denom: a.denom, gross: formatMicro(a.gross), fee: formatMicro(a.fee), net: formatMicro(a.net), pending: formatMicro(a.net - a.settled), settled: formatMicro(a.settled) }));
}

/**
 * totalsOf adds up credit lines into per-denomination totals. A credit is settled once a recorded payout
 * to its owner covers its epoch (payouts pay an owner's whole balance through an epoch).
 */
export function totalsOf(lines: readonly StoredLine[], paidThrough: PaidThrough): EarningsTotals[] {
  return totalsView(
    lines.filter(isCredit).map((l) => ({ denom: l.denom, gross: l.gross ?? l.amount, fee: l.fee ?? 0n, net: l.amount, settled: l.epochId! <= paidThrough(ownerOfLine(l), l.denom) ? l.amount : 0n })),
  );
}

/** EpochSum is the credits of one epoch and denomination (fine units); settled once a payout covered all of them. */
export interface EpochSum {
  epochId: number;
  denom: string;
  usage: bigint;
  availability: bigint;
  gross: bigint;
  fee: bigint;
  settled: boolean;
}

/**
 * epochRowsView writes epoch sums, and a device's verdicts in epochs where it earned nothing, as one row per
 * (epoch, denomination), newest first.
 */
export function epochRowsView(sums: Iterable<EpochSum>, epochs: ReadonlyMap<number, StoredEpoch>, verdicts: ReadonlyMap<number, EpochDeviceRow>, primaryDenom: string): EpochEarnings[] {
  const rows = [...sums];
  const earned = new Set(rows.map((r) => r.epochId));
  for (const epochId of verdicts.keys()) if (!earned.has(epochId)) rows.push({ epochId, denom: primaryDenom, usage: 0n, availability: 0n, gross: 0n, fee: 0n, settled: true });
  const out: EpochEarnings[] = [];
  for (const r of rows) {
    const e = epochs.get(r.epochId);
    if (!e) continue;
    const v = verdicts.get(r.epochId);
    out.push({
      epochId: r.epochId,
      startsAt: new Date(e.startsAt).toISOString(),
      endsAt: new Date(e.endsAt).toISOString(),
      policyVersion: e.policyVersion ?? 0,
      denom: r.denom,
      usage: formatMicro(r.usage),
      availability: formatMicro(r.availability),
      gross: formatMicro(r.gross),
      fee: formatMicro(r.fee),
      net: formatMicro(r.usage + r.availability),
      settled: r.usage + r.availability > 0n && r.settled,
      ...(v ? { verdict: { eligible: v.eligible, availableSeconds: Math.floor(v.availableMs / 1000), capacityPoints: v.capacityPoints, reason: v.reason } } : {}),
    });
  }
  return out.sort((a, b) => b.epochId - a.epochId || byDenom(a, b));
}

/** epochRows adds up credit lines per (epoch, denomination) and writes them with epochRowsView. */
export function epochRows(
  lines: readonly StoredLine[],
  epochs: ReadonlyMap<number, StoredEpoch>,
  verdicts: ReadonlyMap<number, EpochDeviceRow>,
  paidThrough: PaidThrough,
  primaryDenom: string,
): EpochEarnings[] {
  const sums = new Map<string, EpochSum>();
  for (const l of lines) {
    if (!isCredit(l)) continue;
    const key = `${l.epochId}\u0000${l.denom}`;
    let r = sums.get(key);
    if (!r) sums.set(key, (r = { epochId: l.epochId!, denom: l.denom, usage: 0n, availability: 0n, gross: 0n, fee: 0n, settled: true }));
    if (l.kind === "usage_credit") r.usage += l.amount;
    else r.availability += l.amount;
    r.gross += l.gross ?? l.amount;
    r.fee += l.fee ?? 0n;
    if (l.epochId! > paidThrough(ownerOfLine(l), l.denom)) r.settled = false;
  }
  return epochRowsView(sums.values(), epochs, verdicts, primaryDenom);
}

/** statementCsv writes lines as CSV (RFC 4180), one row per ledger line, with the explanation. */
export function statementCsv(lines: readonly LedgerLineView[]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const head = ["epoch", "entry", "line", "account", "device", "kind", "denom", "gross", "fee", "amount", "explanation"];
  const body = lines.map((l) => [l.epochId, l.entry, l.line, l.account, l.device, l.kind, l.denom, l.gross, l.fee, l.amount, l.explanation].map(cell).join(","));
  return [head.join(","), ...body].join("\r\n") + "\r\n";
}
