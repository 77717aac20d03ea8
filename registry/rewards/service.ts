import type {
  DeviceEarnings,
  EarningsPolicyView,
  EarningsStatement,
  EpochDenomSummary,
  EpochSummary,
  OwnerEarnings,
  PayoutBatch,
  PayoutView,
  UnsignedPayoutTx,
} from "../../protocol/index.ts";
import { PublicError } from "../public-error.ts";
import { leaseBlocksInEpoch, type LeaseUsage } from "./attribution.ts";
import type { DeviceAvailability } from "./availability.ts";
import { bookEpoch } from "./epoch-books.ts";
import { computeEpoch } from "./epoch-computation.ts";
import { FINE_PER_MICRO, formatMicro, parseMicro } from "./fixed-point.ts";
import { leaseNamespace, type LeaseId } from "./lease-id.ts";
import { CARRY_ACCOUNT, ownerAccount, payoutAccount, payoutEntryId, line, type LedgerEntry } from "./ledger.ts";
import { buildPayoutTxs, type PayoutTxSettings } from "./payout-tx.ts";
import { canonicalPolicy, explainPolicy, type RewardPolicy } from "./policy.ts";
import type { BlockClock, ClusterSnapshot, DeviceFactsSource, LeaseSource, NodeReadySource, PlacementSource, UptimeSource } from "./ports.ts";
import type { ClosedEpoch, EpochDeviceRow, RewardsRepo, StoredBatch, StoredEpoch, StoredLine } from "./repo.ts";
import type { DeviceTotals } from "./running-totals.ts";
import { epochRows, epochRowsView, lineView, ownerOfLine, statementCsv, totalsOf, totalsView, type CreditSum, type PaidThrough } from "./statement.ts";

// The rewards domain's service: closes epochs (attribution, availability, the books) once they have ended
// and the chain has passed their end, serves statements, and builds and records payouts. Everything that
// decides an amount is in the pure modules it calls; this file gathers facts, stores results, and refuses
// what cannot be done with a message that says what to do.

/** TxVerifier tells whether the chain has a transaction and whether it succeeded. */
export interface TxVerifier {
  tx(hash: string): Promise<{ found: false } | { found: true; code: number; rawLog: string }>;
}

/** ClusterObserver records what the cluster watcher saw (implemented by ClusterRecorder). */
export interface ClusterObserver {
  record(snapshot: ClusterSnapshot): Promise<void>;
}

export interface RewardsServiceOptions {
  repo: RewardsRepo;
  policy: RewardPolicy;
  payout: PayoutTxSettings;
  /** The provider wallet: whose leases are paid out and where payouts are sent from; null until configured. */
  provider: string | null;
  leases: LeaseSource | null;
  clock: BlockClock | null;
  placement: PlacementSource;
  ready: NodeReadySource;
  uptime: UptimeSource;
  devices: DeviceFactsSource;
  /** Where owners want to be paid, for the owners asked about (missing: the owner address). */
  payoutAddresses: (owners: readonly string[]) => Promise<Map<string, string>>;
  txVerifier?: TxVerifier | null;
  observer?: ClusterObserver | null;
  /** When the first epoch starts; aligned to whole epochs since 1970 when absent. */
  firstEpochStartsAt?: number | null;
  now?: () => number;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

const HOUR = 3_600_000;
/** How many epochs the agent page's rows and the portal's chart show. */
const RECENT_DEVICE_EPOCHS = 30;
const RECENT_OWNER_EPOCHS = 90;
const iso = (ms: number) => new Date(ms).toISOString();

/** leaseIdFromKey splits owner/dseq/gseq/oseq/provider (addresses contain no slash). */
function leaseIdFromKey(key: string): LeaseId {
  const [owner, dseq, gseq, oseq, provider] = key.split("/");
  return { owner: owner!, dseq: dseq!, gseq: Number(gseq), oseq: Number(oseq), provider: provider! };
}

export class RewardsService {
  private readonly o: RewardsServiceOptions;
  private readonly now: () => number;
  private closing: Promise<unknown> = Promise.resolve();
  private readonly policies = new Map<number, RewardPolicy>();

  constructor(o: RewardsServiceOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
  }

  private log(event: string, fields?: Record<string, unknown>): void {
    this.o.log?.(event, fields);
  }

  /**
   * start records the configured policy version. A version already stored with different rules stops the
   * registry: statements explain each epoch by its version, so a version's rules must never change.
   */
  async start(): Promise<void> {
    const stored = await this.o.repo.policy(this.o.policy.version);
    if (stored && canonicalPolicy(stored) !== canonicalPolicy(this.o.policy)) {
      throw new Error(
        `rewards.policy version ${this.o.policy.version} is already in use with different rules; give the changed policy a new version (rewards.policy.version: ${this.o.policy.version + 1}) so earlier epochs keep theirs`,
      );
    }
    if (!stored) await this.o.repo.savePolicy(this.o.policy, this.now());
    for (const p of await this.o.repo.policies()) this.policies.set(p.version, p);
  }

  private async policyOf(version: number | null): Promise<RewardPolicy | null> {
    if (version === null) return null;
    let p = this.policies.get(version);
    if (!p) {
      p = (await this.o.repo.policy(version)) ?? undefined;
      if (p) this.policies.set(version, p);
    }
    return p ?? null;
  }

  policyView(): EarningsPolicyView {
    const history = [...this.policies.values()].sort((a, b) => b.version - a.version).map((p) => ({ version: p.version, lines: explainPolicy(p) }));
    return { current: { version: this.o.policy.version, lines: explainPolicy(this.o.policy) }, history };
  }

  // ---- Epochs ----

  /** ensureEpochs creates epoch rows up to the one containing now. */
  async ensureEpochs(now = this.now()): Promise<StoredEpoch[]> {
    const len = this.o.policy.epochHours * HOUR;
    let last = await this.o.repo.lastEpoch();
    if (!last) {
      const start = this.o.firstEpochStartsAt ?? Math.floor(now / len) * len;
      await this.o.repo.insertEpoch({ id: 1, startsAt: start, endsAt: start + len });
      last = (await this.o.repo.lastEpoch())!;
    }
    while (last.endsAt <= now) {
      await this.o.repo.insertEpoch({ id: last.id + 1, startsAt: last.endsAt, endsAt: last.endsAt + len });
      last = (await this.o.repo.epoch(last.id + 1))!;
    }
    return this.o.repo.epochs(50);
  }

  /** closeDueEpochs closes, in order, every epoch that has ended; it stops at the first that cannot close yet. */
  async closeDueEpochs(now = this.now()): Promise<EpochSummary[]> {
    await this.ensureEpochs(now);
    const open = (await this.o.repo.epochs(10_000)).filter((e) => e.status === "open" && e.endsAt <= now).sort((a, b) => a.id - b.id);
    const out: EpochSummary[] = [];
    for (const e of open) out.push(await this.closeEpoch(e.id, now));
    return out;
  }

  /** closeEpoch closes one ended epoch; closing a closed epoch returns what was written then, unchanged. */
  closeEpoch(epochId: number, now = this.now()): Promise<EpochSummary> {
    const run = this.closing.then(() => this.closeOne(epochId, now));
    this.closing = run.catch(() => {});
    return run;
  }

  private async closeOne(epochId: number, now: number): Promise<EpochSummary> {
    const epoch = await this.o.repo.epoch(epochId);
    if (!epoch) throw new PublicError(404, "epoch_unknown", `there is no epoch ${epochId}`, "list the epochs with GET /api/v1/admin/epochs");
    if (epoch.status === "closed") return this.summaryOf(epoch);
    if (epoch.endsAt > now) throw new PublicError(409, "epoch_not_ended", `epoch ${epochId} ends at ${iso(epoch.endsAt)}`, "close it after it has ended");
    const previous = epochId > 1 ? await this.o.repo.epoch(epochId - 1) : null;
    if (previous && previous.status !== "closed") throw new PublicError(409, "epoch_order", `epoch ${epochId - 1} is still open`, "close epochs in order: close the earlier one first (or omit epochId to close every ended epoch)");
    if (!this.o.provider || !this.o.leases || !this.o.clock) {
      throw new PublicError(409, "rewards_not_configured", "rewards cannot close epochs: the provider address or the chain endpoint is not configured", "set rewards.provider and rewards.chain.restUrl in the registry config");
    }
    const latest = await this.o.clock.latest();
    if (latest.timeMs < epoch.endsAt) {
      throw new PublicError(409, "chain_behind", `the chain's latest block (${latest.height} at ${iso(latest.timeMs)}) is older than the end of epoch ${epochId}`, "try again once the chain has passed the epoch's end (a block comes about every 6 seconds)");
    }
    const policy = this.o.policy;
    const startHeight = previous?.endHeight ?? (await this.o.clock.firstHeightAtOrAfter(epoch.startsAt));
    const endHeight = await this.o.clock.firstHeightAtOrAfter(epoch.endsAt);
    const window = { startMs: epoch.startsAt, endMs: epoch.endsAt, startHeight, endHeight };
    const t0 = performance.now();
    const [leases, pods, ready, online, devices, carry] = await Promise.all([
      this.o.leases.leasesOfProvider(this.o.provider),
      this.o.placement.podIntervals(epoch.startsAt, epoch.endsAt),
      this.o.ready.readyIntervals(epoch.startsAt, epoch.endsAt),
      this.o.uptime.onlineIntervals(epoch.startsAt, epoch.endsAt),
      this.o.devices.devices(),
      this.o.repo.balances(CARRY_ACCOUNT),
    ]);
    const carryIn = new Map(carry.filter((b) => b.account === CARRY_ACCOUNT).map((b) => [b.denom, b.amount]));
    const t1 = performance.now();
    const books = bookEpoch({ epochId, window, policy, leases, pods, devices, online, ready, carryIn });
    const t2 = performance.now();
    const ownerOf = new Map(devices.map((d) => [d.deviceId, d.owner]));
    const summary = this.summaryFrom(epoch, policy.version, startHeight, endHeight, now, books.usage.length, books.computation);
    const closed: ClosedEpoch = {
      epochId,
      policyVersion: policy.version,
      startHeight,
      endHeight,
      closedAt: now,
      summary: JSON.stringify(summary),
      leases: books.usage.map((u) => ({ leaseKey: u.key, denom: u.lease.denom, state: u.lease.state, price: u.lease.pricePerBlock, createdHeight: u.lease.createdAt, closedHeight: u.lease.closedOn })),
      usage: books.usage.flatMap((u) => [
        ...u.devices.map((d) => ({ leaseKey: u.key, node: d.node, owner: ownerOf.get(d.node) ?? "", weight: d.weight, podMs: d.podMs, pods: d.pods })),
        ...(u.otherWeight > 0n ? [{ leaseKey: u.key, node: "*", owner: "", weight: u.otherWeight, podMs: 0, pods: 0 }] : []),
      ]),
      devices: books.availability,
      entries: books.computation.entries,
    };
    const wrote = await this.o.repo.closeEpoch(closed);
    if (!wrote) return this.summaryOf((await this.o.repo.epoch(epochId))!);
    const t3 = performance.now();
    this.log("epoch_closed", {
      epoch: epochId,
      policy: policy.version,
      leases: books.usage.length,
      devicesCredited: books.computation.devicesCredited,
      lines: books.computation.entries.reduce((a, e) => a + e.lines.length, 0),
      readMs: Math.round(t1 - t0),
      computeMs: Math.round(t2 - t1),
      writeMs: Math.round(t3 - t2),
    });
    return summary;
  }

  private summaryFrom(epoch: StoredEpoch, policyVersion: number, startHeight: bigint, endHeight: bigint, closedAt: number, leases: number, c: ReturnType<typeof computeEpoch>): EpochSummary {
    const denoms: EpochDenomSummary[] = c.denoms.map((t) => ({
      denom: t.denom,
      revenue: formatMicro(t.revenue),
      carryIn: formatMicro(t.carryIn),
      fee: formatMicro(t.fee),
      usage: formatMicro(t.usageGross),
      availability: formatMicro(t.availabilityGross),
      ownerCredits: formatMicro(t.credits),
      carryOut: formatMicro(t.carryOut),
      availabilitySharePercent: c.availabilityShareBps / 100,
      utilizationPercent: c.utilizationBps / 100,
    }));
    return {
      epochId: epoch.id,
      startsAt: iso(epoch.startsAt),
      endsAt: iso(epoch.endsAt),
      status: "closed",
      policyVersion,
      startHeight: startHeight.toString(),
      endHeight: endHeight.toString(),
      closedAt: iso(closedAt),
      leases,
      devicesCredited: c.devicesCredited,
      denoms,
    };
  }

  private summaryOf(e: StoredEpoch): EpochSummary {
    if (e.summary) return JSON.parse(e.summary) as EpochSummary;
    return { epochId: e.id, startsAt: iso(e.startsAt), endsAt: iso(e.endsAt), status: e.status, policyVersion: e.policyVersion, startHeight: null, endHeight: null, closedAt: null, leases: 0, devicesCredited: 0, denoms: [] };
  }

  async epochs(limit = 60): Promise<EpochSummary[]> {
    return (await this.o.repo.epochs(limit)).map((e) => this.summaryOf(e));
  }

  /**
   * verifyEpoch recomputes a closed epoch from what its close recorded (lease prices and heights, each
   * lease's work per node, each device's verdict, the balances before it) and compares the result with
   * its ledger lines, line for line.
   */
  async verifyEpoch(epochId: number): Promise<{ epochId: number; matches: boolean; lines: number; difference: string | null }> {
    const e = await this.o.repo.epoch(epochId);
    if (!e || e.status !== "closed") throw new PublicError(409, "epoch_not_closed", `epoch ${epochId} is not closed`, "close it first");
    const policy = await this.policyOf(e.policyVersion);
    if (!policy) throw new Error(`policy version ${e.policyVersion} of epoch ${epochId} is not stored`);
    const window = { startMs: e.startsAt, endMs: e.endsAt, startHeight: e.endHeight !== null ? e.startHeight! : 0n, endHeight: e.endHeight ?? 0n };
    const [leaseRows, usageRows, deviceRows, carryIn, stored] = await Promise.all([
      this.o.repo.epochLeases(epochId),
      this.o.repo.epochUsage(epochId),
      this.o.repo.epochDevices(epochId),
      this.o.repo.balanceBefore(epochId, CARRY_ACCOUNT),
      this.o.repo.linesOfEpoch(epochId),
    ]);
    const usage: LeaseUsage[] = leaseRows.map((r) => {
      const id = leaseIdFromKey(r.leaseKey);
      const lease = { id, state: r.state, denom: r.denom, pricePerBlock: r.price, createdAt: r.createdHeight, closedOn: r.closedHeight };
      const blocks = leaseBlocksInEpoch(lease, window.startHeight, window.endHeight);
      const rows = usageRows.filter((u) => u.leaseKey === r.leaseKey);
      return {
        lease,
        key: r.leaseKey,
        namespace: leaseNamespace(id),
        blocks,
        revenue: parseMicro(r.price) * blocks,
        devices: rows.filter((u) => u.node !== "*").map((u) => ({ node: u.node, weight: u.weight, podMs: u.podMs, pods: u.pods })),
        otherWeight: rows.find((u) => u.node === "*")?.weight ?? 0n,
      };
    });
    const availability: DeviceAvailability[] = deviceRows.map((d) => ({ ...d }));
    const ownerOf = new Map<string, string>([...deviceRows.map((d) => [d.deviceId, d.owner] as const), ...usageRows.filter((u) => u.node !== "*").map((u) => [u.node, u.owner] as const)]);
    const c = computeEpoch({ epochId, window, policy, leases: usage, availability, ownerOf, carryIn });
    const recomputed = c.entries.flatMap((en) => en.lines.map((l, i) => lineKey(en.id, i + 1, l.account, l.denom, l.amount, l.kind, l.gross, l.fee, l.device)));
    const have = stored.map((l) => lineKey(l.entryId, l.line, l.account, l.denom, l.amount, l.kind, l.gross, l.fee, l.device));
    let difference: string | null = null;
    for (let i = 0; i < Math.max(recomputed.length, have.length); i++) {
      if (recomputed[i] !== have[i]) {
        difference = `line ${i + 1}: stored ${have[i] ?? "(none)"}, recomputed ${recomputed[i] ?? "(none)"}`;
        break;
      }
    }
    return { epochId, matches: difference === null, lines: have.length, difference };
  }

  // ---- Cluster observations ----

  async observeCluster(snapshot: ClusterSnapshot): Promise<void> {
    if (!this.o.observer) throw new Error("no cluster observer configured");
    await this.o.observer.record(snapshot);
  }

  // ---- Statements ----

  private async paidThroughFor(owners: readonly string[]): Promise<PaidThrough> {
    const items = [];
    for (const owner of new Set(owners)) for (const item of await this.o.repo.itemsOfOwner(owner)) items.push({ owner, ...item });
    return paidThroughOf(items);
  }

  private async epochMap(): Promise<Map<number, StoredEpoch>> {
    return new Map((await this.o.repo.epochs(100_000)).map((e) => [e.id, e]));
  }

  /** nextEpochEnd is when the next epoch to close ends (ms), null while rewards cannot close epochs. */
  async nextEpochEnd(): Promise<number | null> {
    const last = await this.o.repo.lastEpoch();
    if (!last || !this.o.provider) return null;
    return last.status === "open" ? last.endsAt : last.endsAt + this.o.policy.epochHours * HOUR;
  }

  private async nextCloseAt(): Promise<string | null> {
    const end = await this.nextEpochEnd();
    return end === null ? null : iso(end);
  }

  private async views(lines: readonly StoredLine[], epochs: ReadonlyMap<number, StoredEpoch>) {
    const out = [];
    for (const l of lines) out.push(lineView(l, await this.policyOf(l.epochId === null ? null : (epochs.get(l.epochId)?.policyVersion ?? null))));
    return out;
  }

  private async usedPolicies(epochs: Iterable<StoredEpoch>) {
    const versions = new Set<number>();
    for (const e of epochs) if (e.policyVersion !== null) versions.add(e.policyVersion);
    const out = [];
    for (const v of [...versions].sort((a, b) => a - b)) {
      const p = await this.policyOf(v);
      if (p) out.push({ version: v, lines: explainPolicy(p) });
    }
    return out;
  }

  /** deviceEarnings is the agent page's and the portal's view of one device: its running totals and its recent epochs. */
  async deviceEarnings(deviceId: string, owner: string): Promise<DeviceEarnings> {
    const totals = await this.o.repo.deviceTotals({ deviceId });
    const verdicts = new Map((await this.o.repo.deviceVerdicts(deviceId, RECENT_DEVICE_EPOCHS)).map((v) => [v.epochId, v as EpochDeviceRow]));
    // The rows shown are the recent epochs': read only their lines (a device has a verdict in every epoch it existed in).
    const from = verdicts.size < RECENT_DEVICE_EPOCHS ? null : Math.min(...verdicts.keys());
    const lines = await this.o.repo.linesOfDevice(deviceId, from, null);
    const paid = await this.paidThroughFor([owner, ...totals.map((t) => t.owner)]);
    return {
      deviceId,
      owner,
      totals: totalsView(totals.flatMap(creditSums)),
      epochs: epochRows(lines, await this.epochMap(), verdicts, paid, this.o.policy.denoms[0]!).slice(0, RECENT_DEVICE_EPOCHS),
      nextCloseAt: await this.nextCloseAt(),
    };
  }

  /** deviceStatement is every line of a device's account in epochs [from, to], explained. */
  async deviceStatement(deviceId: string, owner: string, fromEpoch: number | null, toEpoch: number | null, o: { ownerOnly?: boolean } = {}): Promise<EarningsStatement> {
    // ownerOnly keeps what the device earned for this owner: a device that changed hands also has its earlier owners' lines.
    const lines = (await this.o.repo.linesOfDevice(deviceId, fromEpoch, toEpoch)).filter((l) => !o.ownerOnly || l.account === ownerAccount(owner));
    const paid = await this.paidThroughFor([owner, ...lines.map(ownerOfLine)]);
    const verdicts = new Map((await this.o.repo.deviceVerdicts(deviceId, 100_000)).filter((v) => (fromEpoch === null || v.epochId >= fromEpoch) && (toEpoch === null || v.epochId <= toEpoch)).map((v) => [v.epochId, v as EpochDeviceRow]));
    return this.statement({ kind: "device", id: deviceId }, fromEpoch, toEpoch, lines, paid, verdicts);
  }

  /** statement explains lines: their totals, their rows per epoch, each line's sentence, and the policies of their epochs. */
  private async statement(subject: EarningsStatement["subject"], fromEpoch: number | null, toEpoch: number | null, lines: StoredLine[], paid: PaidThrough, verdicts: ReadonlyMap<number, EpochDeviceRow>): Promise<EarningsStatement> {
    const epochs = await this.epochMap();
    const used = [...new Set(lines.map((l) => l.epochId).filter((x): x is number => x !== null))].map((id) => epochs.get(id)!).filter(Boolean);
    return {
      subject,
      fromEpoch,
      toEpoch,
      totals: totalsOf(lines, paid),
      epochs: epochRows(lines, epochs, verdicts, paid, this.o.policy.denoms[0]!),
      lines: await this.views(lines, epochs),
      policies: await this.usedPolicies(used),
    };
  }

  /** ownerEarnings is the owner portal's summary, from the running totals the closes and payouts keep. */
  async ownerEarnings(owner: string): Promise<OwnerEarnings> {
    const [totals, epochTotals, items, epochs] = await Promise.all([this.o.repo.deviceTotals({ owner }), this.o.repo.ownerEpochTotals(owner, RECENT_OWNER_EPOCHS), this.o.repo.itemsOfOwner(owner), this.epochMap()]);
    const paid = paidThroughOf(items.map((i) => ({ owner, ...i })));
    const devices = totals.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0)).map((t) => ({ deviceId: t.deviceId, totals: totalsView(creditSums(t)) }));
    const rows = epochTotals.flatMap((e) => [...e.denoms].map(([denom, c]) => ({ epochId: e.epochId, denom, ...c, settled: e.epochId <= paid(owner, denom) })));
    const payouts: PayoutView[] = items.map((i) => ({
      batchId: i.batch.id,
      denom: i.batch.denom,
      amount: i.amount.toString(),
      address: i.address,
      throughEpoch: i.batch.throughEpoch,
      status: i.batch.status,
      txHash: i.batch.txHashes[0] ?? null,
      paidAt: i.batch.paidAt === null ? null : iso(i.batch.paidAt),
    }));
    return {
      owner,
      totals: totalsView(totals.flatMap(creditSums)),
      devices,
      epochs: epochRowsView(rows, epochs, new Map(), this.o.policy.denoms[0]!).slice(0, RECENT_OWNER_EPOCHS),
      payouts,
      minimumPayout: this.o.policy.denoms.map((d) => ({ denom: d, amount: this.o.policy.minimumPayout[d] ?? "1" })),
      nextCloseAt: await this.nextCloseAt(),
    };
  }

  /** ownerStatement is every line behind an owner's number: the devices' credits to the owner, and the payouts. */
  async ownerStatement(owner: string, fromEpoch: number | null, toEpoch: number | null): Promise<EarningsStatement> {
    const own = await this.o.repo.linesOfAccount(ownerAccount(owner), fromEpoch, toEpoch);
    return this.statement({ kind: "owner", id: owner }, fromEpoch, toEpoch, own, await this.paidThroughFor([owner]), new Map());
  }

  statementCsv(statement: EarningsStatement): string {
    return statementCsv(statement.lines);
  }

  // ---- Payouts ----

  private batchView(b: StoredBatch): PayoutBatch {
    const txs = JSON.parse(b.txs) as UnsignedPayoutTx[];
    return {
      batchId: b.id,
      denom: b.denom,
      fromAddress: b.fromAddress,
      throughEpoch: b.throughEpoch,
      status: b.status,
      createdAt: iso(b.createdAt),
      total: formatMicro(b.total * FINE_PER_MICRO),
      items: b.items.map((i) => ({ owner: i.owner, address: i.address, amount: i.amount.toString() })),
      skipped: JSON.parse(b.skipped),
      txs,
      txHashes: b.txHashes,
      paidAt: b.paidAt === null ? null : iso(b.paidAt),
    };
  }

  async payouts(limit = 50): Promise<PayoutBatch[]> {
    return (await this.o.repo.batches(limit)).map((b) => this.batchView(b));
  }

  /** buildPayout makes a batch of every owner balance in denom that reaches the minimum payout. */
  async buildPayout(denom: string, actor: string): Promise<PayoutBatch> {
    const known = new Set([...this.policies.values()].flatMap((p) => p.denoms).concat(this.o.policy.denoms));
    if (!known.has(denom)) throw new PublicError(400, "denom_unknown", `${denom} is not a denomination of the reward policy`, `use one of ${[...known].join(", ")}`);
    if (!this.o.provider) throw new PublicError(409, "rewards_not_configured", "no provider wallet is configured to pay from", "set rewards.provider in the registry config");
    const built = await this.o.repo.builtBatch(denom);
    if (built) throw new PublicError(409, "payout_waiting", `payout batch ${built.id} in ${denom} is built and not recorded yet`, `sign and broadcast it, then record its transaction hashes (POST /api/v1/admin/payouts/${built.id}/record), or cancel it (DELETE /api/v1/admin/payouts/${built.id})`);
    const closed = (await this.o.repo.epochs(100_000)).filter((e) => e.status === "closed").sort((a, b) => b.id - a.id)[0];
    if (!closed) throw new PublicError(409, "no_closed_epoch", "no epoch is closed yet, so nothing is owed", "close an epoch first");
    const through = closed.id;
    // Balances as of `through`: take out credits of epochs closed after it (by a close running meanwhile).
    const balances = (await this.o.repo.balances("owner/")).filter((b) => b.denom === denom);
    const newest = balances.reduce((m, b) => Math.max(m, b.lastEpoch), through);
    const later = await this.o.repo.ownerCreditsBetween(denom, through, newest);
    const minimum = BigInt(this.o.policy.minimumPayout[denom] ?? "1");
    const owed: { owner: string; amount: bigint }[] = [];
    const skipped: { owner: string; amount: string; reason: string }[] = [];
    for (const b of balances) {
      const fine = b.amount - (later.get(b.account) ?? 0n);
      if (fine <= 0n) continue;
      const micro = fine / FINE_PER_MICRO;
      const owner = b.account.slice("owner/".length);
      if (micro < minimum) skipped.push({ owner, amount: micro.toString(), reason: `below the minimum payout of ${minimum} ${denom}; it waits for the next payout` });
      else owed.push({ owner, amount: micro });
    }
    const addresses = await this.o.payoutAddresses(owed.map((x) => x.owner));
    const items = owed.map((x) => ({ owner: x.owner, address: addresses.get(x.owner) ?? x.owner, amount: x.amount }));
    const total = items.reduce((a, i) => a + i.amount, 0n);
    const txs = buildPayoutTxs(this.o.provider, denom, items, this.o.payout, `${this.o.payout.memo} through epoch ${through}`).map((t) => ({ ...t, total: t.total.toString() }));
    if (items.length === 0) throw new PublicError(409, "nothing_to_pay", `no owner is owed at least the minimum payout of ${minimum} ${denom}`, `${skipped.length} owner(s) have smaller balances; they are paid once they reach it`);
    const id = await this.o.repo.insertBatch({ denom, fromAddress: this.o.provider, throughEpoch: through, createdAt: this.now(), createdBy: actor, total, skipped: JSON.stringify(skipped), txs: JSON.stringify(txs), items });
    this.log("payout_built", { batch: id, denom, owners: items.length, total: total.toString(), actor });
    return this.batchView((await this.o.repo.batch(id))!);
  }

  async cancelPayout(id: number): Promise<void> {
    if (!(await this.o.repo.cancelBatch(id))) throw new PublicError(409, "payout_not_built", `payout batch ${id} is not waiting to be sent`, "only a built batch that has not been recorded can be cancelled");
  }

  /** recordPayout records the broadcast transactions' hashes; the batch's owners are paid from then. */
  async recordPayout(id: number, txHashes: string[], actor: string): Promise<PayoutBatch> {
    const b = await this.o.repo.batch(id);
    if (!b) throw new PublicError(404, "payout_unknown", `there is no payout batch ${id}`, "list the batches with GET /api/v1/admin/payouts");
    if (b.status === "paid") {
      if (JSON.stringify(b.txHashes) === JSON.stringify(txHashes)) return this.batchView(b);
      throw new PublicError(409, "payout_recorded", `payout batch ${id} is already recorded as paid by ${b.txHashes.join(", ")}`, "nothing to do");
    }
    const txCount = (JSON.parse(b.txs) as unknown[]).length;
    if (txHashes.length !== txCount) throw new PublicError(400, "payout_hashes", `payout batch ${id} has ${txCount} transaction(s) but ${txHashes.length} hash(es) were given`, "give one hash per transaction, in the batch's order");
    if (this.o.txVerifier) {
      for (const h of txHashes) {
        const r = await this.o.txVerifier.tx(h);
        if (!r.found) throw new PublicError(409, "tx_not_found", `transaction ${h} is not on chain`, "wait until it is in a block, then record it again");
        if (r.code !== 0) throw new PublicError(409, "tx_failed", `transaction ${h} failed on chain: ${r.rawLog || `code ${r.code}`}`, "fix the cause (often the provider wallet's balance), build a new batch and send it");
      }
    }
    const entry: LedgerEntry = {
      id: payoutEntryId(id),
      epochId: null,
      batchId: id,
      lines: [
        ...b.items.map((i) => line(ownerAccount(i.owner), b.denom, -i.amount * FINE_PER_MICRO, "payout", { ref: i.address, detail: { txHashes: txHashes.join(" ") } })),
        line(payoutAccount(id), b.denom, b.total * FINE_PER_MICRO, "payout", { detail: { txHashes: txHashes.join(" ") } }),
      ],
    };
    const ok = await this.o.repo.markPaid(id, txHashes, this.now(), entry);
    if (!ok) return this.recordPayout(id, txHashes, actor);
    this.log("payout_recorded", { batch: id, txHashes, actor });
    return this.batchView((await this.o.repo.batch(id))!);
  }
}

/** creditSums lists a device's running totals per denomination. */
const creditSums = (t: DeviceTotals): CreditSum[] => [...t.denoms].map(([denom, c]) => ({ denom, ...c }));

/** paidThroughOf says, per owner and denomination, the last epoch a recorded payout to the owner covered. */
function paidThroughOf(items: readonly { owner: string; batch: StoredBatch }[]): PaidThrough {
  const map = new Map<string, number>();
  for (const { owner, batch } of items) {
    if (batch.status !== "paid") continue;
    const k = `${owner}\u0000${batch.denom}`;
    map.set(k, Math.max(map.get(k) ?? 0, batch.throughEpoch));
  }
  return (owner, denom) => map.get(`${owner}\u0000${denom}`) ?? 0;
}

function lineKey(entry: string, n: number, account: string, denom: string, amount: bigint, kind: string, gross: bigint | null, fee: bigint | null, device: string | null): string {
  return `${entry}#${n} ${account} ${denom} ${amount} ${kind} ${gross ?? "-"} ${fee ?? "-"} ${device ?? "-"}`;
}
