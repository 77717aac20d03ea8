import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { bookEpoch, type EpochFacts } from "./epoch-books.ts";
import { FINE_PER_MICRO, formatMicro, parseMicro } from "./fixed-point.ts";
import { leaseNamespace } from "./lease-id.ts";
import { unbalancedEntries, type LedgerEntry } from "./ledger.ts";
import { AXELAR_USDC_DENOM, DEFAULT_REWARD_POLICY, type RewardPolicy } from "./policy.ts";
import type { DeviceFacts, Interval, LeaseRecord, PodInterval } from "./ports.ts";
import { device, lease, leaseId } from "./testing/facts.ts";

const T0 = Date.UTC(2026, 8, 1);
const DAY = 86_400_000;
const WINDOW = { startMs: T0, endMs: T0 + DAY, startHeight: 1000n, endHeight: 15_000n };
const WHOLE: Interval[] = [{ startMs: T0, endMs: T0 + DAY }];
const POLICY: RewardPolicy = { ...DEFAULT_REWARD_POLICY };

function facts(over: Partial<EpochFacts>): EpochFacts {
  return { epochId: 1, window: WINDOW, policy: POLICY, leases: [], pods: [], devices: [], online: new Map(), ready: new Map(), carryIn: new Map(), ...over };
}

/** credits sums, per device, the net credited to its owner by usage and availability lines (fine units). */
function credits(entries: readonly LedgerEntry[], denom: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const e of entries) for (const l of e.lines) if (l.denom === denom && (l.kind === "usage_credit" || l.kind === "availability_credit")) out.set(l.device!, (out.get(l.device!) ?? 0n) + l.amount);
  return out;
}

function kindSum(entries: readonly LedgerEntry[], denom: string, kind: string, where: (l: LedgerEntry["lines"][number]) => boolean = () => true): bigint {
  let s = 0n;
  for (const e of entries) for (const l of e.lines) if (l.denom === denom && l.kind === kind && where(l)) s += l.amount;
  return s;
}

describe("an epoch worked by hand", () => {
  // One lease at 10 uakt per block for the whole epoch (14 000 blocks = 140 000 uakt). Its one pod (2 CPU,
  // 4 GiB) ran on device A all day. A and B were up all day, C was offline, D never ran its benchmark.
  // Capacity: 3 verified devices × (16 CPU × 160 + 32 GiB × 80) = 15 360 points; the pod uses
  // 2 × 160 + 4 × 80 = 640 → utilization 1/24, so the availability share is 30 % − 25 % × 1/24 = 28.958 %.
  const A = device("ah-a", { owner: "akash1alice" });
  const B = device("ah-b", { owner: "akash1bob" });
  const C = device("ah-c", { owner: "akash1bob" });
  const D = device("ah-d", { owner: "akash1bob", benchmarked: false });
  const L = lease(leaseId("akash1tenant", 42), "10", 0n);
  const pod: PodInterval = { namespace: leaseNamespace(L.id), pod: "web-0", node: "ah-a", startMs: T0 - 1000, endMs: T0 + 2 * DAY, cpuMilli: 2000, memoryBytes: 4 * 2 ** 30, gpus: 0 };
  const up = new Map([["ah-a", WHOLE], ["ah-b", WHOLE], ["ah-d", WHOLE]]);
  const books = bookEpoch(facts({ leases: [L], pods: [pod], devices: [A, B, C, D], online: up, ready: up }));
  const c = books.computation;
  const t = c.denoms[0]!;

  test("revenue is price × blocks, and every entry balances", () => {
    expect(formatMicro(t.revenue)).toBe("140000");
    expect(unbalancedEntries(c.entries)).toEqual([]);
    expect(c.utilizationBps).toBe(416);
    expect(c.availabilityShareBps).toBe(2895);
  });

  test("A gets the lease's usage share and half the availability pool; B the other half; fee is 10 % of each", () => {
    // Availability part ⌊140 000 × 0.2895833…⌋ = 40 541.666…; the usage part is the rest, 99 458.333…
    // A's usage: fee ⌊9 945.833…⌋ = 9 945, net ⌊89 512.5⌋ = 89 512. Each availability half 20 270.833…:
    // fee 2 027, net ⌊18 243.75⌋ = 18 243.
    const device = (id: string) => (l: LedgerEntry["lines"][number]) => l.device === id;
    expect(formatMicro(kindSum(c.entries, "uakt", "usage_credit", device("ah-a")))).toBe("89512");
    expect(formatMicro(kindSum(c.entries, "uakt", "availability_credit", device("ah-a")))).toBe("18243");
    expect(formatMicro(kindSum(c.entries, "uakt", "availability_credit", device("ah-b")))).toBe("18243");
    expect(formatMicro(t.fee)).toBe("13999");
  });

  test("credits go to the owners in whole micro-units; what rounding leaves carries over to the next pool", () => {
    const owner = (a: string) => (l: LedgerEntry["lines"][number]) => l.account === `owner/${a}`;
    expect(formatMicro(kindSum(c.entries, "uakt", "usage_credit", owner("akash1alice")) + kindSum(c.entries, "uakt", "availability_credit", owner("akash1alice")))).toBe("107755");
    expect(formatMicro(kindSum(c.entries, "uakt", "availability_credit", owner("akash1bob")))).toBe("18243");
    // 1.333… from A's usage share and 0.833… from each availability share.
    expect(formatMicro(t.carryOut)).toBe("3");
    expect(t.credits + t.fee + t.carryOut).toBe(t.revenue);
  });

  test("the offline device and the unverified one get nothing, and their verdicts say why", () => {
    const got = credits(c.entries, "uakt");
    expect(got.has("ah-c")).toBe(false);
    expect(got.has("ah-d")).toBe(false);
    const verdict = new Map(books.availability.map((a) => [a.deviceId, a]));
    expect(verdict.get("ah-c")!.reason).toContain("offline");
    expect(verdict.get("ah-d")!.reason).toContain("no benchmark on record");
    expect(verdict.get("ah-a")!.reason).toContain("Available 24 h 0 min with 5120 capacity points");
  });
});

describe("attribution rules", () => {
  const L = lease(leaseId("akash1tenant", 7), "1", 0n);
  const ns = leaseNamespace(L.id);
  const podOn = (node: string, over: Partial<PodInterval> = {}): PodInterval => ({ namespace: ns, pod: `p-${node}`, node, startMs: T0, endMs: T0 + DAY, cpuMilli: 1000, memoryBytes: 0, gpus: 0, ...over });

  test("a lease's usage splits by requested resources × time: a GPU pod outweighs a CPU pod", () => {
    const devices = [device("ah-gpu", { gpus: 1 }), device("ah-cpu")];
    const books = bookEpoch(facts({ leases: [L], devices, pods: [podOn("ah-gpu", { gpus: 1 }), podOn("ah-cpu", { endMs: T0 + DAY / 2 })] }));
    const lines = books.computation.entries.flatMap((e) => e.lines).filter((l) => l.kind === "usage_credit");
    const gross = new Map(lines.map((l) => [l.device, l.gross!]));
    // 1 CPU + 1 GPU for 24 h against 1 CPU for 12 h: (160 + 10 000) × 2 : 160 × 1.
    const ratio = Number((gross.get("ah-gpu")! * 1000n) / gross.get("ah-cpu")!) / 1000;
    expect(ratio).toBeCloseTo((10_160 * 2) / 160, 1);
  });

  test("pods of another namespace, on a node that is no device, or on a banned device earn no usage credit", () => {
    const devices = [device("ah-ok"), device("ah-banned", { state: "banned" })];
    const pods = [podOn("ah-ok"), podOn("ingress-1"), podOn("ah-banned"), { ...podOn("ah-ok"), namespace: "default", pod: "x" }];
    const books = bookEpoch(facts({ leases: [L], devices, pods }));
    const usage = books.computation.entries.flatMap((e) => e.lines).filter((l) => l.kind === "usage_credit");
    expect(usage.map((l) => l.device)).toEqual(["ah-ok"]);
    // ah-ok did a third of the work: a third of the usage part, the rest joins the availability pool.
    const lease = books.usage[0]!;
    expect(lease.devices).toHaveLength(1);
    expect(lease.otherWeight).toBe(lease.devices[0]!.weight * 2n);
  });

  test("a lease closed mid-epoch earns only its open blocks; one created after the epoch earns nothing", () => {
    const closed = lease(leaseId("akash1t", 8), "2", 500n, { closedOn: 3000n });
    const later = lease(leaseId("akash1t", 9), "2", 15_000n);
    const books = bookEpoch(facts({ leases: [closed, later] }));
    expect(books.usage.map((u) => [u.key, u.blocks])).toEqual([[`akash1t/8/1/1/${closed.id.provider}`, 2000n]]);
    expect(formatMicro(books.computation.denoms[0]!.revenue)).toBe("4000");
  });

  test("a reinstall continues its predecessor's record: time counts once, credited to the new device", () => {
    const old = device("ah-old", { state: "removed" });
    const fresh = device("ah-new", { predecessorId: "ah-old" });
    const other = device("ah-other");
    const half = (from: number): Interval[] => [{ startMs: T0 + from, endMs: T0 + from + DAY / 2 }];
    // The old key was up the first half, the new one overlaps it by a quarter and runs to the end.
    const online = new Map([["ah-old", half(0)], ["ah-new", half(DAY / 4)], ["ah-other", WHOLE]]);
    const ready = new Map([["ah-old", WHOLE], ["ah-new", WHOLE], ["ah-other", WHOLE]]);
    const books = bookEpoch(facts({ leases: [L], devices: [old, fresh, other], online, ready }));
    const v = new Map(books.availability.map((a) => [a.deviceId, a]));
    expect(v.has("ah-old")).toBe(false);
    expect(v.get("ah-new")!.availableMs).toBe((DAY * 3) / 4);
  });
});

// ---- Properties over random leases, placements and availability ----

const DENOMS = ["uakt", "uact", AXELAR_USDC_DENOM];
const OWNERS = ["akash1alice", "akash1bob", "akash1carol"];

interface Scenario extends EpochFacts {
  /** Devices a test may give more uptime to. */
  deviceIds: string[];
}

const price = fc
  .tuple(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 18 }), fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }))
  .map(([whole, digits, frac]) => (digits === 0 ? String(whole) : `${whole}.${frac.toString().padStart(18, "0").slice(0, digits)}`));

const span = fc.tuple(fc.integer({ min: -DAY / 4, max: DAY + DAY / 4 }), fc.integer({ min: 0, max: DAY })).map(([s, len]): Interval => ({ startMs: T0 + s, endMs: T0 + s + len }));

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    devices: fc.array(
      fc.record({
        owner: fc.constantFrom(...OWNERS),
        state: fc.constantFrom("online", "online", "online", "offline", "paused", "removed", "banned" as const),
        threads: fc.integer({ min: 1, max: 128 }),
        memoryGiB: fc.integer({ min: 1, max: 512 }),
        gpus: fc.integer({ min: 0, max: 2 }),
        benchmarked: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
        predecessor: fc.option(fc.nat(), { nil: undefined }),
        online: fc.array(span, { maxLength: 3 }),
        ready: fc.array(span, { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    leases: fc.array(
      fc.record({
        denom: fc.constantFrom(...DENOMS, "uother"),
        price,
        createdAt: fc.bigInt({ min: 0n, max: 16_000n }),
        length: fc.option(fc.bigInt({ min: 0n, max: 20_000n }), { nil: undefined }),
      }),
      { maxLength: 8 },
    ),
    pods: fc.array(
      fc.record({ lease: fc.nat(), node: fc.nat(), interval: span, cpuMilli: fc.integer({ min: 0, max: 64_000 }), memoryGiB: fc.integer({ min: 0, max: 256 }), gpus: fc.integer({ min: 0, max: 2 }) }),
      { maxLength: 20 },
    ),
    carry: fc.array(fc.bigInt({ min: 0n, max: 10n ** 20n }), { minLength: 3, maxLength: 3 }),
    feeBps: fc.integer({ min: 0, max: 5000 }),
    idleBps: fc.integer({ min: 0, max: 10_000 }),
    busyFraction: fc.integer({ min: 0, max: 100 }),
  })
  .map((r) => {
    const ids = r.devices.map((_, i) => `ah-d${i}`);
    const devices: DeviceFacts[] = r.devices.map((d, i) =>
      device(ids[i]!, { owner: d.owner, state: d.state, threads: d.threads, memoryGiB: d.memoryGiB, gpus: d.gpus, benchmarked: d.benchmarked, predecessorId: d.predecessor !== undefined && i > 0 ? ids[d.predecessor % i]! : null }),
    );
    // A device continues at most one predecessor: later claims on the same one are dropped.
    const claimed = new Set<string>();
    for (const d of devices) {
      if (d.predecessorId && claimed.has(d.predecessorId)) d.predecessorId = null;
      if (d.predecessorId) claimed.add(d.predecessorId);
    }
    const leases: LeaseRecord[] = r.leases.map((l, i) => lease(leaseId(OWNERS[i % 3]!, 100 + i), l.price, l.createdAt, { denom: l.denom, closedOn: l.length === undefined ? 0n : l.createdAt + l.length + 1n }));
    const nodes = [...ids, "ingress-1", "ah-unregistered"];
    const pods: PodInterval[] = leases.length === 0 ? [] : r.pods.map((p, i) => ({ namespace: leaseNamespace(leases[p.lease % leases.length]!.id), pod: `pod-${i}`, node: nodes[p.node % nodes.length]!, ...p.interval, cpuMilli: p.cpuMilli, memoryBytes: p.memoryGiB * 2 ** 30, gpus: p.gpus }));
    const policy: RewardPolicy = { ...POLICY, feeBps: r.feeBps, availabilityIdleBps: r.idleBps, availabilityBusyBps: Math.floor((r.idleBps * r.busyFraction) / 100) };
    return {
      ...facts({}),
      policy,
      leases,
      pods,
      devices,
      online: new Map(r.devices.map((d, i) => [ids[i]!, d.online])),
      ready: new Map(r.devices.map((d, i) => [ids[i]!, d.ready])),
      carryIn: new Map(DENOMS.map((d, i) => [d, r.carry[i]!])),
      deviceIds: ids,
    };
  });

/** independentRevenue recomputes Σ price × open blocks per denomination straight from the lease records. */
function independentRevenue(s: Scenario): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const l of s.leases) {
    if (!s.policy.denoms.includes(l.denom)) continue;
    const from = l.createdAt > s.window.startHeight ? l.createdAt : s.window.startHeight;
    const to = l.closedOn > 0n && l.closedOn < s.window.endHeight ? l.closedOn : s.window.endHeight;
    if (to <= from) continue;
    const [whole, frac = ""] = l.pricePerBlock.split(".");
    const fine = BigInt(whole!) * 10n ** 18n + BigInt(frac.padEnd(18, "0"));
    out.set(l.denom, (out.get(l.denom) ?? 0n) + fine * (to - from));
  }
  return out;
}

const RUNS = { numRuns: 300 };

describe("properties of every epoch", () => {
  test("Σ device credits + fee + carry out = revenue + carry in, per denomination, and every entry balances", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = bookEpoch(s).computation;
        expect(unbalancedEntries(c.entries)).toEqual([]);
        const revenue = independentRevenue(s);
        for (const t of c.denoms) {
          expect(t.revenue).toBe(revenue.get(t.denom) ?? 0n);
          const deviceCredits = [...credits(c.entries, t.denom).values()].reduce((a, b) => a + b, 0n);
          expect(deviceCredits).toBe(t.credits);
          expect(deviceCredits + t.fee + t.carryOut).toBe(t.revenue + t.carryIn);
          // Credits and fees are whole micro-units; only revenue and carry hold fractions.
          for (const e of c.entries) for (const l of e.lines) if (l.denom === t.denom && (l.kind === "usage_credit" || l.kind === "availability_credit" || l.kind === "fee")) expect(l.amount % FINE_PER_MICRO).toBe(0n);
        }
      }),
      RUNS,
    );
  });

  test("no amount is negative: every credit, fee, carry and remainder is ≥ 0, and only sources are drawn down", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = bookEpoch(s).computation;
        for (const e of c.entries) {
          for (const l of e.lines) {
            if (l.gross !== null) expect(l.gross >= 0n && l.fee! >= 0n && l.fee! <= l.gross).toBe(true);
            const drawn = l.kind === "lease_revenue" || (l.kind === "carry_in" && l.amount < 0n) || (l.kind === "availability_pool" && l.amount < 0n);
            expect(drawn ? l.amount <= 0n : l.amount >= 0n).toBe(true);
            // A credit line's rounding rest is under two micro-units.
            if (l.gross !== null) expect(l.gross - l.fee! - l.amount < 2n * FINE_PER_MICRO).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  test("an available, verified device with no work gets more than zero whenever its share after the fee reaches a micro-unit", () => {
    let idleDevicesPaid = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const books = bookEpoch(s);
        const worked = new Set(books.usage.flatMap((u) => u.devices.map((d) => d.node)));
        const eligible = books.availability.filter((a) => a.eligible);
        const weightSum = eligible.reduce((x, a) => x + BigInt(a.capacityPoints) * BigInt(a.availableMs), 0n);
        for (const t of books.computation.denoms) {
          const drawn = books.computation.entries.flatMap((e) => e.lines).find((l) => l.denom === t.denom && l.kind === "availability_pool" && l.amount < 0n);
          if (!drawn) continue;
          const pool = -drawn.amount;
          const got = credits(books.computation.entries, t.denom);
          for (const a of eligible) {
            if (worked.has(a.deviceId)) continue;
            // The exact share after the fee, computed here from the verdicts alone.
            const gross = (pool * BigInt(a.capacityPoints) * BigInt(a.availableMs)) / weightSum;
            const afterFee = gross - (gross * BigInt(s.policy.feeBps)) / 10_000n;
            if (afterFee < FINE_PER_MICRO) continue;
            idleDevicesPaid++;
            expect(got.get(a.deviceId) ?? 0n).toBeGreaterThan(0n);
          }
        }
        // Eligibility itself follows the rules: verified, not banned, and up by both records at once.
        for (const a of books.availability) {
          const d = s.devices.find((x) => x.deviceId === a.deviceId)!;
          if (a.eligible) expect(d.state !== "banned" && d.bench !== null && a.availableMs > 0).toBe(true);
        }
      }),
      RUNS,
    );
    expect(idleDevicesPaid).toBeGreaterThan(100);
  });

  test("a device offline all epoch (by heartbeats or by the cluster) or unverified gets no availability share", () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.constantFrom("heartbeats", "cluster", "verification"), (s0, pick, how) => {
        const id = s0.deviceIds[pick % s0.deviceIds.length]!;
        const online = new Map<string, readonly Interval[]>(s0.online);
        const ready = new Map<string, readonly Interval[]>(s0.ready);
        const s: Scenario = { ...s0, online, ready, devices: s0.devices.map((d) => ({ ...d })) };
        // Take the device (and what it continues) out by the chosen record.
        const lineage = new Set<string>();
        for (let d = s.devices.find((x) => x.deviceId === id); d && !lineage.has(d.deviceId); d = s.devices.find((x) => x.deviceId === d!.predecessorId)) lineage.add(d.deviceId);
        for (const m of lineage) {
          if (how === "heartbeats") online.set(m, []);
          if (how === "cluster") ready.set(m, []);
        }
        if (how === "verification") s.devices.find((x) => x.deviceId === id)!.bench = null;
        const c = bookEpoch(s).computation;
        const availability = c.entries.flatMap((e) => e.lines).filter((l) => l.kind === "availability_credit" && l.device === id);
        expect(availability).toEqual([]);
      }),
      RUNS,
    );
  });

  test("more uptime never pays less", () => {
    let paidMore = 0;
    fc.assert(
      fc.property(scenario, fc.nat(), span, (s, pick, extra) => {
        const id = s.deviceIds[pick % s.deviceIds.length]!;
        const more: Scenario = {
          ...s,
          online: new Map<string, readonly Interval[]>(s.online).set(id, [...(s.online.get(id) ?? []), extra]),
          ready: new Map<string, readonly Interval[]>(s.ready).set(id, [...(s.ready.get(id) ?? []), extra]),
        };
        const before = bookEpoch(s).computation;
        const after = bookEpoch(more).computation;
        // A reinstall's time is credited to the newest record of the machine.
        const head = headOf(s.devices, id);
        for (const t of before.denoms) {
          const x = credits(before.entries, t.denom).get(head) ?? 0n;
          const y = credits(after.entries, t.denom).get(head) ?? 0n;
          expect(y).toBeGreaterThanOrEqual(x);
          if (y > x) paidMore++;
        }
      }),
      RUNS,
    );
    expect(paidMore).toBeGreaterThan(20);
  });

  test("results are deterministic: the same facts in any order give the same entries, line for line", () => {
    fc.assert(
      fc.property(scenario, fc.integer(), (s, seed) => {
        const shuffled: Scenario = { ...s, leases: shuffle(s.leases, seed), pods: shuffle(s.pods, seed + 1), devices: shuffle(s.devices, seed + 2) };
        expect(serialize(bookEpoch(shuffled).computation.entries)).toBe(serialize(bookEpoch(s).computation.entries));
      }),
      RUNS,
    );
  });
});

function headOf(devices: readonly DeviceFacts[], id: string): string {
  let head = id;
  for (let guard = 0; guard < devices.length; guard++) {
    const next = devices.find((d) => d.predecessorId === head);
    if (!next) break;
    head = next.deviceId;
  }
  return head;
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = Math.abs(x) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function serialize(entries: readonly LedgerEntry[]): string {
  return JSON.stringify(entries, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

test("parseMicro and formatMicro round-trip every DecCoin amount", () => {
  fc.assert(fc.property(price, (p) => expect(formatMicro(parseMicro(p))).toBe(p.includes(".") ? p.replace(/\.?0+$/, "") : p)));
});
