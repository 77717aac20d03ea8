import type { EpochWindow, LeaseUsage } from "./attribution.ts";
import type { DeviceAvailability } from "./availability.ts";
import { FINE_PER_MICRO } from "./fixed-point.ts";
import { CARRY_ACCOUNT, epochEntryId, FEE_ACCOUNT, leaseAccount, line, ownerAccount, POOL_AVAILABILITY, type LedgerEntry, type LedgerLine } from "./ledger.ts";
import type { RewardPolicy } from "./policy.ts";

// One epoch's books, computed from its inputs alone: the same inputs give the same entries, line for line.
// Every division runs on fine units (10^-18 micro-units) and rounds down, so no share is ever larger than
// its exact value; what rounding leaves goes to the carry account and joins the next epoch's pool:
// 1. A lease's availability part is ⌊revenue × rate⌋; its usage part is the rest.
// 2. A device's usage share (gross) is ⌊usage part × its weight ÷ the lease's weight⌋; whatever is left of
//    the lease (work on other nodes, leases whose pods were not seen, the division's remainder) joins the pool.
// 3. A device's availability share (gross) is ⌊pool × its weight ÷ all weights⌋; the remainder goes to carry.
// 4. From a gross share g: fee = ⌊⌊g × fee rate⌋⌋ in whole micro-units, net = ⌊g − ⌊g × fee rate⌋⌋ in whole
//    micro-units, and g − fee − net (under two micro-units) goes to carry. Credits and fees are whole
//    micro-units; only lease revenue and carry hold fractions.
// So for each denomination: Σ credits + fee + carry out = revenue + carry in, exactly.

export interface EpochComputationInput {
  epochId: number;
  window: EpochWindow;
  policy: RewardPolicy;
  /** Leases with revenue in the epoch (attributeLeases). */
  leases: readonly LeaseUsage[];
  /** Every device lineage's availability verdict (computeAvailability). */
  availability: readonly DeviceAvailability[];
  /** The owner of every device that may be credited, by device id. */
  ownerOf: ReadonlyMap<string, string>;
  /** The carry account's balance per denomination before the epoch. */
  carryIn: ReadonlyMap<string, bigint>;
}

export interface DenomTotals {
  denom: string;
  revenue: bigint;
  carryIn: bigint;
  fee: bigint;
  usageGross: bigint;
  availabilityGross: bigint;
  /** Σ net credits to owners (whole micro-units). */
  credits: bigint;
  carryOut: bigint;
}

export interface EpochComputation {
  entries: LedgerEntry[];
  denoms: DenomTotals[];
  /** Share of each lease's revenue that went to the availability pool, in basis points (exact ratio, for display). */
  availabilityShareBps: number;
  utilizationBps: number;
  devicesCredited: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** split applies rule 4 to a gross share: whole-micro fee and net, and the rounding rest. */
export function split(gross: bigint, feeBps: bigint): { fee: bigint; net: bigint; rest: bigint } {
  const feeExact = (gross * feeBps) / 10_000n;
  const fee = feeExact - (feeExact % FINE_PER_MICRO);
  const netExact = gross - feeExact;
  const net = netExact - (netExact % FINE_PER_MICRO);
  return { fee, net, rest: gross - fee - net };
}

/** computeEpoch writes an epoch's ledger entries. Pure and deterministic. */
export function computeEpoch(input: EpochComputationInput): EpochComputation {
  const { policy: p, epochId } = input;
  const epochMs = BigInt(input.window.endMs - input.window.startMs);
  const feeBps = BigInt(p.feeBps);

  // Utilization: requested milli-points × ms on home devices over the capacity the region counts on.
  let used = 0n;
  for (const l of input.leases) for (const d of l.devices) used += d.weight;
  let capacity = 0n;
  for (const a of input.availability) capacity += BigInt(a.rawCapacityPoints);
  capacity *= 1000n * epochMs;
  const idle = BigInt(p.availabilityIdleBps);
  const busy = BigInt(p.availabilityBusyBps);
  const u = used < capacity ? used : capacity;
  // The availability rate as the exact fraction rateNum / rateDen.
  const rateNum = capacity === 0n ? busy : idle * capacity - (idle - busy) * u;
  const rateDen = capacity === 0n ? 10_000n : 10_000n * capacity;
  const utilizationBps = capacity === 0n ? 10_000 : Number((u * 10_000n) / capacity);
  const availabilityShareBps = Number((rateNum * 10_000n) / rateDen);

  const denoms = new Set<string>();
  for (const l of input.leases) denoms.add(l.lease.denom);
  for (const [d, c] of input.carryIn) if (c > 0n) denoms.add(d);

  const entries: LedgerEntry[] = [];
  const totals: DenomTotals[] = [];
  const credited = new Set<string>();
  let seq = 0;
  const push = (lines: LedgerLine[]) => entries.push({ id: epochEntryId(epochId, ++seq), epochId, batchId: null, lines });

  const eligible = input.availability.filter((a) => a.eligible && a.availableMs > 0 && a.capacityPoints > 0);
  const weights = eligible.map((a) => BigInt(a.capacityPoints) * BigInt(a.availableMs));
  let weightSum = 0n;
  for (const w of weights) weightSum += w;
  const weightSumText = weightSum.toString();

  for (const denom of [...denoms].sort(cmp)) {
    const t: DenomTotals = { denom, revenue: 0n, carryIn: input.carryIn.get(denom) ?? 0n, fee: 0n, usageGross: 0n, availabilityGross: 0n, credits: 0n, carryOut: 0n };
    let pool = 0n;

    if (t.carryIn > 0n) {
      push([line(CARRY_ACCOUNT, denom, -t.carryIn, "carry_in"), line(POOL_AVAILABILITY, denom, t.carryIn, "carry_in")]);
      pool += t.carryIn;
    }

    for (const l of input.leases) {
      if (l.lease.denom !== denom) continue;
      const R = l.revenue;
      t.revenue += R;
      const availabilityPart = (R * rateNum) / rateDen;
      const usagePart = R - availabilityPart;
      let totalWeight = l.otherWeight;
      for (const d of l.devices) totalWeight += d.weight;
      const lines: LedgerLine[] = [
        line(leaseAccount(l.key), denom, -R, "lease_revenue", {
          ref: l.key,
          detail: { price: l.lease.pricePerBlock, blocks: l.blocks.toString(), namespace: l.namespace, availabilityBps: availabilityShareBps },
        }),
      ];
      let given = 0n;
      let fees = 0n;
      let rest = 0n;
      if (totalWeight > 0n) {
        const leaseWeight = totalWeight.toString();
        for (const d of l.devices) {
          const gross = (usagePart * d.weight) / totalWeight;
          if (gross === 0n) continue;
          const s = split(gross, feeBps);
          given += gross;
          fees += s.fee;
          rest += s.rest;
          if (s.net === 0n) continue;
          const owner = input.ownerOf.get(d.node) ?? "";
          lines.push(
            line(ownerAccount(owner), denom, s.net, "usage_credit", {
              gross,
              fee: s.fee,
              device: d.node,
              ref: l.key,
              detail: { weight: d.weight.toString(), leaseWeight, podSeconds: Math.floor(d.podMs / 1000), pods: d.pods },
            }),
          );
          t.credits += s.net;
          credited.add(d.node);
        }
      }
      if (fees > 0n) lines.push(line(FEE_ACCOUNT, denom, fees, "fee", { ref: l.key }));
      if (rest > 0n) lines.push(line(CARRY_ACCOUNT, denom, rest, "carry_out", { ref: l.key, detail: { rounding: 1 } }));
      const toPool = R - given;
      if (toPool > 0n) {
        lines.push(
          line(POOL_AVAILABILITY, denom, toPool, "availability_pool", {
            ref: l.key,
            detail: { share: availabilityPart.toString(), unattributed: (usagePart - given).toString(), seen: totalWeight > 0n ? 1 : 0, availabilityBps: availabilityShareBps },
          }),
        );
      }
      pool += toPool;
      t.usageGross += given;
      t.fee += fees;
      t.carryOut += rest;
      push(lines);
    }

    if (pool > 0n) {
      const lines: LedgerLine[] = [line(POOL_AVAILABILITY, denom, -pool, "availability_pool", { detail: { devices: eligible.length, weight: weightSumText } })];
      let given = 0n;
      let fees = 0n;
      let rest = 0n;
      const poolText = pool.toString();
      if (weightSum > 0n) {
        for (let i = 0; i < eligible.length; i++) {
          const a = eligible[i]!;
          const gross = (pool * weights[i]!) / weightSum;
          if (gross === 0n) continue;
          const s = split(gross, feeBps);
          given += gross;
          fees += s.fee;
          rest += s.rest;
          if (s.net === 0n) continue;
          lines.push(
            line(ownerAccount(a.owner), denom, s.net, "availability_credit", {
              gross,
              fee: s.fee,
              device: a.deviceId,
              ref: a.deviceId,
              detail: { availableSeconds: Math.floor(a.availableMs / 1000), capacityPoints: a.capacityPoints, weight: weights[i]!.toString(), poolWeight: weightSumText, pool: poolText },
            }),
          );
          t.credits += s.net;
          credited.add(a.deviceId);
        }
      }
      if (fees > 0n) lines.push(line(FEE_ACCOUNT, denom, fees, "fee"));
      const carryOut = pool - given + rest;
      if (carryOut > 0n) lines.push(line(CARRY_ACCOUNT, denom, carryOut, "carry_out", { detail: { eligibleDevices: eligible.length } }));
      t.availabilityGross += given;
      t.fee += fees;
      t.carryOut += carryOut;
      push(lines);
    }
    totals.push(t);
  }
  return { entries, denoms: totals, availabilityShareBps, utilizationBps, devicesCredited: credited.size };
}
