// bench/registry-ingest/seed.ts: fills a fresh registry store with N online devices, before the registry
// starts, and writes each device's telemetry session token to a file for the load generator. Checking 100k
// devices in through the API would need 100k claim codes and measure check-in, which is not what this
// benchmark is about. Each device also gets an open uptime interval ending now, as in a registry that has
// been running all day: its heartbeats extend that interval rather than each starting one.
//
//   ./node_modules/.bin/bun bench/registry-ingest/seed.ts --db sqlite:/tmp/x/registry.db --devices 10000 --tokens tokens.txt
//
// Imports the registry's store and devices repository directly; a bench is a composition root of its own.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { deviceIdFromKeyDigest } from "../../protocol/index.ts";
import { DeviceSessions } from "../../registry/devices/device-sessions.ts";
import type { DeviceRecord } from "../../registry/devices/repo.ts";
import { SqlDevicesRepo } from "../../registry/devices/sql-devices-repo.ts";
import { openStore } from "../../registry/store/open-store.ts";

export const BENCH_REGION = "bench";
/** Long enough for any run; the registry checks only the expiry the token carries. */
const TOKEN_TTL_MS = 12 * 3600_000;
const ROWS_PER_TRANSACTION = 2000;

export interface SeedOptions {
  /** --db value: sqlite:<path> or postgres://… (a fresh, empty database). */
  db: string;
  devices: number;
  /** Where to write the tokens, one per line, in device order. */
  tokensPath: string;
  now?: number;
}

export interface SeedResult {
  devices: number;
  seconds: number;
}

function benchDevice(i: number, now: number): DeviceRecord {
  const rawKey = createHash("sha256").update(`bench-key-${i}`).digest();
  return {
    id: deviceIdFromKeyDigest(createHash("sha256").update(rawKey).digest()),
    publicKey: rawKey.toString("base64url"),
    owner: `akash1bench${String(i % 1000).padStart(4, "0")}`,
    machineIdHash: createHash("sha256").update(`bench-machine-${i}`).digest("hex"),
    hostname: `bench-${i}`,
    state: "online",
    stateReason: null,
    stateChangedAt: now,
    regionId: BENCH_REGION,
    waitlistArea: null,
    waitlistedAt: null,
    agentVersion: "0.0.0-bench",
    hardware: JSON.stringify({ cpu: { cores: 8 }, memory: { totalBytes: 16 * 2 ** 30 }, gpus: [] }),
    bench: null,
    rtts: JSON.stringify([{ regionId: BENCH_REGION, rttMs: 10, error: null }]),
    share: null,
    regionChoice: "auto",
    predecessorId: null,
    replacedBy: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** seedStore opens (creating and migrating) the store, inserts the devices, and writes their tokens. */
export async function seedStore(o: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const now = o.now ?? Date.now();
  const store = await openStore(o.db);
  const db = store.driver;
  try {
    const repo = new SqlDevicesRepo(db);
    const secret = DeviceSessions.newSecret();
    // The registry reads this row at start instead of making its own (INSERT … ON CONFLICT DO NOTHING there).
    await db.insertMany("registry_meta", ["key", "value"], [["device_session_secret", secret]], "error");
    const sessions = new DeviceSessions(Buffer.from(secret, "base64url"), TOKEN_TTL_MS);
    const tokens: string[] = new Array(o.devices);
    for (let start = 0; start < o.devices; start += ROWS_PER_TRANSACTION) {
      const end = Math.min(o.devices, start + ROWS_PER_TRANSACTION);
      const batch: DeviceRecord[] = [];
      for (let i = start; i < end; i++) {
        const d = benchDevice(i, now);
        batch.push(d);
        tokens[i] = sessions.issue(d.id, now).token;
      }
      await db.transaction(async (tx) => {
        // Issued together so PostgreSQL pipelines them on the transaction's connection.
        await Promise.all(batch.map((d) => repo.insert(d, tx)));
        await tx.insertMany(
          "uptime_intervals",
          ["device_id", "kind", "start_at", "end_at"],
          batch.map((d) => [d.id, "online", now, now]),
          "error",
        );
      });
    }
    writeFileSync(o.tokensPath, tokens.join("\n") + "\n", { mode: 0o600 });
  } finally {
    await db.close();
  }
  return { devices: o.devices, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { db: { type: "string" }, devices: { type: "string", default: "1000" }, tokens: { type: "string" } },
  });
  if (!values.db || !values.tokens) {
    console.error("usage: seed.ts --db sqlite:<path>|postgres://… --devices N --tokens FILE (the store must be new)");
    process.exit(2);
  }
  const r = await seedStore({ db: values.db, devices: Number(values.devices), tokensPath: values.tokens });
  console.log(`seeded ${r.devices} devices in ${r.seconds.toFixed(1)} s; tokens in ${values.tokens}`);
}
