import { expect, test } from "bun:test";
import { describeEachEngine } from "../../tests/support/engines.ts";
import type { SqlDriver } from "../store/sql-driver.ts";
import { ClusterRecorder } from "./cluster-recorder.ts";
import { FINE_PER_MICRO, formatMicro, parseMicro } from "./fixed-point.ts";
import { leaseNamespace } from "./lease-id.ts";
import { DEFAULT_REWARD_POLICY, type RewardPolicy } from "./policy.ts";
import type { ClusterSnapshot, Interval } from "./ports.ts";
import { RewardsService, type TxVerifier } from "./service.ts";
import { SqlRewardsRepo } from "./sql-rewards-repo.ts";
import { device, lease, leaseId } from "./testing/facts.ts";
import { FixedChain, StaticDevices, StaticUptime, testServiceOptions } from "./testing/fakes.ts";

const T0 = Date.UTC(2026, 8, 1);
const DAY = 86_400_000;
const MIN = 60_000;
const ALICE = "akash1q0e6fl8z2fsfw454mg4c6rseqs0z4d0dcuq5e8";
const BOB = "akash1kcu4mfs2lfqjc8kcm5zdcjn7l0pm5mwnazxrpu";
const CAROL = "akash1szns0tmacalwzg50jyn3sreevjp4ukltnxfx09";
const HASH_A = "9F2B7C1D3E4A5B6C7D8E9F00112233445566778899AABBCCDDEEFF0011223344";
const HASH_FAILED = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";
const POLICY: RewardPolicy = { ...DEFAULT_REWARD_POLICY, minimumPayout: { ...DEFAULT_REWARD_POLICY.minimumPayout, uakt: "50000" } };

const L1 = lease(leaseId("akash1tenant", 500), "10.5", 900_000n);
const L2 = lease(leaseId("akash1tenant", 501), "0.333333", 900_000n, { denom: "uact" });

interface World {
  service: RewardsService;
  repo: SqlRewardsRepo;
  recorder: ClusterRecorder;
  chain: FixedChain;
  clock: { now: number };
  txs: Map<string, { found: false } | { found: true; code: number; rawLog: string }>;
}

function world(db: SqlDriver, policy = POLICY): World {
  const repo = new SqlRewardsRepo(db);
  const clock = { now: T0 };
  const chain = new FixedChain(T0 - DAY, 1_000_000n - 14_400n, 6000, () => clock.now);
  chain.leases = [L1, L2];
  const recorder = new ClusterRecorder(repo, 15 * MIN);
  const uptime = new StaticUptime(
    new Map<string, Interval[]>([
      ["ah-alice1", [{ startMs: T0 - DAY, endMs: T0 + 3 * DAY }]],
      ["ah-alice2", [{ startMs: T0 - DAY, endMs: T0 + 3 * DAY }]],
      ["ah-bob1", [{ startMs: T0, endMs: T0 + DAY / 2 }]],
      ["ah-carol1", [{ startMs: T0, endMs: T0 + 3 * DAY }]],
    ]),
  );
  const devices = new StaticDevices([
    device("ah-alice1", { owner: ALICE }),
    device("ah-alice2", { owner: ALICE, gpus: 1 }),
    device("ah-bob1", { owner: BOB }),
    device("ah-carol1", { owner: CAROL, benchmarked: false }),
  ]);
  const txs = new Map<string, { found: false } | { found: true; code: number; rawLog: string }>();
  const txVerifier: TxVerifier = { tx: async (h) => txs.get(h) ?? { found: false } };
  const service = new RewardsService(
    testServiceOptions({
      repo,
      chain,
      cluster: recorder,
      uptime,
      devices,
      policy,
      payoutAddresses: async (owners) => new Map(owners.filter((o) => o === BOB).map((o) => [o, "akash18jytd388yyx3cc77jx3dhlxphjvkgj0kasywzg"])),
      txVerifier,
      observer: recorder,
      firstEpochStartsAt: T0,
      now: () => clock.now,
    }),
  );
  return { service, repo, recorder, chain, clock, txs };
}

/** feed sends the cluster watcher's snapshots every 10 minutes over [from, to): every node Ready, L1's pods running. */
async function feed(w: World, from: number, to: number): Promise<void> {
  const ns = leaseNamespace(L1.id);
  for (let t = from; t < to; t += 10 * MIN) {
    const s: ClusterSnapshot = {
      at: t,
      nodes: ["ah-alice1", "ah-alice2", "ah-bob1", "ah-carol1", "ingress-1"].map((name) => ({ name, ready: true, schedulable: true })),
      pods: [
        { namespace: ns, name: "web-0", node: "ah-alice1", phase: "Running", cpuMilli: 2000, memoryBytes: 4 * 2 ** 30, gpus: 0, startedAt: T0 },
        ...(t < T0 + DAY / 2 ? [{ namespace: ns, name: "gpu-0", node: "ah-alice2", phase: "Running", cpuMilli: 1000, memoryBytes: 2 ** 30, gpus: 1, startedAt: T0 }] : []),
        { namespace: "kube-system", name: "coredns", node: "ah-bob1", phase: "Running", cpuMilli: 100, memoryBytes: 2 ** 26, gpus: 0, startedAt: T0 },
      ],
    };
    await w.service.observeCluster(s);
  }
}

describeEachEngine("rewards service", (db) => {
  let w: World;

  test("an epoch cannot close before it ends; once the chain has passed its end it closes and the books balance", async () => {
    w = world(db());
    await w.service.start();
    await w.service.ensureEpochs(T0 + 1000);
    await expect(w.service.closeEpoch(1, T0 + DAY - 1)).rejects.toThrow(/epoch 1 ends at 2026-09-02T00:00:00.000Z/);
    await feed(w, T0, T0 + DAY + 10 * MIN);
    w.clock.now = T0 + DAY - 1;
    await expect(w.service.closeEpoch(1, T0 + DAY)).rejects.toThrow(/latest block .* is older than the end of epoch 1/);
    w.clock.now = T0 + DAY + 5 * MIN;
    const s = await w.service.closeEpoch(1);
    expect(s.status).toBe("closed");
    expect(s.startHeight).toBe("1000000");
    expect(s.endHeight).toBe("1014400");
    const uakt = s.denoms.find((d) => d.denom === "uakt")!;
    // 14 400 blocks × 10.5 uakt.
    expect(uakt.revenue).toBe("151200");
    expect(parseMicro(uakt.fee) + parseMicro(uakt.ownerCredits) + parseMicro(uakt.carryOut)).toBe(parseMicro(uakt.revenue) + parseMicro(uakt.carryIn));
    // L2's pods were never seen: all of its revenue went to the availability pool, none to usage.
    const uact = s.denoms.find((d) => d.denom === "uact")!;
    expect(uact.usage).toBe("0");
    expect(parseMicro(uact.fee) + parseMicro(uact.ownerCredits) + parseMicro(uact.carryOut)).toBe(parseMicro(uact.revenue));
  });

  test("closing again, from another service on the same store, changes nothing", async () => {
    const before = await w.repo.linesOfEpoch(1);
    const again = await Promise.all([w.service.closeEpoch(1), world(db()).service.closeEpoch(1)]);
    expect(again[0]).toEqual(again[1]);
    expect((await w.repo.linesOfEpoch(1)).length).toBe(before.length);
  });

  test("recomputing the epoch from what its close recorded gives the same lines; a tampered line is found", async () => {
    const v = await w.service.verifyEpoch(1);
    expect(v).toMatchObject({ matches: true, difference: null });
    expect(v.lines).toBeGreaterThan(10);
    const [line] = (await w.repo.linesOfEpoch(1)).filter((l) => l.kind === "availability_credit");
    await db().run("UPDATE ledger_lines SET amount = $1 WHERE entry_id = $2 AND line = $3", [(line!.amount + 1n).toString(), line!.entryId, line!.line]);
    const tampered = await w.service.verifyEpoch(1);
    expect(tampered.matches).toBe(false);
    expect(tampered.difference).toContain(line!.entryId);
    await db().run("UPDATE ledger_lines SET amount = $1 WHERE entry_id = $2 AND line = $3", [line!.amount.toString(), line!.entryId, line!.line]);
  });

  test("each device's statement explains its lines; net is whole micro-units = pending + settled; the owner's totals are its devices' sums", async () => {
    const a1 = await w.service.deviceEarnings("ah-alice1", ALICE);
    const a2 = await w.service.deviceEarnings("ah-alice2", ALICE);
    const owner = await w.service.ownerEarnings(ALICE);
    for (const t of [...a1.totals, ...a2.totals, ...owner.totals]) {
      // Net is gross less the fee, less what rounding each line down to whole micro-units left (under two each).
      const rounding = parseMicro(t.gross) - parseMicro(t.fee) - parseMicro(t.net);
      expect(rounding >= 0n && rounding < 2n * FINE_PER_MICRO * 4n).toBe(true);
      expect(parseMicro(t.net) % FINE_PER_MICRO).toBe(0n);
      expect(parseMicro(t.pending) + parseMicro(t.settled)).toBe(parseMicro(t.net));
      expect(t.settled).toBe("0");
    }
    const uakt = (list: typeof a1.totals) => parseMicro(list.find((t) => t.denom === "uakt")!.net);
    expect(uakt(owner.totals)).toBe(uakt(a1.totals) + uakt(a2.totals));
    // The GPU pod outweighs the web pod although it ran half the day: alice2 earned more usage than alice1.
    const usage = (e: typeof a1) => parseMicro(e.epochs.find((r) => r.denom === "uakt")!.usage);
    expect(usage(a2)).toBeGreaterThan(usage(a1));
    const statement = await w.service.deviceStatement("ah-alice2", ALICE, null, null);
    expect(statement.policies.map((p) => p.version)).toEqual([POLICY.version]);
    const usageLine = statement.lines.find((l) => l.kind === "usage_credit")!;
    // The GPU pod was last seen in the snapshot at 11:50; time counts up to the last sighting.
    expect(usageLine.explanation).toMatch(/^Ran 1 pod of lease akash1tenant\/500\/1\/1\/.* for 11 h 50 min of pod time: [\d.]+ % of the lease's requested resources × time, .* gross [\d.]+ uakt, fee \d+ uakt \(10 %\), net \d+ uakt \(the [\d.]+ uakt below whole micro-units goes to the next epoch's pool\)\.$/);
    // The unbenchmarked device gets no availability share and is told why, in the agent page's view.
    const carol = await w.service.deviceEarnings("ah-carol1", CAROL);
    expect(carol.totals).toEqual([]);
    expect(carol.epochs[0]!.verdict!.reason).toContain("no benchmark on record: run the benchmark");
    expect(carol.nextCloseAt).toBe("2026-09-03T00:00:00.000Z");
  });

  test("the owner's statement carries every line behind the number, and exports as CSV", async () => {
    const st = await w.service.ownerStatement(ALICE, null, null);
    // Alice's two devices: usage of the lease by each, and an availability share each, in two denominations.
    const credits = st.lines.filter((l) => l.account === `owner/${ALICE}` && (l.kind === "usage_credit" || l.kind === "availability_credit"));
    expect(new Set(credits.map((l) => l.device))).toEqual(new Set(["ah-alice1", "ah-alice2"]));
    expect(credits.filter((l) => l.kind === "usage_credit")).toHaveLength(2);
    const csv = w.service.statementCsv(st);
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe("epoch,entry,line,account,device,kind,denom,gross,fee,amount,explanation");
    expect(rows).toHaveLength(st.lines.length + 1);
    expect(rows.some((r) => r.startsWith("1,epoch/1/") && r.includes(",ah-alice2,usage_credit,uakt,"))).toBe(true);
    // One device's statement, as the owner exports it: only that device's lines to this owner.
    const one = w.service.statementCsv(await w.service.deviceStatement("ah-alice1", ALICE, null, null, { ownerOnly: true })).trimEnd().split("\r\n");
    expect(one.length - 1).toBe(st.lines.filter((l) => l.device === "ah-alice1").length);
    expect(one.slice(1).every((r) => r.includes(`,owner/${ALICE},ah-alice1,`))).toBe(true);
  });

  test("a payout batch pays owners at or above the minimum in one MultiSend; smaller balances wait", async () => {
    const batch = await w.service.buildPayout("uakt", ALICE);
    const alice = batch.items.find((i) => i.owner === ALICE)!;
    const ownerLine = (await w.repo.balances(`owner/${ALICE}`)).find((b) => b.denom === "uakt")!;
    expect(BigInt(alice.amount) * FINE_PER_MICRO).toBe(ownerLine.amount);
    expect(batch.skipped.map((s) => s.owner)).toEqual([BOB]);
    expect(batch.skipped[0]!.reason).toContain("below the minimum payout of 50000 uakt");
    expect(batch.txs).toHaveLength(1);
    expect(batch.total).toBe(alice.amount);
    await expect(w.service.buildPayout("uakt", ALICE)).rejects.toThrow(`payout batch ${batch.batchId} in uakt is built and not recorded yet`);
    await expect(w.service.buildPayout("ufoo", ALICE)).rejects.toThrow("ufoo is not a denomination of the reward policy");
  });

  test("a payout is paid only once its transaction is on chain and succeeded; then the statements say settled", async () => {
    const [batch] = await w.service.payouts();
    await expect(w.service.recordPayout(batch!.batchId, [HASH_A, HASH_A], ALICE)).rejects.toThrow("has 1 transaction(s) but 2 hash(es)");
    await expect(w.service.recordPayout(batch!.batchId, [HASH_A], ALICE)).rejects.toThrow(`transaction ${HASH_A} is not on chain`);
    w.txs.set(HASH_FAILED, { found: true, code: 5, rawLog: "insufficient funds" });
    await expect(w.service.recordPayout(batch!.batchId, [HASH_FAILED], ALICE)).rejects.toThrow("failed on chain: insufficient funds");
    w.txs.set(HASH_A, { found: true, code: 0, rawLog: "" });
    const paid = await w.service.recordPayout(batch!.batchId, [HASH_A], ALICE);
    expect(paid.status).toBe("paid");
    expect(await w.service.recordPayout(batch!.batchId, [HASH_A], ALICE)).toEqual(paid);
    const owner = await w.service.ownerEarnings(ALICE);
    const t = owner.totals.find((x) => x.denom === "uakt")!;
    expect(t.settled).toBe(paid.total);
    expect(t.pending).toBe("0");
    expect(owner.payouts).toEqual([expect.objectContaining({ batchId: paid.batchId, status: "paid", txHash: HASH_A, amount: paid.total })]);
    expect((await w.repo.balances(`owner/${ALICE}`)).find((b) => b.denom === "uakt")!.amount).toBe(0n);
    const lines = (await w.service.ownerStatement(ALICE, null, null)).lines.filter((l) => l.kind === "payout");
    expect(lines[0]!.explanation).toContain(`in payout batch ${paid.batchId} (transaction ${HASH_A})`);
  });

  test("the next epochs close in order; carry flows into the next pool; Bob is paid once his balance reaches the minimum", async () => {
    await feed(w, T0 + DAY + 10 * MIN, T0 + 3 * DAY);
    w.clock.now = T0 + 3 * DAY + MIN;
    const closed = await w.service.closeDueEpochs();
    expect(closed.map((s) => s.epochId)).toEqual([2, 3]);
    const e1 = (await w.service.epochs()).find((e) => e.epochId === 1)!;
    const e2 = closed[0]!;
    for (const d of e2.denoms) expect(d.carryIn).toBe(e1.denoms.find((x) => x.denom === d.denom)?.carryOut ?? "0");
    expect(closed[0]!.startHeight).toBe(e1.endHeight);
    // Bob was offline for epochs 2 and 3: no new availability, so still below the minimum.
    const bob = await w.service.deviceEarnings("ah-bob1", BOB);
    expect(bob.epochs.filter((r) => r.epochId > 1).every((r) => r.verdict?.reason.startsWith("Not available this epoch"))).toBe(true);
    const batch = await w.service.buildPayout("uakt", ALICE);
    expect(batch.items.map((i) => i.owner)).toEqual([ALICE]);
    expect(batch.throughEpoch).toBe(3);
    await w.service.cancelPayout(batch.batchId);
    expect((await w.service.payouts()).map((b) => b.batchId)).not.toContain(batch.batchId);
  });

  test("the cluster recorder keeps intervals across a restart and ignores pods outside lease namespaces", async () => {
    const rows = await w.repo.podIntervals(T0, T0 + 3 * DAY);
    expect(new Set(rows.map((r) => r.namespace))).toEqual(new Set([leaseNamespace(L1.id)]));
    const web = rows.filter((r) => r.pod === "web-0");
    expect(web).toHaveLength(1);
    expect(web[0]!.startAt).toBe(T0);
    const restarted = new ClusterRecorder(w.repo, 15 * MIN);
    const at = T0 + 3 * DAY + 5 * MIN;
    await restarted.record({ at, nodes: [{ name: "ah-alice1", ready: true, schedulable: false }], pods: [{ namespace: leaseNamespace(L1.id), name: "web-0", node: "ah-alice1", phase: "Running", cpuMilli: 2000, memoryBytes: 4 * 2 ** 30, gpus: 0, startedAt: T0 }] });
    const after = (await w.repo.podIntervals(T0, at + 1)).filter((r) => r.pod === "web-0");
    expect(after.map((r) => [r.startAt, r.endAt])).toEqual([[T0, at]]);
    // Cordoned: the node's Ready interval is not extended.
    const ready = await restarted.readyIntervals(T0 + 2 * DAY, at + 1);
    expect(Math.max(...ready.get("ah-alice1")!.map((i) => i.endMs))).toBeLessThan(at);
  });

  test("changing a policy without raising its version stops the service from starting", async () => {
    const changed = world(db(), { ...POLICY, feeBps: 1500 });
    await expect(changed.service.start()).rejects.toThrow(`rewards.policy version ${POLICY.version} is already in use with different rules`);
    const raised = world(db(), { ...POLICY, version: POLICY.version + 1, feeBps: 1500 });
    await raised.service.start();
    expect(raised.service.policyView().history.map((h) => h.version)).toEqual([POLICY.version + 1, POLICY.version]);
    expect(formatMicro(0n)).toBe("0");
  });
});
