// The crash test's child: ingests heartbeats into a SQLite registry store as fast as it can and prints
// "<device> <seq>" for each one whose ingest has answered, until it is killed. Whatever it printed must be
// in the store afterwards. Usage: bun ingest-until-killed.ts <store.db> [devices] [concurrency]
import { migrate } from "../../store/migrate.ts";
import { SQLITE_MIGRATIONS } from "../../store/migrations/sqlite.ts";
import { SqliteDriver } from "../../store/sqlite-driver.ts";
import { TelemetryService } from "../service.ts";
import { SqlTelemetryRepo } from "../sql-telemetry-repo.ts";
import { heartbeat, metrics } from "./records.ts";

const [path, devicesArg = "50", concurrencyArg = "64"] = process.argv.slice(2);
if (!path) throw new Error("usage: ingest-until-killed.ts <store.db> [devices] [concurrency]");
const devices = Number(devicesArg);
const concurrency = Number(concurrencyArg);

const db = new SqliteDriver(path);
await migrate(db, SQLITE_MIGRATIONS);
const service = new TelemetryService({ repo: new SqlTelemetryRepo(db) });
await service.loadPresence();

// Carry on after an earlier run's highest seq, as a restarted agent would.
const nextSeq = new Map<string, number>();
for (const row of await db.query<{ device_id: string; seq: number }>("SELECT device_id, MAX(seq) AS seq FROM heartbeats GROUP BY device_id")) {
  nextSeq.set(row.device_id, Number(row.seq) + 2);
}
const seqFor = (device: string): number => {
  const seq = nextSeq.get(device) ?? 1;
  nextSeq.set(device, seq + 2);
  return seq;
};

process.stdout.write("ready\n");
let n = 0;
async function worker(): Promise<never> {
  for (;;) {
    const device = `crash-${n++ % devices}`;
    const seq = seqFor(device);
    await service.ingest(device, [heartbeat(seq), metrics(seq + 1)]);
    process.stdout.write(`${device} ${seq}\n`);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
