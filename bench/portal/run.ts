// bench/portal: how long the registry takes to answer the owner portal's two heaviest pages for an owner
// with 1,000 devices and a year of ledger (target: ≤ 50 ms each). The store is seeded as a year of
// running would leave it — devices, heartbeat intervals (a few outages each), the cluster's Ready record,
// some leases' pods — and a year of daily epochs is closed through the rewards service itself, so the
// ledger is the real one. Then, with the JIT warm, each page is produced the way its route does it
// (read models from the store, then the view rendered to HTML) and timed:
//   - the device list: first page (50 devices) and all 1,000 on one page, with 30-day uptime strips (and,
//     for the full page, its read model and its view apart);
//   - the earnings page: totals, chart, per-device and per-epoch tables; and with one device's ledger lines.
//   ./node_modules/.bin/bun bench/portal/run.ts [--devices 1000] [--days 365] [--runs 30] [--db sqlite:<path>|postgres://…]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { BUILD } from "../../protocol/index.ts";
import { selectLines } from "../../registry/portal/ledger-selection.ts";
import type { PortalRegion } from "../../registry/portal/ports.ts";
import { PortalService } from "../../registry/portal/service.ts";
import { SqlAccountsRepo } from "../../registry/accounts/sql-accounts-repo.ts";
import { SqlPortalRepo } from "../../registry/portal/sql-portal-repo.ts";
import { ClusterRecorder } from "../../registry/rewards/cluster-recorder.ts";
import { leaseNamespace } from "../../registry/rewards/lease-id.ts";
import { DEFAULT_PAYOUT_TX } from "../../registry/rewards/payout-tx.ts";
import { DEFAULT_REWARD_POLICY } from "../../registry/rewards/policy.ts";
import { RewardsService } from "../../registry/rewards/service.ts";
import { SqlDeviceFactsSource, SqlUptimeSource } from "../../registry/rewards/sql-registry-sources.ts";
import { SqlRewardsRepo } from "../../registry/rewards/sql-rewards-repo.ts";
import { bench as benchResult, hardware, lease, leaseId, TEST_PROVIDER } from "../../registry/rewards/testing/facts.ts";
import { FixedChain } from "../../registry/rewards/testing/fakes.ts";
import { openStore } from "../../registry/store/open-store.ts";
import { PORTAL_ASSET_URLS } from "../../registry/http/portal-static.ts";
import { DevicesPage } from "../../ui/registry/devices-page.tsx";
import { EarningsPage } from "../../ui/registry/earnings-page.tsx";

const ROOT = resolve(import.meta.dir, "../..");
const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const DEVICES = Number(arg("devices", "1000"));
const DAYS = Number(arg("days", "365"));
const RUNS = Number(arg("runs", "30"));

let seed = 1;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 10, 1);
const NOW = T0 + DAYS * DAY + 2 * HOUR;
const OWNER = "akash1benchowner0000000000000000000000000000";
const REGIONS: PortalRegion[] = [
  { id: "west", name: "West", locationRegion: "na-us-west", status: "active", admission: "open", capacity: 100_000, latitude: 45.5, longitude: -122.6, countries: ["US"], firstUserBootstraps: false, providerAddress: TEST_PROVIDER },
];

const dir = mkdtempSync(join(tmpdir(), "portal-bench-"));
const store = await openStore(arg("db", `sqlite:${join(dir, "registry.db")}`));
const db = store.driver;

// ---- seed: devices, a year of heartbeats and readiness, pods of a few leases ----
const seedStart = performance.now();
const ids = Array.from({ length: DEVICES }, (_, i) => `ah-${i.toString(36).padStart(16, "0")}`);
await db.insertMany(
  "devices",
  ["id", "public_key", "owner", "machine_id_hash", "hostname", "state", "state_changed_at", "region_id", "agent_version", "hardware", "bench", "rtts", "region_choice", "created_at", "updated_at"],
  ids.map((id, i) => {
    const gpus = i % 3 === 0 ? 1 : 0;
    const threads = [8, 16, 32][i % 3]!;
    return [id, `pk-${id}`, OWNER, `m-${id}`, `box-${i}`, i % 20 === 0 ? "offline" : "online", T0, "west", i % 7 === 0 ? "0.0.1" : BUILD.version, JSON.stringify(hardware(threads, 32, gpus)), JSON.stringify(benchResult(threads, gpus)), "[]", "auto", T0, T0];
  }),
  "error",
);
const up: (string | number)[][] = [];
const ready: (string | number)[][] = [];
for (const id of ids) {
  // Online in stretches of one to three weeks, with outages of one to twelve hours between them.
  let t = T0;
  while (t < NOW) {
    const end = Math.min(NOW - 30_000, t + (7 + Math.floor(random() * 14)) * DAY);
    up.push([id, "online", t, end]);
    ready.push([id, t + 40_000, end + 40_000]);
    t = end + (1 + Math.floor(random() * 12)) * HOUR;
  }
}
await db.insertMany("uptime_intervals", ["device_id", "kind", "start_at", "end_at"], up, "error");
await db.insertMany("reward_node_ready", ["node", "start_at", "end_at"], ready, "error");
const chain = new FixedChain(T0, 20_000_000n, 6117, () => NOW);
const pods: (string | number)[][] = [];
for (let i = 0; i < 50; i++) {
  const l = lease(leaseId(`akash1tenant${i}`, 10_000_000 + i), ((i % 3 === 0 ? 400 : 10) * (1e6 / 429_909)).toFixed(18), 19_999_000n);
  chain.leases.push(l);
  pods.push([leaseNamespace(l.id), "web-0", ids[(i * 17) % DEVICES]!, 1000, 2 ** 31, i % 3 === 0 ? 1 : 0, T0 - HOUR, NOW]);
}
await db.insertMany("reward_pod_intervals", ["namespace", "pod", "node", "cpu_milli", "memory_bytes", "gpus", "start_at", "end_at"], pods, "error");
console.error(`seeded ${DEVICES} devices, ${up.length} uptime intervals, ${pods.length} pods in ${Math.round(performance.now() - seedStart)} ms`);

// ---- a year of epochs, closed by the rewards service ----
const repo = new SqlRewardsRepo(db);
const recorder = new ClusterRecorder(repo, 120_000);
const facts = new SqlDeviceFactsSource(db);
const rewards = new RewardsService({
  repo,
  policy: DEFAULT_REWARD_POLICY,
  payout: DEFAULT_PAYOUT_TX,
  provider: TEST_PROVIDER,
  leases: chain,
  clock: chain,
  placement: recorder,
  ready: recorder,
  uptime: new SqlUptimeSource(db),
  devices: facts,
  payoutAddresses: (o) => facts.payoutAddresses(o),
  firstEpochStartsAt: T0,
  now: () => NOW,
});
await rewards.start();
await rewards.ensureEpochs();
const closeStart = performance.now();
const closed = await rewards.closeDueEpochs();
const closeMs = performance.now() - closeStart;
const lines = Number((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_lines"))[0]!.n);
console.error(`closed ${closed.length} epochs in ${(closeMs / 1000).toFixed(1)} s: ${lines} ledger lines`);

// ---- the pages ----
const accountsRepo = new SqlAccountsRepo(db);
const portal = new PortalService({ repo: new SqlPortalRepo(db), regions: () => REGIONS, placedCounts: async () => new Map(), waitlist: async () => [], registryVersion: BUILD.version, now: () => NOW });
const ctx = { assets: PORTAL_ASSET_URLS, session: { address: OWNER, operator: false }, version: BUILD.version };

async function deviceList(pageSize: number): Promise<number> {
  const data = await portal.devicePage({ owner: OWNER }, {}, 1, pageSize);
  const html = await DevicesPage({ ctx, data, filter: {}, offers: [], regionNames: { west: "West" }, updateCommand: "curl -fsSL https://registry.example/install.sh | sh", flash: null });
  return html.length;
}

async function earnings(device: string | null): Promise<number> {
  const [e, owner, names] = await Promise.all([rewards.ownerEarnings(OWNER), accountsRepo.getOwner(OWNER), portal.deviceNames(OWNER)]);
  const payout = owner?.payoutAddress ?? null;
  let selection = null;
  if (device) {
    const statement = await rewards.deviceStatement(device, OWNER, null, null);
    const picked = selectLines(statement, { show: "net", denom: e.totals[0]?.denom ?? "uakt", device, epoch: null }, 500);
    selection = { title: `net, ${names[device]}`, lines: picked.lines, more: picked.more };
  }
  const html = await EarningsPage({ ctx, earnings: e, payout: { payoutAddress: payout ?? OWNER, isOwn: payout === null, typed: payout ?? "", error: null }, flash: null, deviceNames: names, selection, csvUrl: "/api/v1/owner/earnings/statement.csv" });
  return html.length;
}

interface Figure {
  page: string;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  htmlKiB: number;
}

async function measure(page: string, f: () => Promise<number>): Promise<Figure> {
  for (let i = 0; i < 3; i++) await f();
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    size = await f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
  const fig = { page, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: Math.round(times.at(-1)! * 10) / 10, htmlKiB: Math.round(size / 1024) };
  console.error(`${page}: p50 ${fig.p50Ms} ms, p95 ${fig.p95Ms} ms, max ${fig.maxMs} ms, ${fig.htmlKiB} KiB of HTML`);
  return fig;
}

// Where the earnings page's time goes: the rewards service's summary, and the view on data in memory.
const held = await rewards.ownerEarnings(OWNER);
const names = await portal.deviceNames(OWNER);
const renderOnly = async () =>
  (await EarningsPage({ ctx, earnings: held, payout: { payoutAddress: OWNER, isOwn: true, typed: "", error: null }, flash: null, deviceNames: names, selection: null, csvUrl: "/api/v1/owner/earnings/statement.csv" })).length;

// Where the full list's time goes: the read model (store, uptime strips, hardware), and the view on data in memory.
const allDevices = await portal.devicePage({ owner: OWNER }, {}, 1, 1000);
const renderList = async () => (await DevicesPage({ ctx, data: allDevices, filter: {}, offers: [], regionNames: { west: "West" }, updateCommand: "curl -fsSL https://registry.example/install.sh | sh", flash: null })).length;

const figures = [
  await measure("device list, first page (50 of 1,000)", () => deviceList(50)),
  await measure("device list, all 1,000 on one page", () => deviceList(1000)),
  await measure("  of which: the read model (portal.devicePage)", async () => {
    await portal.devicePage({ owner: OWNER }, {}, 1, 1000);
    return 0;
  }),
  await measure("  of which: the list view rendered from data in memory", renderList),
  await measure("earnings page (a year, 1,000 devices)", () => earnings(null)),
  await measure("earnings page with one device's ledger lines (a year)", () => earnings(ids[3]!)),
  await measure("  of which: rewards.ownerEarnings (the summary from the ledger)", async () => JSON.stringify(await rewards.ownerEarnings(OWNER)).length),
  await measure("  of which: the earnings view rendered from data in memory", renderOnly),
];

await db.close();
rmSync(dir, { recursive: true, force: true });

const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown CPU";
const report = {
  machine: `${availableParallelism()} × ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}/${process.arch}, Bun ${Bun.version}`,
  date: new Date().toISOString().slice(0, 10),
  engine: store.engine,
  devices: DEVICES,
  days: DAYS,
  uptimeIntervals: up.length,
  epochsClosed: closed.length,
  ledgerLines: lines,
  closeYearS: Math.round(closeMs / 100) / 10,
  runs: RUNS,
  loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  figures,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(join(ROOT, "bench/results", `portal-${store.engine}.json`), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify(report, null, 2));
