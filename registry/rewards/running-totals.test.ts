import { expect, test } from "bun:test";
import { describeEachEngine } from "../../tests/support/engines.ts";
import type { SqlDriver } from "../store/sql-driver.ts";
import { parseMicro } from "./fixed-point.ts";
import { leaseNamespace } from "./lease-id.ts";
import { ownerAccount } from "./ledger.ts";
import { DEFAULT_REWARD_POLICY, type RewardPolicy } from "./policy.ts";
import type { Interval, PodInterval } from "./ports.ts";
import { RewardsService } from "./service.ts";
import { SqlRewardsRepo } from "./sql-rewards-repo.ts";
import { epochRows, totalsOf, type PaidThrough } from "./statement.ts";
import { device, lease, leaseId, seededRandom } from "./testing/facts.ts";
import { FixedChain, StaticCluster, StaticDevices, StaticUptime, testServiceOptions } from "./testing/fakes.ts";

// The owner's and the device's summaries come from running totals that closes and payouts keep beside the
// ledger. Whatever happens — epochs closed one by one or several at once, closed again from a second
// registry, recomputed, paid while a later epoch closed, a device changing hands — each summary must equal
// what the ledger's own lines add up to.

const T0 = Date.UTC(2026, 8, 1);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const OWNERS = ["akash1owneralpha", "akash1ownerbravo", "akash1ownercharlie", "akash1ownerdelta"] as const;
const POLICY: RewardPolicy = { ...DEFAULT_REWARD_POLICY, minimumPayout: { uakt: "2000", uact: "1" } };
const MOVED = "ah-moved";

const random = seededRandom(7);

// Ten devices: the delta owner's one never comes online; MOVED changes hands from bravo to charlie after epoch 2.
const DEVICE_IDS = Array.from({ length: 9 }, (_, i) => `ah-dev${i}`).concat(MOVED);
const ownerOf = (id: string, epoch: number) => (id === MOVED ? (epoch <= 2 ? OWNERS[1] : OWNERS[2]) : id === "ah-dev8" ? OWNERS[3] : OWNERS[Number(id.slice(-1)) % 3]!);

function uptime(): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  for (const id of DEVICE_IDS) {
    if (id === "ah-dev8") continue;
    const list: Interval[] = [];
    for (let d = 0; d < 6; d++) {
      const r = random();
      const start = T0 + d * DAY;
      if (r < 0.6) list.push({ startMs: start, endMs: start + DAY });
      else if (r < 0.9) list.push({ startMs: start + Math.floor(random() * 12) * HOUR, endMs: start + DAY - Math.floor(random() * 6) * HOUR });
    }
    out.set(id, list);
  }
  return out;
}

const LEASES = [lease(leaseId("akash1tenant", 1), "12.75", 900_000n), lease(leaseId("akash1tenant", 2), "0.4321", 900_000n, { denom: "uact" }), lease(leaseId("akash1tenant", 3), "3.1", 950_000n)];

function pods(): PodInterval[] {
  const out: PodInterval[] = [];
  for (const [i, l] of LEASES.entries()) {
    for (let d = 0; d < 6; d++) {
      const node = DEVICE_IDS[Math.floor(random() * 8)]!;
      const start = T0 + d * DAY + Math.floor(random() * 6) * HOUR;
      out.push({ namespace: leaseNamespace(l.id), pod: `p${i}-${d}`, node, startMs: start, endMs: start + 12 * HOUR, cpuMilli: 1000 * (i + 1), memoryBytes: 2 ** 30, gpus: 0 });
    }
  }
  return out;
}

interface World {
  service: RewardsService;
  repo: SqlRewardsRepo;
  devices: StaticDevices;
  clock: { now: number };
}

function world(db: SqlDriver, shared?: Pick<World, "devices" | "clock"> & { online: Map<string, Interval[]>; cluster: StaticCluster }): World & { online: Map<string, Interval[]>; cluster: StaticCluster } {
  const repo = new SqlRewardsRepo(db);
  const clock = shared?.clock ?? { now: T0 };
  const chain = new FixedChain(T0 - DAY, 1_000_000n, 6000, () => clock.now);
  chain.leases = LEASES;
  const devices = shared?.devices ?? new StaticDevices(DEVICE_IDS.map((id) => device(id, { owner: ownerOf(id, 1), gpus: id.endsWith("3") ? 1 : 0 })));
  const online = shared?.online ?? uptime();
  const cluster = shared?.cluster ?? new StaticCluster(pods(), online);
  const service = new RewardsService(testServiceOptions({ repo, chain, cluster, uptime: new StaticUptime(online), devices, policy: POLICY, firstEpochStartsAt: T0, now: () => clock.now }));
  return { service, repo, devices, clock, online, cluster };
}

/** paidThrough reads the recorded payouts the way a reader of the ledger would: the batches and their items. */
async function paidThrough(repo: SqlRewardsRepo): Promise<PaidThrough> {
  const map = new Map<string, number>();
  for (const b of await repo.batches(1000)) {
    if (b.status !== "paid") continue;
    for (const i of b.items) map.set(`${i.owner} ${b.denom}`, Math.max(map.get(`${i.owner} ${b.denom}`) ?? 0, b.throughEpoch));
  }
  return (owner, denom) => map.get(`${owner} ${denom}`) ?? 0;
}

/** expectTotalsMatchLedger compares every owner's and device's summary with sums of the ledger's lines. */
async function expectTotalsMatchLedger(w: World): Promise<{ settled: bigint; pending: bigint }> {
  const paid = await paidThrough(w.repo);
  const epochs = new Map((await w.repo.epochs(1000)).map((e) => [e.id, e]));
  let settled = 0n;
  let pending = 0n;
  for (const owner of OWNERS) {
    const lines = await w.repo.linesOfAccount(ownerAccount(owner), null, null);
    const summary = await w.service.ownerEarnings(owner);
    expect(summary.totals).toEqual(totalsOf(lines, paid));
    const perDevice = [...new Set(lines.map((l) => l.device).filter((d): d is string => d !== null))].sort();
    expect(summary.devices).toEqual(perDevice.map((deviceId) => ({ deviceId, totals: totalsOf(lines.filter((l) => l.device === deviceId), paid) })));
    expect(summary.epochs).toEqual(epochRows(lines, epochs, new Map(), paid, POLICY.denoms[0]!).slice(0, 90));
    for (const t of summary.totals) {
      settled += parseMicro(t.settled);
      pending += parseMicro(t.pending);
    }
  }
  for (const id of DEVICE_IDS) {
    const lines = await w.repo.linesOfDevice(id, null, null);
    const view = await w.service.deviceEarnings(id, ownerOf(id, 99));
    expect(view.totals).toEqual(totalsOf(lines, paid));
  }
  return { settled, pending };
}

describeEachEngine("running totals", (db) => {
  let w: ReturnType<typeof world>;

  test("after epochs close, one by one or several at once, the summaries equal the ledger's sums", async () => {
    w = world(db());
    await w.service.start();
    w.clock.now = T0 + DAY + HOUR;
    await w.service.closeDueEpochs();
    const first = await expectTotalsMatchLedger(w);
    expect(first.pending).toBeGreaterThan(0n);
    w.clock.now = T0 + 2 * DAY + HOUR;
    await w.service.closeDueEpochs();
    expect((await expectTotalsMatchLedger(w)).pending).toBeGreaterThan(first.pending);
  });

  test("closing the same epochs again, from this registry and a second one at once, and recomputing them change nothing", async () => {
    const before = await w.service.ownerEarnings(OWNERS[0]);
    const second = world(db(), w);
    await Promise.all([w.service.closeEpoch(1), second.service.closeEpoch(2), second.service.closeDueEpochs(), w.service.closeEpoch(2)]);
    for (const id of [1, 2]) expect((await w.service.verifyEpoch(id)).matches).toBe(true);
    expect(await w.service.ownerEarnings(OWNERS[0])).toEqual(before);
    await expectTotalsMatchLedger(w);
  });

  test("a payout recorded while a later epoch closed settles exactly the credits through its epoch", async () => {
    const batch = await w.service.buildPayout("uakt", "operator");
    expect(batch.throughEpoch).toBe(2);
    // The device changes hands; epoch 3 closes while the batch waits to be signed.
    w.devices.list = w.devices.list.map((d) => (d.deviceId === MOVED ? { ...d, owner: ownerOf(MOVED, 3) } : d));
    w.clock.now = T0 + 3 * DAY + HOUR;
    await w.service.closeDueEpochs();
    await w.service.recordPayout(batch.batchId, ["A".repeat(64)], "operator");
    const after = await expectTotalsMatchLedger(w);
    expect(after.settled).toBe(parseMicro(batch.total));
    expect(after.pending).toBeGreaterThan(0n);
    // The paid owners' devices are settled through epoch 2 only: epoch 3's credits are pending.
    const paidOwner = batch.items[0]!.owner;
    const rows = (await w.service.ownerEarnings(paidOwner)).epochs.filter((r) => r.denom === "uakt");
    expect(rows.filter((r) => r.epochId <= 2).every((r) => r.settled)).toBe(true);
    expect(rows.find((r) => r.epochId === 3)!.settled).toBe(false);
  });

  test("payouts in another denomination, and more epochs and payouts after them, keep the summaries equal to the ledger", async () => {
    const uact = await w.service.buildPayout("uact", "operator");
    await w.service.recordPayout(uact.batchId, uact.txs.map((_, i) => String(i + 1).repeat(64)), "operator");
    await expectTotalsMatchLedger(w);
    w.clock.now = T0 + 5 * DAY + HOUR;
    await w.service.closeDueEpochs();
    const uakt = await w.service.buildPayout("uakt", "operator");
    expect(uakt.throughEpoch).toBe(5);
    await w.service.recordPayout(uakt.batchId, uakt.txs.map((_, i) => String(i + 5).repeat(64)), "operator");
    const end = await expectTotalsMatchLedger(w);
    expect(end.settled).toBeGreaterThan(0n);
    // The device that changed hands shows its earnings for each owner in that owner's summary.
    const bravo = await w.service.ownerEarnings(OWNERS[1]);
    const charlie = await w.service.ownerEarnings(OWNERS[2]);
    expect(bravo.devices.map((d) => d.deviceId)).toContain(MOVED);
    expect(charlie.devices.map((d) => d.deviceId)).toContain(MOVED);
  });
});
