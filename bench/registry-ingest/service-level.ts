// Telemetry ingest at the service level, without HTTP: what TelemetryService can store per second, and how
// fast it answers, on SQLite and on a durable PostgreSQL, with group commit on and off. Each call carries one
// heartbeat of one device, as the HTTP bench's requests do; devices take turns, each with its own rising seq.
//
//   ./node_modules/.bin/bun bench/registry-ingest/service-level.ts [--engines sqlite,postgres]
//     [--devices 1000,10000,100000] [--batching on,off] [--mode closed,open] [--seconds 5]
//     [--concurrency 256] [--rate 20000] [--detect changes|returning|probe] [--json]
//
// closed: `concurrency` callers, each sending its next call as soon as the last one answered (the most the
//         service can take). open: calls start at a fixed `rate` whatever the answers do, latency counted
//         from when each call was due (what a device sees at that load).
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { migrate } from "../../registry/store/migrate.ts";
import { POSTGRES_MIGRATIONS } from "../../registry/store/migrations/postgres.ts";
import { SQLITE_MIGRATIONS } from "../../registry/store/migrations/sqlite.ts";
import { PostgresDriver } from "../../registry/store/postgres-driver.ts";
import type { SqlDriver, SqlEngine } from "../../registry/store/sql-driver.ts";
import { SqliteDriver } from "../../registry/store/sqlite-driver.ts";
import { TelemetryService } from "../../registry/telemetry/service.ts";
import { SqlTelemetryRepo, type NewRowDetection } from "../../registry/telemetry/sql-telemetry-repo.ts";
import { heartbeat } from "../../registry/telemetry/testing/records.ts";
import { startPostgres, type PostgresServer } from "../../tests/support/postgres.ts";

const { values: args } = parseArgs({
  options: {
    engines: { type: "string", default: "sqlite,postgres" },
    devices: { type: "string", default: "1000,10000,100000" },
    batching: { type: "string", default: "on,off" },
    mode: { type: "string", default: "closed,open" },
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "256" },
    rate: { type: "string" },
    detect: { type: "string" },
    "multi-row-updates": { type: "string" },
    json: { type: "boolean", default: false },
  },
});

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);

interface Result {
  engine: SqlEngine;
  devices: number;
  batching: boolean;
  mode: string;
  detect: NewRowDetection;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanBatchCalls: number;
  calls: number;
  /** Calls refused (503) because more than the service's queue limit was waiting. */
  refused: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

let postgresServer: PostgresServer | undefined;

async function openStore(engine: SqlEngine): Promise<{ db: SqlDriver; cleanup: () => Promise<void> }> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "akash-home-bench-"));
    const db = new SqliteDriver(join(dir, "registry.db"));
    await migrate(db, SQLITE_MIGRATIONS);
    return {
      db,
      cleanup: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  postgresServer ??= await startPostgres({ durable: true });
  const db = await PostgresDriver.open(await postgresServer.createDatabase());
  await migrate(db, POSTGRES_MIGRATIONS);
  return { db, cleanup: () => db.close() };
}

async function runOne(engine: SqlEngine, devices: number, batching: boolean, mode: "closed" | "open"): Promise<Result> {
  const { db, cleanup } = await openStore(engine);
  const repo = new SqlTelemetryRepo(db, {
    detectNew: args.detect as NewRowDetection | undefined,
    multiRowUpdates: args["multi-row-updates"] === undefined ? undefined : args["multi-row-updates"] === "on",
  });
  const ids = Array.from({ length: devices }, (_, i) => `bench-device-${i}`);
  const seqs = new Uint32Array(devices);
  let next = 0;
  const sendTo = (service: TelemetryService) => () => {
    const i = next++ % devices;
    return service.ingest(ids[i]!, [heartbeat(++seqs[i]!)]);
  };

  // Warm-up, batched whatever is measured: every device's first heartbeat opens its interval; the measured
  // run then extends them, as a registry does all day, after a restart that loads presence from the store.
  const warmUp = new TelemetryService({ repo });
  const warmUpSend = sendTo(warmUp);
  for (let i = 0; i < devices; i += 2000) await Promise.all(Array.from({ length: Math.min(2000, devices - i) }, warmUpSend));
  await warmUp.close();

  const service = new TelemetryService({ repo, batching });
  await service.loadPresence();
  const send = sendTo(service);
  let refused = 0;

  const before = service.stats();
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  if (mode === "closed") {
    const worker = async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await send();
        latencies.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } else {
    const rate = Number(args.rate ?? (engine === "sqlite" ? 20_000 : 10_000));
    const inflight: Promise<void>[] = [];
    let due = 0;
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const now = performance.now();
        if (now >= deadline) {
          clearInterval(tick);
          done();
          return;
        }
        const target = Math.floor(((now - started) / 1000) * rate);
        for (; due < target; due++) {
          const dueAt = started + (due / rate) * 1000;
          inflight.push(
            send().then(
              () => void latencies.push(performance.now() - dueAt),
              () => void refused++,
            ),
          );
        }
      }, 1);
    });
    await Promise.all(inflight);
  }
  const elapsed = (performance.now() - started) / 1000;
  const after = service.stats();
  await service.close();
  await cleanup();
  const sorted = Float64Array.from(latencies).sort();
  const batches = after.batchesCommitted - before.batchesCommitted;
  return {
    engine,
    devices,
    batching,
    mode,
    detect: repo.detectNew,
    perSecond: Math.round(latencies.length / elapsed),
    p50Ms: +percentile(sorted, 0.5).toFixed(2),
    p99Ms: +percentile(sorted, 0.99).toFixed(2),
    maxMs: +(sorted[sorted.length - 1] ?? NaN).toFixed(2),
    meanBatchCalls: +((after.callsCommitted - before.callsCommitted) / Math.max(1, batches)).toFixed(1),
    calls: latencies.length,
    refused,
  };
}

const results: Result[] = [];
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Bun ${Bun.version}; ${seconds} s per run, closed-loop concurrency ${concurrency}`);
console.log("| engine | devices | batching | mode | detect | heartbeats/s | p50 ms | p99 ms | max ms | calls per transaction | refused |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
try {
  for (const engine of list(args.engines) as SqlEngine[]) {
    for (const devices of list(args.devices).map(Number)) {
      for (const batching of list(args.batching).map((b) => b === "on")) {
        for (const mode of list(args.mode) as ("closed" | "open")[]) {
          const r = await runOne(engine, devices, batching, mode);
          results.push(r);
          console.log(
            `| ${r.engine} | ${r.devices} | ${r.batching ? "on" : "off"} | ${r.mode} | ${r.detect} | ${r.perSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.meanBatchCalls} | ${r.refused} |`,
          );
        }
      }
    }
  }
} finally {
  await postgresServer?.stop();
}
if (args.json) console.log(JSON.stringify(results, null, 2));
