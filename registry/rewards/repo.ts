// registry/rewards: lease revenue attributed to the devices that ran the work, an availability share for
// devices that were up and verified, an append-only double-entry ledger per epoch, statements, and payout
// batches as unsigned Cosmos transactions. Pure rules live in their own files (policy, attribution,
// availability, epoch-computation); service.ts runs them on facts from the ports (ports.ts); chain/ is the
// Akash REST adapter. Imports protocol/ and the store seam only: no HTTP, no Elysia, no other domain.

import type { SqlExecutor } from "../store/sql-driver.ts";
import type { DeviceAvailability } from "./availability.ts";
import type { LedgerEntry, LedgerLine } from "./ledger.ts";
import type { RewardPolicy } from "./policy.ts";
import type { DeviceTotals, OwnerEpochTotals } from "./running-totals.ts";

/** StoredEpoch is an epoch row. Heights are set once the epoch is closed (or while it is being closed). */
export interface StoredEpoch {
  id: number;
  startsAt: number;
  endsAt: number;
  status: "open" | "closed";
  policyVersion: number | null;
  startHeight: bigint | null;
  endHeight: bigint | null;
  closedAt: number | null;
  /** The close's summary as JSON (EpochSummaryData), null while open. */
  summary: string | null;
}

export interface EpochLeaseRow {
  leaseKey: string;
  denom: string;
  state: string;
  price: string;
  createdHeight: bigint;
  closedHeight: bigint;
}

/** EpochUsageRow is one node's share of a lease's work; node "*" holds the work on nodes that are not devices. */
export interface EpochUsageRow {
  leaseKey: string;
  node: string;
  owner: string;
  weight: bigint;
  podMs: number;
  pods: number;
}

/** EpochDeviceRow is a device's availability verdict as its epoch's close recorded it. */
export type EpochDeviceRow = DeviceAvailability;

/** ClosedEpoch is everything one close writes, in one transaction. */
export interface ClosedEpoch {
  epochId: number;
  policyVersion: number;
  startHeight: bigint;
  endHeight: bigint;
  closedAt: number;
  summary: string;
  leases: EpochLeaseRow[];
  usage: EpochUsageRow[];
  devices: EpochDeviceRow[];
  entries: LedgerEntry[];
}

/** StoredLine is a ledger line as stored, with its entry and position. */
export interface StoredLine extends LedgerLine {
  entryId: string;
  line: number;
  epochId: number | null;
  batchId: number | null;
}

export interface StoredBatch {
  id: number;
  denom: string;
  fromAddress: string;
  throughEpoch: number;
  status: "built" | "paid";
  createdAt: number;
  createdBy: string;
  paidAt: number | null;
  total: bigint;
  /** JSON: PayoutSkip[] */
  skipped: string;
  /** JSON: UnsignedPayoutTx[] with totals as strings */
  txs: string;
  txHashes: string[];
  items: { owner: string; address: string; amount: bigint }[];
}

export type NewBatch = Omit<StoredBatch, "id" | "status" | "paidAt" | "txHashes">;

/** Recorded intervals of the cluster: pods of leases on nodes, and nodes Ready and schedulable. */
export interface PodIntervalRow {
  id: number;
  namespace: string;
  pod: string;
  node: string;
  cpuMilli: number;
  memoryBytes: number;
  gpus: number;
  startAt: number;
  endAt: number;
}

export interface NodeReadyRow {
  id: number;
  node: string;
  startAt: number;
  endAt: number;
}

export interface ObservationWrite {
  createPods: Omit<PodIntervalRow, "id">[];
  extendPods: { id: number; endAt: number }[];
  createNodes: Omit<NodeReadyRow, "id">[];
  extendNodes: { id: number; endAt: number }[];
}

export interface RewardsRepo {
  // Policies: every version ever used, as canonical JSON.
  policy(version: number): Promise<RewardPolicy | null>;
  /** savePolicy stores a version once; an existing version is left as it is. */
  savePolicy(policy: RewardPolicy, at: number): Promise<void>;
  policies(): Promise<RewardPolicy[]>;

  // Epochs.
  lastEpoch(): Promise<StoredEpoch | null>;
  epoch(id: number): Promise<StoredEpoch | null>;
  /** epochs lists epochs newest first. */
  epochs(limit: number): Promise<StoredEpoch[]>;
  /** insertEpoch adds an open epoch; an existing id is left as it is. */
  insertEpoch(e: { id: number; startsAt: number; endsAt: number }): Promise<void>;
  /**
   * closeEpoch writes a close atomically: the epoch's snapshot, its ledger lines, the balances they change
   * and the running totals of their credits. Returns false, writing nothing, when the epoch is not open any
   * more (closed by someone else).
   */
  closeEpoch(c: ClosedEpoch): Promise<boolean>;
  epochLeases(epochId: number): Promise<EpochLeaseRow[]>;
  epochUsage(epochId: number): Promise<EpochUsageRow[]>;
  epochDevices(epochId: number): Promise<EpochDeviceRow[]>;
  /** deviceVerdicts returns a device's verdict rows, newest epoch first. */
  deviceVerdicts(deviceId: string, limit: number): Promise<(EpochDeviceRow & { epochId: number })[]>;

  // Ledger.
  linesOfEpoch(epochId: number): Promise<StoredLine[]>;
  /** linesOfAccount returns an account's lines in epochs [from, to] (all when null), oldest first, payouts included. */
  linesOfAccount(account: string, fromEpoch: number | null, toEpoch: number | null): Promise<StoredLine[]>;
  /** linesOfDevice returns the credit lines a device earned in epochs [from, to] (all when null), oldest first. */
  linesOfDevice(deviceId: string, fromEpoch: number | null, toEpoch: number | null): Promise<StoredLine[]>;
  /** balanceBefore sums an account's lines of epochs before epochId, per denomination. */
  balanceBefore(epochId: number, account: string): Promise<Map<string, bigint>>;
  /** balances returns the running balances of accounts starting with a prefix. */
  balances(prefix: string, ex?: SqlExecutor): Promise<{ account: string; denom: string; amount: bigint; lastEpoch: number }[]>;
  /** ownerCreditsBetween sums, per owner account, the credits of epochs after afterEpoch up to upToEpoch (inclusive). */
  ownerCreditsBetween(denom: string, afterEpoch: number, upToEpoch: number, ex?: SqlExecutor): Promise<Map<string, bigint>>;

  // Running totals of credits (kept with the lines by closeEpoch and markPaid).
  /** deviceTotals returns the totals of one owner's devices, or of one device (for every owner it earned for). */
  deviceTotals(of: { owner: string } | { deviceId: string }): Promise<DeviceTotals[]>;
  /** ownerEpochTotals returns an owner's last epochs with credits, newest first. */
  ownerEpochTotals(owner: string, limit: number): Promise<OwnerEpochTotals[]>;

  // Payouts.
  insertBatch(b: NewBatch): Promise<number>;
  batch(id: number): Promise<StoredBatch | null>;
  batches(limit: number): Promise<StoredBatch[]>;
  builtBatch(denom: string): Promise<StoredBatch | null>;
  /** cancelBatch deletes a batch still in "built"; false when it is not. */
  cancelBatch(id: number): Promise<boolean>;
  /**
   * markPaid records the hashes and the payout's ledger entry, once, and settles the paid owners' device
   * totals through the batch's epoch; false when the batch is not "built".
   */
  markPaid(id: number, txHashes: string[], paidAt: number, entry: LedgerEntry): Promise<boolean>;
  /** paidItemsOfOwner returns the owner's items in paid batches with each batch's denom and through epoch. */
  itemsOfOwner(owner: string): Promise<{ batch: StoredBatch; amount: bigint; address: string }[]>;

  // Cluster observations.
  openPodIntervals(endedSince: number): Promise<PodIntervalRow[]>;
  openNodeIntervals(endedSince: number): Promise<NodeReadyRow[]>;
  /** writeObservations applies one snapshot's interval changes atomically and returns the ids of created rows. */
  writeObservations(w: ObservationWrite): Promise<{ podIds: number[]; nodeIds: number[] }>;
  podIntervals(fromMs: number, toMs: number): Promise<PodIntervalRow[]>;
  nodeIntervals(fromMs: number, toMs: number): Promise<NodeReadyRow[]>;
}
