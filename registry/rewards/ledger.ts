import type { LedgerLineKind } from "../../protocol/index.ts";

// The ledger's shape: append-only, double-entry. An entry is a set of lines whose amounts sum to zero;
// a positive amount is money into an account, a negative one money out. Accounts:
//   lease/<owner>/<dseq>/<gseq>/<oseq>/<provider>  where a lease's revenue comes from (goes negative)
//   pool/availability                              the epoch's availability pool (zero after each close)
//   fee                                            the platform fee
//   carry                                          what rounding leaves, into the next epoch's pool
//   owner/<address>                                an owner's credits in whole micro-units, until paid;
//                                                  each credit line names the device that earned it
//   payout/<batch id>                              what a recorded payout sent on chain

export type { LedgerLineKind };

export interface LedgerLine {
  account: string;
  denom: string;
  /** Fine units (10^-18 micro-units). */
  amount: bigint;
  kind: LedgerLineKind;
  /** For credits: the share before the fee, and the fee taken from it. */
  gross: bigint | null;
  fee: bigint | null;
  /** For credits: the device that earned it. */
  device: string | null;
  /** What the line is about: a lease key, a device id, a payout address. */
  ref: string | null;
  /** The numbers the explanation is written from. */
  detail: Record<string, string | number> | null;
}

export interface LedgerEntry {
  id: string;
  epochId: number | null;
  batchId: number | null;
  lines: LedgerLine[];
}

export const POOL_AVAILABILITY = "pool/availability";
export const FEE_ACCOUNT = "fee";
export const CARRY_ACCOUNT = "carry";
export const leaseAccount = (key: string) => `lease/${key}`;
export const ownerAccount = (address: string) => `owner/${address}`;
export const payoutAccount = (batchId: number) => `payout/${batchId}`;
export const epochEntryId = (epochId: number, seq: number) => `epoch/${epochId}/${seq}`;
export const payoutEntryId = (batchId: number) => `payout/${batchId}`;

/** line builds a ledger line with the optional fields empty. */
export function line(account: string, denom: string, amount: bigint, kind: LedgerLineKind, extra: Partial<Omit<LedgerLine, "account" | "denom" | "amount" | "kind">> = {}): LedgerLine {
  return { account, denom, amount, kind, gross: extra.gross ?? null, fee: extra.fee ?? null, device: extra.device ?? null, ref: extra.ref ?? null, detail: extra.detail ?? null };
}

/** unbalancedEntries names the entries whose lines do not sum to zero per denomination (there must be none). */
export function unbalancedEntries(entries: readonly LedgerEntry[]): string[] {
  const bad: string[] = [];
  for (const e of entries) {
    const sums = new Map<string, bigint>();
    for (const l of e.lines) sums.set(l.denom, (sums.get(l.denom) ?? 0n) + l.amount);
    if ([...sums.values()].some((s) => s !== 0n)) bad.push(e.id);
  }
  return bad;
}
