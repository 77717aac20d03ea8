import type { LedgerEntry } from "./ledger.ts";

// Running totals of credits, kept beside the ledger so a summary never re-reads a year of lines: per owner,
// denomination and device (gross, fee, net, and the part a recorded payout settled), and per owner and epoch
// (the chart's rows). The store writes them in the same transaction as the lines they sum, from the deltas
// below, so they cannot disagree with the ledger. An owner's per-device totals travel with the owner
// account's balance row: a close touches nearly every owner's balance, and a row per device would cost as
// many writes again.

/** CreditTotals is what a device earned for an owner in one denomination, all epochs together (fine units). */
export interface CreditTotals {
  gross: bigint;
  fee: bigint;
  net: bigint;
  /** The part of net in epochs a recorded payout to the owner covered. */
  settled: bigint;
}

/** EpochCredits is what an owner's devices earned in one epoch and denomination (fine units). */
export interface EpochCredits {
  /** Net of usage credits. */
  usage: bigint;
  /** Net of availability credits. */
  availability: bigint;
  gross: bigint;
  fee: bigint;
}

/** DeviceCredits are an owner's credit totals in one denomination, by device. */
export type DeviceCredits = Map<string, CreditTotals>;

/** DeviceTotals is what one device earned for one owner, per denomination. */
export interface DeviceTotals {
  owner: string;
  deviceId: string;
  denoms: Map<string, CreditTotals>;
}

export interface OwnerEpochTotals {
  owner: string;
  epochId: number;
  denoms: Map<string, EpochCredits>;
}

export type CreditKind = "usage_credit" | "availability_credit";

/** isCreditLine tells a credit to an owner (a device's usage or availability share) from every other line. */
export const isCreditLine = (l: { kind: string }): l is { kind: CreditKind } => l.kind === "usage_credit" || l.kind === "availability_credit";

/** ownerOfAccount is the owner an owner/<address> account belongs to. */
export const ownerOfAccount = (account: string) => account.slice("owner/".length);

export const zeroTotals = (): CreditTotals => ({ gross: 0n, fee: 0n, net: 0n, settled: 0n });

/** creditDeltas sums credit lines per owner account and denomination, by device, and per owner and epoch. */
export function creditDeltas(entries: readonly LedgerEntry[]): { accounts: Map<string, Map<string, DeviceCredits>>; owners: OwnerEpochTotals[] } {
  const accounts = new Map<string, Map<string, DeviceCredits>>();
  const owners = new Map<string, OwnerEpochTotals>();
  for (const e of entries) {
    if (e.epochId === null) continue;
    for (const l of e.lines) {
      if (!isCreditLine(l) || l.device === null) continue;
      const gross = l.gross ?? l.amount;
      const fee = l.fee ?? 0n;
      let byDenom = accounts.get(l.account);
      if (!byDenom) accounts.set(l.account, (byDenom = new Map()));
      let byDevice = byDenom.get(l.denom);
      if (!byDevice) byDenom.set(l.denom, (byDevice = new Map()));
      let t = byDevice.get(l.device);
      if (!t) byDevice.set(l.device, (t = zeroTotals()));
      t.gross += gross;
      t.fee += fee;
      t.net += l.amount;
      let o = owners.get(l.account);
      if (!o) owners.set(l.account, (o = { owner: ownerOfAccount(l.account), epochId: e.epochId, denoms: new Map() }));
      let c = o.denoms.get(l.denom);
      if (!c) o.denoms.set(l.denom, (c = { usage: 0n, availability: 0n, gross: 0n, fee: 0n }));
      c.gross += gross;
      c.fee += fee;
      if (l.kind === "usage_credit") c.usage += l.amount;
      else c.availability += l.amount;
    }
  }
  return { accounts, owners: [...owners.values()] };
}

/** addCredits adds b's devices into a. */
export function addCredits(a: DeviceCredits, b: ReadonlyMap<string, CreditTotals>): void {
  for (const [device, t] of b) {
    let s = a.get(device);
    if (!s) a.set(device, (s = zeroTotals()));
    s.gross += t.gross;
    s.fee += t.fee;
    s.net += t.net;
    s.settled += t.settled;
  }
}

// Stored as a flat JSON array of strings, each key (a device, or a denomination) followed by its amounts in
// the fields' order: ["ah-…", "gross", "fee", "net", "settled", "ah-…", …]. A close rewrites every owner's
// row, and this shape is about twice as quick to write and read as an object per key.
const TOTALS_FIELDS = ["gross", "fee", "net", "settled"] as const;
const EPOCH_FIELDS = ["usage", "availability", "gross", "fee"] as const;

function encodeAmounts<K extends string>(m: ReadonlyMap<string, Record<K, bigint>>, fields: readonly K[]): string {
  const out: string[] = [];
  for (const [key, t] of m) {
    out.push(key);
    for (const f of fields) out.push(t[f].toString());
  }
  return JSON.stringify(out);
}

function decodeAmounts<K extends string>(text: string, fields: readonly K[]): Map<string, Record<K, bigint>> {
  const flat = JSON.parse(text) as string[];
  const out = new Map<string, Record<K, bigint>>();
  for (let i = 0; i < flat.length; i += fields.length + 1) {
    const t = {} as Record<K, bigint>;
    fields.forEach((f, j) => (t[f] = BigInt(flat[i + 1 + j]!)));
    out.set(flat[i]!, t);
  }
  return out;
}

export const encodeCredits = (m: ReadonlyMap<string, CreditTotals>) => encodeAmounts(m, TOTALS_FIELDS);
export const decodeCredits = (text: string): DeviceCredits => decodeAmounts(text, TOTALS_FIELDS);
export const encodeEpochCredits = (m: ReadonlyMap<string, EpochCredits>) => encodeAmounts(m, EPOCH_FIELDS);
export const decodeEpochCredits = (text: string): Map<string, EpochCredits> => decodeAmounts(text, EPOCH_FIELDS);
