import type { LedgerLineKind } from "../../protocol/index.ts";
import type { SqlDriver, SqlExecutor, SqlValue } from "../store/sql-driver.ts";
import { ownerAccount, type LedgerEntry } from "./ledger.ts";
import type { RewardPolicy } from "./policy.ts";
import { canonicalPolicy } from "./policy.ts";
import { addCredits, creditDeltas, decodeCredits, decodeEpochCredits, encodeCredits, encodeEpochCredits, isCreditLine, ownerOfAccount, type DeviceTotals, type OwnerEpochTotals } from "./running-totals.ts";
import type {
  ClosedEpoch,
  EpochDeviceRow,
  EpochLeaseRow,
  EpochUsageRow,
  NewBatch,
  NodeReadyRow,
  ObservationWrite,
  PodIntervalRow,
  RewardsRepo,
  StoredBatch,
  StoredEpoch,
  StoredLine,
} from "./repo.ts";

// RewardsRepo in portable SQL for SQLite and PostgreSQL. Amounts and heights travel as decimal strings.

const CHUNK = 400;
/** How many parts a close's ledger lines are written in, each its own stream of statements. */
const PIPELINED_SLICES = 8;

type Row = Record<string, SqlValue>;

type Cell = SqlValue | undefined;
const num = (v: Cell): number => Number(v);
const str = (v: Cell): string => String(v);
const big = (v: Cell): bigint => BigInt(v as string);
const bigOrNull = (v: Cell): bigint | null => (v === null || v === undefined ? null : BigInt(v as string));

const LINE_COLUMNS = ["entry_id", "line", "epoch_id", "batch_id", "account", "denom", "amount", "kind", "gross", "fee", "device", "ref", "detail"] as const;
const LINE_SELECT = LINE_COLUMNS.join(", ");

function lineRows(entries: readonly LedgerEntry[]): SqlValue[][] {
  const rows: SqlValue[][] = [];
  for (const e of entries) {
    e.lines.forEach((l, i) => {
      rows.push([e.id, i + 1, e.epochId, e.batchId, l.account, l.denom, l.amount.toString(), l.kind, l.gross?.toString() ?? null, l.fee?.toString() ?? null, l.device, l.ref, l.detail ? JSON.stringify(l.detail) : null]);
    });
  }
  return rows;
}

function toLine(r: Row): StoredLine {
  return {
    entryId: str(r.entry_id),
    line: num(r.line),
    epochId: r.epoch_id === null ? null : num(r.epoch_id),
    batchId: r.batch_id === null ? null : num(r.batch_id),
    account: str(r.account),
    denom: str(r.denom),
    amount: big(r.amount),
    kind: str(r.kind) as LedgerLineKind,
    gross: bigOrNull(r.gross),
    fee: bigOrNull(r.fee),
    device: r.device === null || r.device === undefined ? null : str(r.device),
    ref: r.ref === null ? null : str(r.ref),
    detail: r.detail === null || r.detail === undefined ? null : JSON.parse(str(r.detail)),
  };
}

function toEpoch(r: Row): StoredEpoch {
  return {
    id: num(r.id),
    startsAt: num(r.starts_at),
    endsAt: num(r.ends_at),
    status: str(r.status) as StoredEpoch["status"],
    policyVersion: r.policy_version === null ? null : num(r.policy_version),
    startHeight: bigOrNull(r.start_height),
    endHeight: bigOrNull(r.end_height),
    closedAt: r.closed_at === null ? null : num(r.closed_at),
    summary: r.summary === null ? null : str(r.summary),
  };
}

/** balanceDeltas sums entries' lines per (account, denom). */
function balanceDeltas(entries: readonly LedgerEntry[]): Map<string, Map<string, bigint>> {
  const out = new Map<string, Map<string, bigint>>();
  for (const e of entries) {
    for (const l of e.lines) {
      let m = out.get(l.account);
      if (!m) out.set(l.account, (m = new Map()));
      m.set(l.denom, (m.get(l.denom) ?? 0n) + l.amount);
    }
  }
  return out;
}

/** Lease accounts only ever fall (each is one lease's revenue) and the pool is empty after every close: no balance is kept for them. */
const keepsBalance = (account: string) => !account.startsWith("lease/") && !account.startsWith("pool/");

const BALANCE_COLUMNS = ["account", "denom", "amount", "last_epoch", "credits"];

/** Settlement says which owners a recorded payout paid, in which denomination and through which epoch. */
interface Settlement {
  owners: ReadonlySet<string>;
  denom: string;
  throughEpoch: number;
}

/**
 * applyBalances adds entries to the running balances and, for owner accounts, to the credit totals by
 * device; with a settlement, the paid owners' credits through its epoch become settled: all they earned,
 * less what epochs closed after it (while the batch waited) credited.
 */
async function applyBalances(tx: SqlExecutor, entries: readonly LedgerEntry[], epochId: number, settlement?: Settlement): Promise<void> {
  const deltas = balanceDeltas(entries);
  const { accounts: credits, owners } = creditDeltas(entries);
  const later = settlement ? await creditsAfter(tx, settlement.denom, settlement.throughEpoch) : new Map<string, bigint>();
  // One pass over the balances beats a lookup per account: a close touches most of them.
  const current = new Map<string, { amount: bigint; credits: string | null }>();
  for (const r of await tx.query<Row>("SELECT account, denom, amount, credits FROM reward_balances")) {
    current.set(`${str(r.account)}\u0000${str(r.denom)}`, { amount: big(r.amount), credits: r.credits === null || r.credits === undefined ? null : str(r.credits) });
  }
  const upserts: SqlValue[][] = [];
  for (const [account, m] of deltas) {
    if (!keepsBalance(account)) continue;
    for (const [denom, delta] of m) {
      const had = current.get(`${account}\u0000${denom}`);
      const added = credits.get(account)?.get(denom);
      const settles = settlement !== undefined && denom === settlement.denom && settlement.owners.has(ownerOfAccount(account));
      let text = had?.credits ?? null;
      if (added || settles) {
        const byDevice = text === null ? new Map() : decodeCredits(text);
        if (added) addCredits(byDevice, added);
        if (settles) for (const [device, t] of byDevice) t.settled = t.net - (later.get(`${account}\u0000${device}`) ?? 0n);
        text = encodeCredits(byDevice);
      }
      upserts.push([account, denom, ((had?.amount ?? 0n) + delta).toString(), epochId, text]);
    }
  }
  await Promise.all([
    tx.upsertMany("reward_balances", BALANCE_COLUMNS, ["account", "denom"], upserts),
    tx.insertMany("reward_owner_epochs", ["owner", "epoch_id", "totals"], owners.map((o) => [o.owner, o.epochId, encodeEpochCredits(o.denoms)]), "error"),
  ]);
}

/** creditsAfter sums, per owner account and device, the credits in a denomination of epochs after one. */
async function creditsAfter(tx: SqlExecutor, denom: string, epochId: number): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const r of await tx.query<Row>("SELECT account, device, kind, amount FROM ledger_lines WHERE denom = $1 AND epoch_id > $2 AND device IS NOT NULL", [denom, epochId])) {
    if (!isCreditLine({ kind: str(r.kind) })) continue;
    const k = `${str(r.account)}\u0000${str(r.device)}`;
    out.set(k, (out.get(k) ?? 0n) + big(r.amount));
  }
  return out;
}

function toBatch(r: Row, items: StoredBatch["items"]): StoredBatch {
  return {
    id: num(r.id),
    denom: str(r.denom),
    fromAddress: str(r.from_address),
    throughEpoch: num(r.through_epoch),
    status: str(r.status) as StoredBatch["status"],
    createdAt: num(r.created_at),
    createdBy: str(r.created_by),
    paidAt: r.paid_at === null ? null : num(r.paid_at),
    total: big(r.total),
    skipped: str(r.skipped),
    txs: str(r.txs),
    txHashes: r.tx_hashes === null ? [] : JSON.parse(str(r.tx_hashes)),
    items,
  };
}

export class SqlRewardsRepo implements RewardsRepo {
  constructor(private readonly db: SqlDriver) {}

  async policy(version: number): Promise<RewardPolicy | null> {
    const rows = await this.db.query<Row>("SELECT policy FROM reward_policies WHERE version = $1", [version]);
    return rows[0] ? (JSON.parse(str(rows[0].policy)) as RewardPolicy) : null;
  }

  async savePolicy(policy: RewardPolicy, at: number): Promise<void> {
    await this.db.insertMany("reward_policies", ["version", "policy", "created_at"], [[policy.version, canonicalPolicy(policy), at]], "ignore");
  }

  async policies(): Promise<RewardPolicy[]> {
    return (await this.db.query<Row>("SELECT policy FROM reward_policies ORDER BY version")).map((r) => JSON.parse(str(r.policy)) as RewardPolicy);
  }

  async lastEpoch(): Promise<StoredEpoch | null> {
    const rows = await this.db.query<Row>("SELECT * FROM reward_epochs ORDER BY id DESC LIMIT 1");
    return rows[0] ? toEpoch(rows[0]) : null;
  }

  async epoch(id: number): Promise<StoredEpoch | null> {
    const rows = await this.db.query<Row>("SELECT * FROM reward_epochs WHERE id = $1", [id]);
    return rows[0] ? toEpoch(rows[0]) : null;
  }

  async epochs(limit: number): Promise<StoredEpoch[]> {
    return (await this.db.query<Row>("SELECT * FROM reward_epochs ORDER BY id DESC LIMIT $1", [limit])).map(toEpoch);
  }

  async insertEpoch(e: { id: number; startsAt: number; endsAt: number }): Promise<void> {
    await this.db.insertMany("reward_epochs", ["id", "starts_at", "ends_at", "status"], [[e.id, e.startsAt, e.endsAt, "open"]], "ignore");
  }

  async closeEpoch(c: ClosedEpoch): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { changes } = await tx.run(
        "UPDATE reward_epochs SET status = 'closed', policy_version = $1, start_height = $2, end_height = $3, closed_at = $4, summary = $5 WHERE id = $6 AND status = 'open'",
        [c.policyVersion, c.startHeight.toString(), c.endHeight.toString(), c.closedAt, c.summary, c.epochId],
      );
      if (changes !== 1) return false;
      // The writes are independent of each other. Started together, PostgreSQL receives them pipelined, so
      // building one statement's parameters overlaps the server's work on the one before; SQLite runs them
      // one after the other as before.
      const lines = lineRows(c.entries);
      const slice = Math.ceil(lines.length / PIPELINED_SLICES);
      await Promise.all([
        // First, so that its read of the balances goes ahead of the inserts, and its work on them overlaps theirs.
        applyBalances(tx, c.entries, c.epochId),
        tx.insertMany(
          "reward_epoch_leases",
          ["epoch_id", "lease_key", "denom", "state", "price", "created_height", "closed_height"],
          c.leases.map((l) => [c.epochId, l.leaseKey, l.denom, l.state, l.price, l.createdHeight.toString(), l.closedHeight.toString()]),
          "error",
        ),
        tx.insertMany(
          "reward_epoch_usage",
          ["epoch_id", "lease_key", "node", "owner", "weight", "pod_ms", "pods"],
          c.usage.map((u) => [c.epochId, u.leaseKey, u.node, u.owner, u.weight.toString(), u.podMs, u.pods]),
          "error",
        ),
        tx.insertMany(
          "reward_epoch_devices",
          ["epoch_id", "device_id", "owner", "eligible", "available_ms", "capacity_points", "raw_capacity_points", "reason"],
          c.devices.map((d) => [c.epochId, d.deviceId, d.owner, d.eligible ? 1 : 0, d.availableMs, d.capacityPoints, d.rawCapacityPoints, d.reason]),
          "error",
        ),
        ...Array.from({ length: PIPELINED_SLICES }, (_, i) => tx.insertMany("ledger_lines", LINE_COLUMNS, lines.slice(i * slice, (i + 1) * slice), "error")),
      ]);
      return true;
    });
  }

  async epochLeases(epochId: number): Promise<EpochLeaseRow[]> {
    const rows = await this.db.query<Row>("SELECT * FROM reward_epoch_leases WHERE epoch_id = $1 ORDER BY lease_key", [epochId]);
    return rows.map((r) => ({ leaseKey: str(r.lease_key), denom: str(r.denom), state: str(r.state), price: str(r.price), createdHeight: big(r.created_height), closedHeight: big(r.closed_height) }));
  }

  async epochUsage(epochId: number): Promise<EpochUsageRow[]> {
    const rows = await this.db.query<Row>("SELECT * FROM reward_epoch_usage WHERE epoch_id = $1 ORDER BY lease_key, node", [epochId]);
    return rows.map((r) => ({ leaseKey: str(r.lease_key), node: str(r.node), owner: str(r.owner), weight: big(r.weight), podMs: num(r.pod_ms), pods: num(r.pods) }));
  }

  private toDeviceRow(r: Row): EpochDeviceRow {
    return { deviceId: str(r.device_id), owner: str(r.owner), eligible: num(r.eligible) === 1, availableMs: num(r.available_ms), capacityPoints: num(r.capacity_points), rawCapacityPoints: num(r.raw_capacity_points), reason: str(r.reason) };
  }

  async epochDevices(epochId: number): Promise<EpochDeviceRow[]> {
    return (await this.db.query<Row>("SELECT * FROM reward_epoch_devices WHERE epoch_id = $1 ORDER BY device_id", [epochId])).map((r) => this.toDeviceRow(r));
  }

  async deviceVerdicts(deviceId: string, limit: number): Promise<(EpochDeviceRow & { epochId: number })[]> {
    const rows = await this.db.query<Row>("SELECT * FROM reward_epoch_devices WHERE device_id = $1 ORDER BY epoch_id DESC LIMIT $2", [deviceId, limit]);
    return rows.map((r) => ({ ...this.toDeviceRow(r), epochId: num(r.epoch_id) }));
  }

  async linesOfEpoch(epochId: number): Promise<StoredLine[]> {
    const rows = await this.db.query<Row>(`SELECT ${LINE_SELECT} FROM ledger_lines WHERE epoch_id = $1`, [epochId]);
    return rows.map(toLine).sort(byEntryThenLine);
  }

  async linesOfAccount(account: string, fromEpoch: number | null, toEpoch: number | null): Promise<StoredLine[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${LINE_SELECT} FROM ledger_lines WHERE account = $1 AND (epoch_id IS NULL OR (epoch_id >= $2 AND epoch_id <= $3))`,
      [account, fromEpoch ?? 0, toEpoch ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map(toLine).sort(byEntryThenLine);
  }

  async linesOfDevice(deviceId: string, fromEpoch: number | null, toEpoch: number | null): Promise<StoredLine[]> {
    const rows = await this.db.query<Row>(`SELECT ${LINE_SELECT} FROM ledger_lines WHERE device = $1 AND epoch_id >= $2 AND epoch_id <= $3`, [deviceId, fromEpoch ?? 0, toEpoch ?? Number.MAX_SAFE_INTEGER]);
    return rows.map(toLine).sort(byEntryThenLine);
  }

  async balanceBefore(epochId: number, account: string): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    for (const r of await this.db.query<Row>("SELECT denom, amount FROM ledger_lines WHERE epoch_id < $1 AND account = $2", [epochId, account])) {
      out.set(str(r.denom), (out.get(str(r.denom)) ?? 0n) + big(r.amount));
    }
    return out;
  }

  async balances(prefix: string, ex?: SqlExecutor): Promise<{ account: string; denom: string; amount: bigint; lastEpoch: number }[]> {
    const rows = await (ex ?? this.db).query<Row>("SELECT account, denom, amount, last_epoch FROM reward_balances WHERE account LIKE $1 ORDER BY account, denom", [`${prefix}%`]);
    return rows.map((r) => ({ account: str(r.account), denom: str(r.denom), amount: big(r.amount), lastEpoch: num(r.last_epoch) }));
  }

  async ownerCreditsBetween(denom: string, afterEpoch: number, upToEpoch: number, ex?: SqlExecutor): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    if (upToEpoch <= afterEpoch) return out;
    const rows = await (ex ?? this.db).query<Row>(
      "SELECT account, amount FROM ledger_lines WHERE denom = $1 AND kind IN ('usage_credit', 'availability_credit') AND epoch_id > $2 AND epoch_id <= $3",
      [denom, afterEpoch, upToEpoch],
    );
    for (const r of rows) out.set(str(r.account), (out.get(str(r.account)) ?? 0n) + big(r.amount));
    return out;
  }

  async deviceTotals(of: { owner: string } | { deviceId: string }): Promise<DeviceTotals[]> {
    // A device's totals sit in the balance rows of the owners it earned for (usually one; more after it changed hands).
    const owners = "owner" in of ? [of.owner] : (await this.db.query<Row>("SELECT DISTINCT account FROM ledger_lines WHERE device = $1", [of.deviceId])).map((r) => ownerOfAccount(str(r.account)));
    const out = new Map<string, DeviceTotals>();
    for (const owner of owners) {
      for (const r of await this.db.query<Row>("SELECT denom, credits FROM reward_balances WHERE account = $1 AND credits IS NOT NULL", [ownerAccount(owner)])) {
        for (const [deviceId, t] of decodeCredits(str(r.credits))) {
          if ("deviceId" in of && deviceId !== of.deviceId) continue;
          let d = out.get(`${owner}\u0000${deviceId}`);
          if (!d) out.set(`${owner}\u0000${deviceId}`, (d = { owner, deviceId, denoms: new Map() }));
          d.denoms.set(str(r.denom), t);
        }
      }
    }
    return [...out.values()];
  }

  async ownerEpochTotals(owner: string, limit: number): Promise<OwnerEpochTotals[]> {
    const rows = await this.db.query<Row>("SELECT owner, epoch_id, totals FROM reward_owner_epochs WHERE owner = $1 ORDER BY epoch_id DESC LIMIT $2", [owner, limit]);
    return rows.map((r) => ({ owner: str(r.owner), epochId: num(r.epoch_id), denoms: decodeEpochCredits(str(r.totals)) }));
  }

  async insertBatch(b: NewBatch): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row>(
        "INSERT INTO payout_batches (denom, from_address, through_epoch, status, created_at, created_by, total, skipped, txs) VALUES ($1, $2, $3, 'built', $4, $5, $6, $7, $8) RETURNING id",
        [b.denom, b.fromAddress, b.throughEpoch, b.createdAt, b.createdBy, b.total.toString(), b.skipped, b.txs],
      );
      const id = num(rows[0]!.id);
      await tx.insertMany("payout_items", ["batch_id", "owner", "address", "amount"], b.items.map((i) => [id, i.owner, i.address, i.amount.toString()]), "error");
      return id;
    });
  }

  private async itemsOf(ids: number[]): Promise<Map<number, StoredBatch["items"]>> {
    const out = new Map<number, StoredBatch["items"]>();
    for (const id of ids) out.set(id, []);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await this.db.query<Row>(`SELECT batch_id, owner, address, amount FROM payout_items WHERE batch_id IN (${chunk.map((_, k) => `$${k + 1}`).join(", ")}) ORDER BY batch_id, owner`, chunk);
      for (const r of rows) out.get(num(r.batch_id))!.push({ owner: str(r.owner), address: str(r.address), amount: big(r.amount) });
    }
    return out;
  }

  private async withItems(rows: Row[]): Promise<StoredBatch[]> {
    const items = await this.itemsOf(rows.map((r) => num(r.id)));
    return rows.map((r) => toBatch(r, items.get(num(r.id)) ?? []));
  }

  async batch(id: number): Promise<StoredBatch | null> {
    return (await this.withItems(await this.db.query<Row>("SELECT * FROM payout_batches WHERE id = $1", [id])))[0] ?? null;
  }

  async batches(limit: number): Promise<StoredBatch[]> {
    return this.withItems(await this.db.query<Row>("SELECT * FROM payout_batches ORDER BY id DESC LIMIT $1", [limit]));
  }

  async builtBatch(denom: string): Promise<StoredBatch | null> {
    return (await this.withItems(await this.db.query<Row>("SELECT * FROM payout_batches WHERE denom = $1 AND status = 'built'", [denom])))[0] ?? null;
  }

  async cancelBatch(id: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { changes } = await tx.run("DELETE FROM payout_batches WHERE id = $1 AND status = 'built'", [id]);
      if (changes !== 1) return false;
      await tx.run("DELETE FROM payout_items WHERE batch_id = $1", [id]);
      return true;
    });
  }

  async markPaid(id: number, txHashes: string[], paidAt: number, entry: LedgerEntry): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { changes } = await tx.run("UPDATE payout_batches SET status = 'paid', paid_at = $1, tx_hashes = $2 WHERE id = $3 AND status = 'built'", [paidAt, JSON.stringify(txHashes), id]);
      if (changes !== 1) return false;
      await tx.insertMany("ledger_lines", LINE_COLUMNS, lineRows([entry]), "error");
      const [batch] = await tx.query<Row>("SELECT denom, through_epoch FROM payout_batches WHERE id = $1", [id]);
      const owners = await tx.query<Row>("SELECT owner FROM payout_items WHERE batch_id = $1", [id]);
      const throughEpoch = num(batch!.through_epoch);
      await applyBalances(tx, [entry], throughEpoch, { owners: new Set(owners.map((o) => str(o.owner))), denom: str(batch!.denom), throughEpoch });
      return true;
    });
  }

  async itemsOfOwner(owner: string): Promise<{ batch: StoredBatch; amount: bigint; address: string }[]> {
    const rows = await this.db.query<Row>("SELECT batch_id, address, amount FROM payout_items WHERE owner = $1 ORDER BY batch_id DESC", [owner]);
    if (rows.length === 0) return [];
    const ids = rows.map((r) => num(r.batch_id));
    const batches = new Map<number, StoredBatch>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const bs = await this.db.query<Row>(`SELECT * FROM payout_batches WHERE id IN (${chunk.map((_, k) => `$${k + 1}`).join(", ")})`, chunk);
      for (const b of bs) batches.set(num(b.id), toBatch(b, []));
    }
    return rows.map((r) => ({ batch: batches.get(num(r.batch_id))!, amount: big(r.amount), address: str(r.address) }));
  }

  async openPodIntervals(endedSince: number): Promise<PodIntervalRow[]> {
    return (await this.db.query<Row>("SELECT * FROM reward_pod_intervals WHERE end_at >= $1", [endedSince])).map(toPodRow);
  }

  async openNodeIntervals(endedSince: number): Promise<NodeReadyRow[]> {
    return (await this.db.query<Row>("SELECT * FROM reward_node_ready WHERE end_at >= $1", [endedSince])).map(toNodeRow);
  }

  async writeObservations(w: ObservationWrite): Promise<{ podIds: number[]; nodeIds: number[] }> {
    return this.db.transaction(async (tx) => {
      const podIds: number[] = [];
      for (const p of w.createPods) {
        const rows = await tx.query<Row>(
          "INSERT INTO reward_pod_intervals (namespace, pod, node, cpu_milli, memory_bytes, gpus, start_at, end_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          [p.namespace, p.pod, p.node, p.cpuMilli, p.memoryBytes, p.gpus, p.startAt, p.endAt],
        );
        podIds.push(num(rows[0]!.id));
      }
      for (const e of w.extendPods) await tx.run("UPDATE reward_pod_intervals SET end_at = $1 WHERE id = $2", [e.endAt, e.id]);
      const nodeIds: number[] = [];
      for (const n of w.createNodes) {
        const rows = await tx.query<Row>("INSERT INTO reward_node_ready (node, start_at, end_at) VALUES ($1, $2, $3) RETURNING id", [n.node, n.startAt, n.endAt]);
        nodeIds.push(num(rows[0]!.id));
      }
      for (const e of w.extendNodes) await tx.run("UPDATE reward_node_ready SET end_at = $1 WHERE id = $2", [e.endAt, e.id]);
      return { podIds, nodeIds };
    });
  }

  async podIntervals(fromMs: number, toMs: number): Promise<PodIntervalRow[]> {
    return (await this.db.query<Row>("SELECT * FROM reward_pod_intervals WHERE end_at > $1 AND start_at < $2 ORDER BY id", [fromMs, toMs])).map(toPodRow);
  }

  async nodeIntervals(fromMs: number, toMs: number): Promise<NodeReadyRow[]> {
    return (await this.db.query<Row>("SELECT * FROM reward_node_ready WHERE end_at > $1 AND start_at < $2 ORDER BY id", [fromMs, toMs])).map(toNodeRow);
  }
}

function byEntryThenLine(a: StoredLine, b: StoredLine): number {
  const ea = a.epochId ?? Number.MAX_SAFE_INTEGER;
  const eb = b.epochId ?? Number.MAX_SAFE_INTEGER;
  if (ea !== eb) return ea - eb;
  if ((a.batchId ?? 0) !== (b.batchId ?? 0)) return (a.batchId ?? 0) - (b.batchId ?? 0);
  const sa = Number(a.entryId.split("/").pop());
  const sb = Number(b.entryId.split("/").pop());
  return sa - sb || a.line - b.line;
}

function toPodRow(r: Row): PodIntervalRow {
  return { id: num(r.id), namespace: str(r.namespace), pod: str(r.pod), node: str(r.node), cpuMilli: num(r.cpu_milli), memoryBytes: num(r.memory_bytes), gpus: num(r.gpus), startAt: num(r.start_at), endAt: num(r.end_at) };
}

function toNodeRow(r: Row): NodeReadyRow {
  return { id: num(r.id), node: str(r.node), startAt: num(r.start_at), endAt: num(r.end_at) };
}
