// bench/rewards-epoch: closing one reward epoch for 100,000 devices and 10,000 leases (target: ≤ 10 s on
// 2 cores). Two figures: the pure computation (availability verdicts, lease attribution, the books) on
// facts held in memory, and the whole close as the registry runs it on a store — reading the heartbeat
// intervals, devices, recorded pod and Node intervals, and balances from the store, computing, and writing
// the snapshot, the ledger lines, the balances and the running totals in one transaction — then verifying
// it by recomputation.
// The store is a SQLite file by default; --postgres runs a private, crash-safe PostgreSQL (tests/support).
// With --epochs N (default 2) the same day repeats N times and the later epochs are closed too: the close as
// it runs from then on, with every owner's balance and every device's running totals already stored.
//   ./node_modules/.bin/bun bench/rewards-epoch/run.ts [--devices 100000] [--leases 10000] [--seed 1] [--epochs 2] [--postgres]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { bookEpoch } from "../../registry/rewards/epoch-books.ts";
import { leaseNamespace } from "../../registry/rewards/lease-id.ts";
import { AXELAR_USDC_DENOM, DEFAULT_REWARD_POLICY } from "../../registry/rewards/policy.ts";
import type { DeviceFacts, Interval, LeaseRecord, PodInterval } from "../../registry/rewards/ports.ts";
import { RewardsService } from "../../registry/rewards/service.ts";
import { ClusterRecorder } from "../../registry/rewards/cluster-recorder.ts";
import { SqlDeviceFactsSource, SqlUptimeSource } from "../../registry/rewards/sql-registry-sources.ts";
import { SqlRewardsRepo } from "../../registry/rewards/sql-rewards-repo.ts";
import { device, lease, leaseId, seededRandom, TEST_PROVIDER } from "../../registry/rewards/testing/facts.ts";
import { FixedChain, testServiceOptions } from "../../registry/rewards/testing/fakes.ts";
import { openStore } from "../../registry/store/open-store.ts";
import { startPostgres } from "../../tests/support/postgres.ts";

const ROOT = resolve(import.meta.dir, "../..");
const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const deviceCount = Number(arg("devices", "100000"));
const leaseCount = Number(arg("leases", "10000"));
const epochCount = Math.max(1, Number(arg("epochs", "2")));

const random = seededRandom(Number(arg("seed", "1")));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 8, 1);
const policy = DEFAULT_REWARD_POLICY;

// The fleet: a third with a GPU, a tenth without a benchmark, 2 % banned, 3 % removed; owners hold 1–4 devices.
const devices: DeviceFacts[] = [];
const online = new Map<string, Interval[]>();
const ready = new Map<string, Interval[]>();
for (let i = 0; i < deviceCount; i++) {
  const id = `ah-${i.toString(36).padStart(16, "0")}`;
  const r = random();
  const facts = device(id, {
    owner: `akash1owner${Math.floor(i / (1 + Math.floor(random() * 4)))}`,
    state: r < 0.02 ? "banned" : r < 0.05 ? "removed" : r < 0.15 ? "offline" : "online",
    threads: pick([4, 8, 16, 32, 64]),
    memoryGiB: pick([8, 16, 32, 64, 128]),
    gpus: random() < 0.33 ? 1 : 0,
    benchmarked: random() > 0.1,
  });
  devices.push(facts);
  // Most devices are up all day; some drop out for a few hours, some are off. Heartbeats and the cluster
  // mostly agree, with the cluster noticing a little later.
  const up: Interval[] = [];
  const kind = random();
  if (kind < 0.7) up.push({ startMs: T0 - HOUR, endMs: T0 + DAY + HOUR });
  else if (kind < 0.9) {
    const gap = Math.floor(random() * DAY);
    up.push({ startMs: T0 - HOUR, endMs: T0 + gap }, { startMs: T0 + gap + Math.floor(random() * 6 * HOUR), endMs: T0 + DAY + HOUR });
  }
  online.set(id, up);
  ready.set(id, up.map((u) => ({ startMs: u.startMs + 40_000, endMs: u.endMs + 40_000 })));
}
const workers = devices.filter((d) => d.state !== "banned" && d.state !== "removed");

// Leases: prices like the provider pricing script's (per block, 18 decimals), a third each in uakt, uact,
// USDC; most open all epoch, some created or closed within it. Each has 1–3 pods, GPU leases on GPU devices.
const leases: LeaseRecord[] = [];
const pods: PodInterval[] = [];
const startHeight = 20_000_000n;
const blocksPerDay = BigInt(Math.round(DAY / 6117));
for (let i = 0; i < leaseCount; i++) {
  const denom = pick(["uakt", "uact", AXELAR_USDC_DENOM]);
  const gpu = random() < 0.3;
  const micro = (gpu ? 100 + random() * 900 : 1 + random() * 30) * (1e6 / 429_909);
  const price = micro.toFixed(18);
  const r = random();
  const created = r < 0.8 ? startHeight - 1000n : startHeight + BigInt(Math.floor(random() * Number(blocksPerDay)));
  const closedOn = random() < 0.1 ? created + BigInt(Math.floor(random() * Number(blocksPerDay))) : 0n;
  const l = lease(leaseId(`akash1tenant${i % 997}`, 10_000_000 + i), price, created, { denom, closedOn });
  leases.push(l);
  const ns = leaseNamespace(l.id);
  const n = 1 + Math.floor(random() * 3);
  for (let p = 0; p < n; p++) {
    let node = pick(workers);
    if (gpu) for (let k = 0; k < 5 && node.hardware!.gpus.length === 0; k++) node = pick(workers);
    const start = T0 + (random() < 0.8 ? -HOUR : Math.floor(random() * DAY));
    pods.push({ namespace: ns, pod: `svc-${p}`, node: random() < 0.02 ? "ingress-1" : node.deviceId, startMs: start, endMs: Math.min(T0 + DAY + HOUR, start + Math.floor(DAY * (0.2 + random()))), cpuMilli: pick([500, 1000, 2000, 4000]), memoryBytes: pick([1, 2, 4, 8]) * 2 ** 30, gpus: gpu ? 1 : 0 });
  }
}
const window = { startMs: T0, endMs: T0 + DAY, startHeight, endHeight: startHeight + blocksPerDay };

/**
 * serverCpuMs is the CPU time PostgreSQL's processes (the postmaster this process started and its backends)
 * have used, from /proc: with the bench's own CPU time, a measure of the close's work that other load on
 * the machine does not inflate the way it does wall time. 0 for SQLite.
 */
function serverCpuMs(): number {
  const stat = (pid: string) => {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      return { ppid: f[1]!, ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
    } catch {
      return null;
    }
  };
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((pid) => ({ pid, s: stat(pid) }));
  const postmasters = new Set(all.filter((p) => p.s?.ppid === String(process.pid) && readFileSync(`/proc/${p.pid}/comm`, "utf8").startsWith("postgres")).map((p) => p.pid));
  let ticks = 0;
  for (const p of all) if (p.s && (postmasters.has(p.pid) || postmasters.has(p.s.ppid))) ticks += p.s.ticks;
  return ticks * 10;
}

function timed<T>(fn: () => T): { result: T; ms: number } {
  const t = Bun.nanoseconds();
  const result = fn();
  return { result, ms: (Bun.nanoseconds() - t) / 1e6 };
}

// 1. The computation alone, three times (the first warms the JIT).
const computeMs: number[] = [];
const computeCpuMs: number[] = [];
let books!: ReturnType<typeof bookEpoch>;
for (let run = 0; run < 3; run++) {
  const c0 = process.cpuUsage();
  const t = timed(() => bookEpoch({ epochId: 1, window, policy, leases, pods, devices, online, ready, carryIn: new Map() }));
  computeMs.push(Math.round(t.ms));
  const c1 = process.cpuUsage(c0);
  computeCpuMs.push(Math.round((c1.user + c1.system) / 1000));
  books = t.result;
}
const lines = books.computation.entries.reduce((a, e) => a + e.lines.length, 0);
console.error(`compute: ${computeMs.join(" / ")} ms (CPU ${computeCpuMs.join(" / ")} ms); ${books.computation.entries.length} entries, ${lines} lines, ${books.computation.devicesCredited} devices credited`);

// 2. The whole close on a store: seed it as the registry would have it, then close through the service.
const dir = mkdtempSync(join(tmpdir(), "rewards-bench-"));
const postgres = args.includes("--postgres") ? await startPostgres({ durable: true }) : null;
const dbUrl = postgres ? await postgres.createDatabase() : `sqlite:${join(dir, "registry.db")}`;
const store = await openStore(dbUrl);
const db = store.driver;
const seedStart = Bun.nanoseconds();
const deviceRows = devices.map((d, i) => [d.deviceId, `pk-${i}`, d.owner, `m-${i}`, "box", d.state, T0, "0.1.0", JSON.stringify(d.hardware), d.bench ? JSON.stringify(d.bench) : null, "[]", "auto", T0, T0]);
await db.insertMany("devices", ["id", "public_key", "owner", "machine_id_hash", "hostname", "state", "state_changed_at", "agent_version", "hardware", "bench", "rtts", "region_choice", "created_at", "updated_at"], deviceRows, "error");
// Every later day repeats the first (overlapping intervals merge).
const days = Array.from({ length: epochCount }, (_, d) => d * DAY);
const upRows: (string | number)[][] = [];
for (const [id, list] of online) for (const u of list) for (const shift of days) upRows.push([id, "online", u.startMs + shift, u.endMs + shift]);
await db.insertMany("uptime_intervals", ["device_id", "kind", "start_at", "end_at"], upRows, "error");
const readyRows: (string | number)[][] = [];
for (const [id, list] of ready) for (const u of list) for (const shift of days) readyRows.push([id, u.startMs + shift, u.endMs + shift]);
await db.insertMany("reward_node_ready", ["node", "start_at", "end_at"], readyRows, "error");
const podRows = days.flatMap((shift, d) => pods.map((p) => [p.namespace, `${p.pod}-${d}`, p.node, p.cpuMilli, p.memoryBytes, p.gpus, p.startMs + shift, p.endMs + shift]));
await db.insertMany("reward_pod_intervals", ["namespace", "pod", "node", "cpu_milli", "memory_bytes", "gpus", "start_at", "end_at"], podRows, "error");
console.error(`seeded the store in ${Math.round((Bun.nanoseconds() - seedStart) / 1e6)} ms`);

let phases: Record<string, unknown> = {};
const NOW = T0 + epochCount * DAY + HOUR;
const chain = new FixedChain(T0, startHeight, 6117, () => NOW);
chain.leases = leases.map((l) => ({ ...l, id: { ...l.id, provider: TEST_PROVIDER } }));
const repo = new SqlRewardsRepo(db);
const recorder = new ClusterRecorder(repo, 120_000);
const facts = new SqlDeviceFactsSource(db);
const service = new RewardsService(
  testServiceOptions({
    repo,
    chain,
    cluster: recorder,
    uptime: new SqlUptimeSource(db),
    devices: facts,
    policy,
    payoutAddresses: (o) => facts.payoutAddresses(o),
    firstEpochStartsAt: T0,
    now: () => NOW,
    log: (event, fields) => {
      if (event === "epoch_closed") phases = fields ?? {};
    },
  }),
);
await service.start();
await service.ensureEpochs();
const closeStart = Bun.nanoseconds();
const cpuBefore = process.cpuUsage();
const serverBefore = serverCpuMs();
const summary = await service.closeEpoch(1);
const closeMs = Math.round((Bun.nanoseconds() - closeStart) / 1e6);
const cpu = process.cpuUsage(cpuBefore);
const closeCpuMs = Math.round((cpu.user + cpu.system) / 1000);
const closeServerCpuMs = serverCpuMs() - serverBefore;
const againStart = Bun.nanoseconds();
await service.closeEpoch(1);
const againMs = Math.round((Bun.nanoseconds() - againStart) / 1e6);
const verifyStart = Bun.nanoseconds();
const verify = await service.verifyEpoch(1);
const verifyMs = Math.round((Bun.nanoseconds() - verifyStart) / 1e6);
const firstPhases = phases;
// The later epochs, with balances and running totals in place.
const laterCloses: { epoch: number; closeMs: number; closeCpuMs: number; closeServerCpuMs: number; phases: Record<string, unknown> }[] = [];
for (let epoch = 2; epoch <= epochCount; epoch++) {
  const t = Bun.nanoseconds();
  const c0 = process.cpuUsage();
  const s0 = serverCpuMs();
  await service.closeEpoch(epoch);
  const c1 = process.cpuUsage(c0);
  laterCloses.push({ epoch, closeMs: Math.round((Bun.nanoseconds() - t) / 1e6), closeCpuMs: Math.round((c1.user + c1.system) / 1000), closeServerCpuMs: serverCpuMs() - s0, phases });
  const l = laterCloses.at(-1)!;
  console.error(`close of epoch ${epoch}: ${l.closeMs} ms (CPU ${l.closeCpuMs} ms + server ${l.closeServerCpuMs} ms); phases: ${JSON.stringify(phases)}`);
}
const stored = Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_lines"))[0]!.n);
console.error(`phases: ${JSON.stringify(firstPhases)}`);
console.error(`close CPU time: ${closeCpuMs} ms (user ${Math.round(cpu.user / 1000)}, system ${Math.round(cpu.system / 1000)}), server ${closeServerCpuMs} ms; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.error(`close on ${store.engine}: ${closeMs} ms (${stored} lines stored); close again: ${againMs} ms; verify: ${verifyMs} ms, matches: ${verify.matches}`);
await db.close();
await postgres?.stop();
rmSync(dir, { recursive: true, force: true });

const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown CPU";
const report = {
  machine: `${availableParallelism()} × ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}/${process.arch}, Bun ${Bun.version}`,
  date: new Date().toISOString().slice(0, 10),
  devices: deviceCount,
  leases: leaseCount,
  pods: pods.length,
  engine: store.engine,
  computeMs,
  computeCpuMs,
  entries: books.computation.entries.length,
  lines,
  devicesCredited: books.computation.devicesCredited,
  closeMs,
  closeCpuMs,
  closeServerCpuMs,
  loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  closePhases: firstPhases,
  laterCloses,
  closeAgainMs: againMs,
  verifyMs,
  verifyMatches: verify.matches,
  rssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20),
  summary,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results", `rewards-epoch-${store.engine}.json`), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify({ ...report, summary: undefined }, null, 2));
