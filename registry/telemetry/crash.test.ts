import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../store/migrate.ts";
import { SQLITE_MIGRATIONS } from "../store/migrations/sqlite.ts";
import { SqliteDriver } from "../store/sqlite-driver.ts";
import { TelemetryService } from "./service.ts";
import { SqlTelemetryRepo } from "./sql-telemetry-repo.ts";
import { heartbeat } from "./testing/records.ts";

const CHILD = join(import.meta.dir, "testing", "ingest-until-killed.ts");

/** ingestUntilKilled runs the child until it has confirmed `atLeast` records, kills it with SIGKILL, and returns what it confirmed. */
async function ingestUntilKilled(path: string, atLeast: number): Promise<string[]> {
  const child = Bun.spawn([process.execPath, CHILD, path], { stdout: "pipe", stderr: "pipe" });
  const confirmed: string[] = [];
  let buffered = "";
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop()!; // an unfinished line was not fully confirmed
    confirmed.push(...lines.filter((l) => l !== "ready"));
    if (confirmed.length >= atLeast) {
      child.kill("SIGKILL");
      break;
    }
  }
  await child.exited;
  if (child.signalCode !== "SIGKILL") throw new Error(`the child ended by itself (exit ${child.exitCode}): ${await new Response(child.stderr).text()}`);
  return confirmed;
}

async function missing(db: SqliteDriver, confirmed: string[]): Promise<string[]> {
  const stored = new Set((await db.query<{ device_id: string; seq: number }>("SELECT device_id, seq FROM heartbeats")).map((r) => `${r.device_id} ${r.seq}`));
  return confirmed.filter((line) => !stored.has(line));
}

/** Heartbeats outside every interval of their device would mean the two were not written together. */
async function heartbeatsOutsideIntervals(db: SqliteDriver): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM heartbeats h WHERE NOT EXISTS (
       SELECT 1 FROM uptime_intervals u WHERE u.device_id = h.device_id AND u.start_at <= h.received_at AND u.end_at >= h.received_at)`,
  );
  return Number(rows[0]!.n);
}

test("every heartbeat whose ingest answered survives SIGKILL, with its uptime interval, and ingest carries on after restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "akash-home-telemetry-crash-"));
  const path = join(dir, "registry.db");
  try {
    const firstRun = await ingestUntilKilled(path, 3000);
    let db = new SqliteDriver(path);
    expect(await missing(db, firstRun)).toEqual([]);
    expect(await heartbeatsOutsideIntervals(db)).toBe(0);
    await db.close();

    // Restarted: presence comes back from the store and the next run continues on top of it.
    const secondRun = await ingestUntilKilled(path, 2000);
    db = new SqliteDriver(path);
    await migrate(db, SQLITE_MIGRATIONS);
    expect(await missing(db, [...firstRun, ...secondRun])).toEqual([]);
    expect(await heartbeatsOutsideIntervals(db)).toBe(0);

    const service = new TelemetryService({ repo: new SqlTelemetryRepo(db) });
    const { online } = await service.loadPresence();
    expect(online).toContain("crash-0");
    // The devices were heard from a moment ago: their open intervals go on, no new one starts.
    const before = (await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM uptime_intervals"))[0]!.n;
    expect(await service.ingest("crash-0", [heartbeat(10_000_001)])).toEqual({ stored: 1, duplicates: 0 });
    expect((await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM uptime_intervals"))[0]!.n).toBe(before);
    await service.close();
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
