// bench/registry-ingest/run.ts: the HTTP ingest benchmark. For each engine × batching × fleet size: a fresh
// store seeded with the fleet (seed.ts), the registry started as its own process (`akash-home registry`),
// the load generator (loadgen.ts, a third process) driving session-authenticated heartbeats at several
// concurrency levels (closed loop) and then at fixed rates (open loop), the registry stopped, and the
// store's heartbeats counted: every 2xx the load generator got must be a row (durability), and every answer
// must have said "stored", not "duplicate".
//
//   ./node_modules/.bin/bun bench/registry-ingest/run.ts [--quick] [--engines sqlite,postgres]
//     [--batching on,off] [--devices 1000,10000,100000] [--concurrency 8,32,128,512] [--seconds 8]
//     [--settle 1] [--warmup 3] [--open-rate sqlite=10000/20000,postgres=5000/10000|none]
//     [--wait-quiet SECONDS] [--max-other 0.3] [--tries 3] [--out bench/results/registry-ingest.json]
//
// On a machine others share, --wait-quiet waits (up to SECONDS) before each configuration until other work
// uses under a quarter of a core, and the load generator measures a window again (--tries in all) while
// other work took more than --max-other cores during it; each row's CPU column shows what other work ran.
//
// PostgreSQL is a private server from tests/support/postgres.ts with its crash-safe defaults (fsync,
// synchronous_commit on), on disk. SQLite is the registry's own setting: WAL, synchronous=NORMAL.
// The registry runs with rate limits off (one client address sends everything) and a long offline grace:
// the bench compresses a 15 s heartbeat interval, and where it sends only a few hundred heartbeats a second
// (PostgreSQL without batching) each device of a 100k fleet would otherwise be heard from less often than the
// default 50 s grace and go offline and online again with every heartbeat, which real devices do not.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openStore } from "../../registry/store/open-store.ts";
import type { SqlEngine } from "../../registry/store/sql-driver.ts";
import { startPostgres, type PostgresServer } from "../../tests/support/postgres.ts";
import type { LevelResult } from "./loadgen.ts";
import { BENCH_REGION, seedStore } from "./seed.ts";

const ROOT = resolve(import.meta.dir, "../..");
const BUN = process.execPath;

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    engines: { type: "string" },
    batching: { type: "string" },
    devices: { type: "string" },
    concurrency: { type: "string" },
    seconds: { type: "string" },
    settle: { type: "string", default: "1" },
    warmup: { type: "string", default: "3" },
    "open-rate": { type: "string", default: "sqlite=10000/20000,postgres=5000/10000" },
    "wait-quiet": { type: "string", default: "0" },
    "max-other": { type: "string", default: "0.3" },
    tries: { type: "string", default: "3" },
    out: { type: "string", default: join(ROOT, "bench/results/registry-ingest.json") },
  },
});

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const engines = list(args.engines ?? "sqlite,postgres") as SqlEngine[];
const batchings = list(args.batching ?? "on,off").map((b) => b === "on");
const fleetSizes = list(args.devices ?? (args.quick ? "10000" : "1000,10000,100000")).map(Number);
const concurrency = args.concurrency ?? (args.quick ? "32,128" : "8,32,128,512");
const seconds = args.seconds ?? (args.quick ? "4" : "8");
const openRates = new Map(
  args["open-rate"] === "none" ? [] : list(args["open-rate"]).map((kv) => kv.split("=") as [string, string]).map(([k, v]) => [k, v.split("/").join(",")] as const),
);
const P99_LIMIT_MS = 50;

type Level = LevelResult;

interface LoadgenOutput {
  devices: number;
  totals: { ok: number; stored: number; non2xx: number; transportErrors: number; statuses: Record<string, number> };
  levels: Level[];
}

interface ConfigResult {
  engine: SqlEngine;
  batching: boolean;
  devices: number;
  seedSeconds: number;
  levels: Level[];
  /** The closed-loop level with the most heartbeats/s among those with p99 ≤ 50 ms. */
  best: Level | null;
  /** The closed-loop level with the most heartbeats/s whatever its latency. */
  peak: Level | null;
  acknowledged: number;
  inStore: number;
  durable: boolean;
  registryStats: Record<string, unknown> | null;
}

let postgres: PostgresServer | undefined;

function regionsYaml(dir: string): string {
  const path = join(dir, "regions.yaml");
  writeFileSync(join(dir, "bench.kubeconfig"), "");
  writeFileSync(join(dir, "bench.headscale-key"), "", { mode: 0o600 });
  writeFileSync(
    path,
    `placement:
  maxRttMs: 150
waitlist:
  defaultThreshold: 25
admins: []
regions:
  - id: ${BENCH_REGION}
    name: Bench
    locationRegion: na-us-west
    countries: [US]
    latitude: 45.52
    longitude: -122.68
    probeUrl: http://127.0.0.1:1/healthz
    kubeconfig: ${join(dir, "bench.kubeconfig")}
    headscale:
      url: http://127.0.0.1:2
      apiKeyFile: ${join(dir, "bench.headscale-key")}
    capacity: 1000000
    admission: open
    status: active
`,
  );
  return path;
}

async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

async function startRegistry(db: string, dir: string, batching: boolean): Promise<{ proc: Bun.Subprocess; url: string; log: () => string }> {
  const port = await freePort();
  const logPath = join(dir, "registry.log");
  const proc = Bun.spawn(
    [
      BUN,
      join(ROOT, "akash-home.ts"),
      "registry",
      "--listen",
      `127.0.0.1:${port}`,
      "--state-dir",
      dir,
      "--config",
      regionsYaml(dir),
      "--ip-rate",
      "0",
      "--device-rate",
      "0",
      "--offline-grace",
      "3600",
      "--batching",
      batching ? "on" : "off",
    ],
    // The store URL goes by environment, not argv, as the registry's help asks.
    { cwd: ROOT, env: { ...process.env, AKASH_HOME_REGISTRY_DB: db }, stdin: "ignore", stdout: Bun.file(logPath), stderr: Bun.file(logPath) },
  );
  const url = `http://127.0.0.1:${port}`;
  const log = () => readFileSync(logPath, "utf8");
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the registry exited (${proc.exitCode}) while starting:\n${log()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the registry did not answer /healthz within 60 s:\n${log()}`);
    await Bun.sleep(50);
  }
  return { proc, url, log };
}

async function loadgen(url: string, tokens: string, watch: string, extra: string[]): Promise<LoadgenOutput> {
  const proc = Bun.spawn([BUN, join(import.meta.dir, "loadgen.ts"), "--url", url, "--tokens", tokens, "--watch", watch, "--settle", args.settle!, "--seconds", seconds, "--max-other", args["max-other"]!, "--tries", args.tries!, ...extra], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`the load generator failed (exit ${proc.exitCode})`);
  return JSON.parse(out) as LoadgenOutput;
}

async function metricsOf(url: string): Promise<Record<string, unknown> | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const pick: Record<string, unknown> = {};
    for (const line of text.split("\n")) {
      const m = /^akash_home_telemetry_(records_total|batches_total|batch_records_mean|commit_ms_sum|commit_ms_count) (\S+)$/.exec(line);
      if (m) pick[m[1]!] = Number(m[2]);
    }
    return pick;
  } catch {
    return null;
  }
}

function busyCores(): number {
  const f = readFileSync("/proc/stat", "latin1").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]!) / 100;
}

/** waitQuiet waits until the machine (nothing of ours runs now) is nearly idle for 3 s running, or gives up. */
async function waitQuiet(maxS: number): Promise<void> {
  if (maxS <= 0) return;
  const deadline = Date.now() + maxS * 1000;
  let quiet = 0;
  while (Date.now() < deadline && quiet < 3) {
    const before = busyCores();
    await Bun.sleep(1000);
    quiet = busyCores() - before < 0.25 ? quiet + 1 : 0;
  }
  if (quiet < 3) console.error(`# the machine stayed busy for ${maxS} s; measuring anyway`);
}

async function runConfig(engine: SqlEngine, batching: boolean, devices: number): Promise<ConfigResult> {
  const dir = mkdtempSync(join(tmpdir(), "akash-home-ingest-"));
  let db: string;
  if (engine === "sqlite") db = `sqlite:${join(dir, "registry.db")}`;
  else {
    postgres ??= await startPostgres({ durable: true });
    db = await postgres.createDatabase();
  }
  try {
    const tokens = join(dir, "tokens.txt");
    const seeded = await seedStore({ db, devices, tokensPath: tokens });
    await waitQuiet(Number(args["wait-quiet"]));
    const registry = await startRegistry(db, dir, batching);
    const watch = [`registry=${registry.proc.pid}`, ...(postgres && engine === "postgres" ? [`postgres=${postgresPid(postgres)}`] : [])].join(",");
    let output: LoadgenOutput;
    let registryStats: Record<string, unknown> | null = null;
    try {
      const rates = openRates.get(engine);
      output = await loadgen(registry.url, tokens, watch, ["--concurrency", concurrency, "--warmup", args.warmup!, ...(rates ? ["--rate", rates] : [])]);
      registryStats = await metricsOf(registry.url);
    } finally {
      registry.proc.kill("SIGTERM");
      await registry.proc.exited;
    }
    if (registry.proc.exitCode !== 0) throw new Error(`the registry exited with ${registry.proc.exitCode}:\n${registry.log().slice(-4000)}`);
    const failures = registry.log().split("\n").filter((l) => /request_failed|telemetry_error/.test(l));
    if (failures.length > 0) console.error(`registry logged ${failures.length} failures, e.g. ${failures[0]}`);

    const store = await openStore(db);
    let inStore: number;
    try {
      const rows = await store.driver.query<{ n: number }>("SELECT COUNT(*) AS n FROM heartbeats");
      inStore = Number(rows[0]!.n);
    } finally {
      await store.driver.close();
    }
    const acknowledged = output.totals.ok;
    const levels = output.levels;
    const closed = levels.filter((l) => l.mode === "closed");
    const within = closed.filter((l) => l.p99Ms <= P99_LIMIT_MS && l.non2xx === 0);
    const byRate = (a: Level, b: Level) => b.heartbeatsPerS - a.heartbeatsPerS;
    return {
      engine,
      batching,
      devices,
      seedSeconds: +seeded.seconds.toFixed(1),
      levels,
      best: within.sort(byRate)[0] ?? null,
      peak: [...closed].sort(byRate)[0] ?? null,
      acknowledged,
      inStore,
      // A request whose connection broke may have been stored without its 2xx reaching us: then ≥, not =.
      // Every heartbeat is new (seq rises per device), so each 2xx must have said stored: 1.
      durable: output.totals.stored === acknowledged && (output.totals.transportErrors === 0 ? inStore === acknowledged : inStore >= acknowledged),
      registryStats,
    };
  } finally {
    if (engine === "postgres") await postgres!.dropDatabase(db).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

function postgresPid(server: PostgresServer): number {
  // The postmaster's pid is the first line of postmaster.pid in its data directory; find it by port.
  const out = Bun.spawnSync(["sh", "-c", `ps -eo pid,args | awk '/[p]ostgres .*-p ${server.port}( |$)/ {print $1; exit}'`]).stdout.toString().trim();
  return Number(out) || 0;
}

function machine(): string {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown CPU";
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return `nproc ${availableParallelism()}, ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Bun ${Bun.version}, load average before the run ${load}`;
}

const cell = (l: Level | null, f: (l: Level) => string) => (l ? f(l) : "—");
const cpuCell = (l: Level) => {
  const c = l.cpu;
  const ours = (c.registry ?? 0) + (c.postgres ?? 0) + (c.loadgen ?? 0);
  const parts = [`reg ${c.registry?.toFixed(2)}`, ...(c.postgres !== undefined ? [`pg ${c.postgres.toFixed(2)}`] : []), `gen ${c.loadgen?.toFixed(2)}`];
  if (c.machine !== undefined) parts.push(`other ${Math.max(0, c.machine - ours).toFixed(2)}`);
  return parts.join(", ");
};

console.log(`# registry ingest: ${machine()}`);
console.log(`# closed-loop concurrency ${concurrency}, ${seconds} s windows after ${args.settle} s settle; warm-up ${args.warmup} s`);
console.log("| engine | batching | devices | concurrency | heartbeats/s | p50 ms | p99 ms | errors | CPU (cores) | peak heartbeats/s (at C, p99) | open loop: rate → p50 / p99 ms | durable (2xx = rows) |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
const results: ConfigResult[] = [];
try {
  for (const engine of engines) {
    for (const batching of batchings) {
      for (const devices of fleetSizes) {
        const r = await runConfig(engine, batching, devices);
        results.push(r);
        const open = r.levels.filter((l) => l.mode === "open");
        const errors = r.levels.reduce((n, l) => n + l.non2xx, 0);
        console.log(
          `| ${r.engine} | ${r.batching ? "on" : "off"} | ${r.devices} | ${cell(r.best, (l) => String(l.concurrency))} | ${cell(r.best, (l) => String(l.heartbeatsPerS))} | ` +
            `${cell(r.best, (l) => l.p50Ms.toFixed(1))} | ${cell(r.best, (l) => l.p99Ms.toFixed(1))} | ${errors} | ${cell(r.best, cpuCell)} | ` +
            `${cell(r.peak, (l) => `${l.heartbeatsPerS} (${l.concurrency}, ${l.p99Ms.toFixed(0)} ms)`)} | ` +
            `${open.map((o) => `${o.targetRate}/s → ${o.heartbeatsPerS}/s, ${o.p50Ms.toFixed(1)} / ${o.p99Ms.toFixed(1)}`).join("; ") || "—"} | ` +
            `${r.durable ? "yes" : "NO"}: ${r.acknowledged} / ${r.inStore} |`,
        );
      }
    }
  }
} finally {
  await postgres?.stop();
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(args.out!, JSON.stringify({ machine: machine(), concurrency, seconds: Number(seconds), results }, null, 2) + "\n");
}
if (results.some((r) => !r.durable)) {
  console.error("durability check failed: the store does not hold exactly the acknowledged heartbeats");
  process.exitCode = 1;
}
