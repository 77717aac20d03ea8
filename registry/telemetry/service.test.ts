import { expect, test } from "bun:test";
import { describeEachEngine } from "../../tests/support/engines.ts";
import type { SqlDriver } from "../store/sql-driver.ts";
import type { TelemetryRepo } from "./repo.ts";
import { TelemetryService, type PresenceChange, type TelemetryServiceOptions } from "./service.ts";
import { SqlTelemetryRepo } from "./sql-telemetry-repo.ts";
import { heartbeat, metrics } from "./testing/records.ts";

const GRACE = 50_000;

/** Clock is the registry's time, moved by the test. */
class Clock {
  constructor(public t = 1_800_000_000_000) {}
  readonly now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

let nextDevice = 0;
const device = (name: string) => `${name}-${++nextDevice}`;

function open(db: SqlDriver, clock: Clock, options: Partial<TelemetryServiceOptions> = {}) {
  const presence: PresenceChange[] = [];
  const service = new TelemetryService({
    repo: new SqlTelemetryRepo(db),
    now: clock.now,
    graceMs: GRACE,
    onPresence: (c) => {
      presence.push(c);
    },
    ...options,
  });
  return { service, presence };
}

async function count(db: SqlDriver, table: string, deviceId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE device_id = $1`, [deviceId]);
  return Number(rows[0]!.n);
}

describeEachEngine("telemetry service", (db) => {
  test("a batch sent twice is stored once and the resend is counted as duplicates", async () => {
    const { service } = open(db(), new Clock());
    const id = device("resend");
    const batch = [heartbeat(1), metrics(2), heartbeat(3)];
    expect(await service.ingest(id, batch)).toEqual({ stored: 3, duplicates: 0 });
    expect(await service.ingest(id, batch)).toEqual({ stored: 0, duplicates: 3 });
    // Overlapping resend: the outbox retries a batch with one new record appended.
    expect(await service.ingest(id, [...batch, metrics(4)])).toEqual({ stored: 1, duplicates: 3 });
    expect(await count(db(), "heartbeats", id)).toBe(2);
    expect(await count(db(), "metrics", id)).toBe(2);
    expect(service.stats()).toMatchObject({ recordsStored: 4, duplicates: 6, heartbeatsStored: 2, metricsStored: 2 });
    await service.close();
  });

  test("the same record sent by two requests at once is stored once", async () => {
    const { service } = open(db(), new Clock());
    const id = device("race");
    const [a, b] = await Promise.all([service.ingest(id, [heartbeat(1), heartbeat(2)]), service.ingest(id, [heartbeat(2), heartbeat(1)])]);
    expect(a.stored + b.stored).toBe(2);
    expect(a.duplicates + b.duplicates).toBe(2);
    expect(await count(db(), "heartbeats", id)).toBe(2);
    await service.close();
  });

  test("200 concurrent one-record requests are all stored, in a few shared transactions", async () => {
    const { service } = open(db(), new Clock());
    const ids = Array.from({ length: 200 }, () => device("crowd"));
    const results = await Promise.all(ids.map((id) => service.ingest(id, [heartbeat(1)])));
    expect(results.every((r) => r.stored === 1 && r.duplicates === 0)).toBe(true);
    for (const id of [ids[0]!, ids[99]!, ids[199]!]) expect(await count(db(), "heartbeats", id)).toBe(1);
    const stats = service.stats();
    expect(stats.callsCommitted).toBe(200);
    expect(stats.batchesCommitted).toBeLessThanOrEqual(5);
    expect(stats.meanBatchCalls).toBeGreaterThanOrEqual(40);
    expect(stats.ingestLatencyMs.count).toBe(200);
    await service.close();
  });

  test("a batch never takes more than maxBatchRecords", async () => {
    const { service } = open(db(), new Clock(), { maxBatchRecords: 50 });
    const ids = Array.from({ length: 200 }, () => device("capped"));
    await Promise.all(ids.map((id) => service.ingest(id, [heartbeat(1)])));
    expect(service.stats().batchesCommitted).toBe(4);
    await service.close();
  });

  test("with batching off every request gets its own transaction", async () => {
    const { service } = open(db(), new Clock(), { batching: false });
    const ids = Array.from({ length: 200 }, () => device("solo"));
    const results = await Promise.all(ids.map((id) => service.ingest(id, [heartbeat(1)])));
    expect(results.every((r) => r.stored === 1)).toBe(true);
    expect(service.stats()).toMatchObject({ batchesCommitted: 200, callsCommitted: 200, meanBatchCalls: 1 });
    await service.close();
  });

  test("one request that the store refuses fails alone; the requests batched with it are stored", async () => {
    const repo = new SqlTelemetryRepo(db());
    const poisoned: TelemetryRepo = {
      latestIntervals: (since, ids) => repo.latestIntervals(since, ids),
      lastHeartbeat: (id) => repo.lastHeartbeat(id),
      uptimeIntervals: (id, a, b) => repo.uptimeIntervals(id, a, b),
      write: (fn) =>
        repo.write((w) =>
          fn({
            insertMetrics: (rows) => w.insertMetrics(rows),
            createIntervals: (rows) => w.createIntervals(rows),
            extendIntervals: (rows) => w.extendIntervals(rows),
            insertHeartbeats: (rows) => {
              if (rows.some((r) => r.deviceId.startsWith("poison"))) return Promise.reject(new Error("store refused the row"));
              return w.insertHeartbeats(rows);
            },
          }),
        ),
    };
    const service = new TelemetryService({ repo: poisoned, now: new Clock().now, graceMs: GRACE });
    const good = [device("good"), device("good"), device("good")];
    const bad = device("poison");
    const outcomes = await Promise.allSettled([...good.map((id) => service.ingest(id, [heartbeat(1)])), service.ingest(bad, [heartbeat(1)])]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
    for (const id of good) expect(await count(db(), "heartbeats", id)).toBe(1);
    expect(await count(db(), "heartbeats", bad)).toBe(0);
    expect(service.stats().callsFailed).toBe(1);
    await service.close();
  });

  test("heartbeats within the grace period extend one interval; after a longer gap a new one starts", async () => {
    const clock = new Clock();
    const { service } = open(db(), clock);
    const id = device("gap");
    const t0 = clock.t;
    await service.ingest(id, [heartbeat(1)]);
    clock.advance(15_000);
    await service.ingest(id, [heartbeat(2)]);
    clock.advance(GRACE); // exactly the grace period: still the same interval
    await service.ingest(id, [heartbeat(3)]);
    const t1 = clock.t;
    clock.advance(GRACE + 1);
    await service.ingest(id, [heartbeat(4)]);
    clock.advance(15_000);
    await service.ingest(id, [heartbeat(5), metrics(6)]);
    const intervals = await service.uptimeIntervals(id, 0, Number.MAX_SAFE_INTEGER);
    expect(intervals.map(({ kind, startAt, endAt }) => ({ kind, startAt, endAt }))).toEqual([
      { kind: "online", startAt: t0, endAt: t1 },
      { kind: "online", startAt: t1 + GRACE + 1, endAt: clock.t },
    ]);
    // A resent heartbeat is a duplicate: it moves no interval, even when it arrives much later.
    clock.advance(5 * GRACE);
    expect(await service.ingest(id, [heartbeat(5)])).toEqual({ stored: 0, duplicates: 1 });
    expect(await service.uptimeIntervals(id, 0, Number.MAX_SAFE_INTEGER)).toEqual(intervals);
    // A query window returns only the intervals that overlap it.
    expect((await service.uptimeIntervals(id, t1 + 1, t1 + GRACE)).length).toBe(0);
    expect((await service.uptimeIntervals(id, t1, t1)).length).toBe(1);
    await service.close();
  });

  test("paused heartbeats make paused intervals that join the online ones without a gap", async () => {
    const clock = new Clock();
    const { service } = open(db(), clock);
    const id = device("pause");
    const t0 = clock.t;
    await service.ingest(id, [heartbeat(1)]);
    clock.advance(15_000);
    await service.ingest(id, [heartbeat(2, { paused: true })]);
    clock.advance(15_000);
    await service.ingest(id, [heartbeat(3, { paused: true })]);
    clock.advance(15_000);
    await service.ingest(id, [heartbeat(4, { paused: false }), heartbeat(5)]);
    const intervals = await service.uptimeIntervals(id, 0, Number.MAX_SAFE_INTEGER);
    expect(intervals.map(({ kind, startAt, endAt }) => ({ kind, startAt, endAt }))).toEqual([
      { kind: "online", startAt: t0, endAt: t0 },
      { kind: "paused", startAt: t0, endAt: t0 + 30_000 },
      { kind: "online", startAt: t0 + 30_000, endAt: t0 + 45_000 },
    ]);
    await service.close();
  });

  test("several kind changes inside one batch are all written, and the last interval stays open", async () => {
    const clock = new Clock();
    const { service } = open(db(), clock);
    const id = device("flip");
    await Promise.all([service.ingest(id, [heartbeat(1)]), service.ingest(id, [heartbeat(2, { paused: true })]), service.ingest(id, [heartbeat(3)])]);
    clock.advance(10_000);
    await service.ingest(id, [heartbeat(4)]);
    const kinds = (await service.uptimeIntervals(id, 0, Number.MAX_SAFE_INTEGER)).map((i) => i.kind);
    expect(kinds).toEqual(["online", "paused", "online"]);
    const last = await service.uptimeIntervals(id, clock.t, clock.t);
    expect(last).toHaveLength(1);
    expect(last[0]!.kind).toBe("online");
    await service.close();
  });

  test("a device is announced online at its first heartbeat and offline once, after the grace period", async () => {
    const clock = new Clock();
    const { service, presence } = open(db(), clock);
    const id = device("presence");
    const t0 = clock.t;
    await service.ingest(id, [heartbeat(1)]);
    expect(presence).toEqual([{ deviceId: id, presence: "online", at: t0 }]);
    clock.advance(15_000);
    await service.ingest(id, [heartbeat(2), metrics(3)]);
    expect(presence).toHaveLength(1);
    expect(await service.presence(id)).toBe("online");

    clock.advance(GRACE);
    expect(await service.sweep()).toEqual([]);
    clock.advance(1);
    const swept = await service.sweep();
    expect(swept).toEqual([{ deviceId: id, presence: "offline", at: clock.t, lastHeartbeatAt: t0 + 15_000 }]);
    expect(await service.sweep(clock.t + 60_000)).toEqual([]);
    expect(presence.map((p) => p.presence)).toEqual(["online", "offline"]);
    expect(await service.presence(id)).toBe("offline");

    clock.advance(1000);
    await service.ingest(id, [heartbeat(4)]);
    expect(presence.map((p) => p.presence)).toEqual(["online", "offline", "online"]);
    expect(await service.uptimeIntervals(id, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(2);
    await service.close();
  });

  test("a sweep counts the heartbeats that arrived before it, even if they are not stored yet", async () => {
    const clock = new Clock();
    const { service, presence } = open(db(), clock);
    const id = device("just-in-time");
    await service.ingest(id, [heartbeat(1)]);
    clock.advance(GRACE);
    const late = service.ingest(id, [heartbeat(2)]);
    clock.advance(1);
    expect(await service.sweep()).toEqual([]);
    await late;
    expect(presence.map((p) => p.presence)).toEqual(["online"]);
    await service.close();
  });

  test("a device that only resends old records is not brought back online", async () => {
    const clock = new Clock();
    const { service, presence } = open(db(), clock);
    const id = device("ghost");
    await service.ingest(id, [heartbeat(1)]);
    clock.advance(GRACE + 1);
    await service.sweep();
    await service.ingest(id, [heartbeat(1)]);
    expect(presence.map((p) => p.presence)).toEqual(["online", "offline"]);
    expect(await service.presence(id)).toBe("offline");
    await service.close();
  });

  test("ingest answers after onPresence has handled the device coming online", async () => {
    const clock = new Clock();
    const handled: string[] = [];
    const { service } = open(db(), clock, {
      onPresence: async (c) => {
        await Bun.sleep(20);
        handled.push(c.deviceId);
      },
    });
    const id = device("ordered");
    await service.ingest(id, [heartbeat(1)]);
    expect(handled).toEqual([id]);
    await service.close();
  });

  test("a sweeper started on a timer finds silent devices", async () => {
    const clock = new Clock();
    const { service, presence } = open(db(), clock);
    const id = device("timer");
    await service.ingest(id, [heartbeat(1)]);
    clock.advance(GRACE + 1);
    const sweeper = service.startSweeper(5);
    await Bun.sleep(50);
    sweeper.stop();
    expect(presence.filter((p) => p.presence === "offline").map((p) => p.deviceId)).toEqual([id]);
    await service.close();
  });

  test("after a restart presence and intervals carry on from the store, without announcing anyone twice", async () => {
    const clock = new Clock();
    const before = open(db(), clock);
    const steady = device("steady");
    const silent = device("silent");
    const t0 = clock.t;
    await before.service.ingest(silent, [heartbeat(1)]);
    clock.advance(20_000);
    await before.service.ingest(steady, [heartbeat(1)]);
    await before.service.close();

    clock.advance(40_000); // steady last heard 40 s ago (within grace), silent 60 s ago (beyond it)
    const after = open(db(), clock);
    const loaded = await after.service.loadPresence();
    expect(loaded.online).toContain(steady);
    expect(loaded.online).not.toContain(silent);
    expect(await after.service.presence(steady)).toBe("online");
    expect(await after.service.presence(silent)).toBe("offline");

    await after.service.ingest(steady, [heartbeat(2)]);
    await after.service.ingest(silent, [heartbeat(2)]);
    expect(after.presence).toEqual([{ deviceId: silent, presence: "online", at: clock.t }]);
    const steadyIntervals = await after.service.uptimeIntervals(steady, 0, Number.MAX_SAFE_INTEGER);
    expect(steadyIntervals.map(({ startAt, endAt }) => [startAt, endAt])).toEqual([[t0 + 20_000, clock.t]]);
    expect(await after.service.uptimeIntervals(silent, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(2);
    expect(await after.service.sweep()).toEqual([]);
    await after.service.close();
  });

  test("without loadPresence, a device is looked up in the store the first time it is heard from", async () => {
    const clock = new Clock();
    const before = open(db(), clock);
    const id = device("lazy");
    await before.service.ingest(id, [heartbeat(1)]);
    await before.service.close();
    clock.advance(15_000);
    const after = open(db(), clock);
    await after.service.ingest(id, [heartbeat(2)]);
    expect(after.presence).toEqual([]);
    expect(await after.service.uptimeIntervals(id, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
    await after.service.close();
  });

  test("lastHeartbeat is the device's highest seq, with the device's own time and the registry's", async () => {
    const clock = new Clock();
    const { service } = open(db(), clock);
    const id = device("last");
    expect(await service.lastHeartbeat(id)).toBeNull();
    const deviceTime = Date.UTC(2020, 1, 1);
    await service.ingest(id, [heartbeat(7, { at: deviceTime, paused: true }), heartbeat(3)]);
    expect(await service.lastHeartbeat(id)).toEqual({
      deviceId: id,
      seq: 7,
      at: deviceTime,
      receivedAt: clock.t,
      paused: true,
      tailscaleState: "running",
      tailscaleIp: "100.64.0.7",
      kubeletState: "running",
      agentVersion: "0.1.0",
    });
    await service.close();
  });

  test("close commits what is queued and refuses what comes after", async () => {
    const { service } = open(db(), new Clock());
    const id = device("closing");
    const pending = service.ingest(id, [heartbeat(1)]);
    await service.close();
    expect(await pending).toEqual({ stored: 1, duplicates: 0 });
    await expect(service.ingest(id, [heartbeat(2)])).rejects.toMatchObject({ status: 503, code: "registry_stopping" });
  });

  test("when more records wait than the store keeps up with, new requests are refused with 503 and nothing is lost", async () => {
    const { service } = open(db(), new Clock(), { maxQueuedRecords: 10 });
    const id = device("busy");
    const accepted = Array.from({ length: 5 }, (_, i) => service.ingest(id, [heartbeat(2 * i + 1), metrics(2 * i + 2)]));
    await expect(service.ingest(id, [heartbeat(11)])).rejects.toMatchObject({ status: 503, code: "telemetry_busy" });
    expect((await Promise.all(accepted)).reduce((n, r) => n + r.stored, 0)).toBe(10);
    expect(await service.ingest(id, [heartbeat(11)])).toEqual({ stored: 1, duplicates: 0 });
    expect(service.stats().callsRefused).toBe(1);
    await service.close();
  });

  test("records of one request count in seq order, whatever order they came in", async () => {
    const clock = new Clock();
    const { service } = open(db(), clock);
    const id = device("unordered");
    await service.ingest(id, [heartbeat(1, { paused: true })]);
    clock.advance(15_000);
    // The device resumed (seq 3) after its last paused beat (seq 2); the array lists them the other way round.
    await service.ingest(id, [heartbeat(3, { paused: false }), heartbeat(2, { paused: true })]);
    clock.advance(15_000);
    await service.ingest(id, [heartbeat(4, { paused: false })]);
    const kinds = (await service.uptimeIntervals(id, 0, Number.MAX_SAFE_INTEGER)).map((i) => [i.kind, i.endAt - i.startAt]);
    expect(kinds).toEqual([
      ["paused", 15_000],
      ["online", 15_000],
    ]);
    await service.close();
  });

  test("stats feed /metrics: commit and ingest latency histograms are cumulative", async () => {
    const { service } = open(db(), new Clock());
    await Promise.all(Array.from({ length: 20 }, () => service.ingest(device("stats"), [heartbeat(1), metrics(2)])));
    const s = service.stats();
    expect(s.recordsStored).toBe(40);
    expect(s.meanBatchRecords).toBe(40 / s.batchesCommitted);
    expect(s.commitLatencyMs.count).toBe(s.batchesCommitted);
    const counts = s.ingestLatencyMs.buckets.map((b) => b.count);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(s.ingestLatencyMs.buckets.map((b) => b.le)).toEqual([1, 2, 5, 10, 25, 50, 100, 250, 500, 1000]);
    expect(s.ingestLatencyMs.count).toBe(20);
    await service.close();
  });
});
