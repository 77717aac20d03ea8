import { expect, test } from "bun:test";
import { describeEachEngine } from "../../tests/support/engines.ts";
import type { HeartbeatRow, MetricsRow } from "./repo.ts";
import { SqlTelemetryRepo, type NewRowDetection } from "./sql-telemetry-repo.ts";

const T = 1_800_000_000_000;

function hbRow(deviceId: string, seq: number): HeartbeatRow {
  return { deviceId, seq, at: T - 5, receivedAt: T, paused: false, tailscaleState: "running", tailscaleIp: null, kubeletState: "running", agentVersion: "0.1.0" };
}

function metricsRow(deviceId: string, seq: number): MetricsRow {
  return { deviceId, seq, at: T, receivedAt: T, cpuPercent: 1.5, memoryUsedBytes: 10, memoryTotalBytes: 20, gpus: [], pods: 0 };
}

const STRATEGIES: { detectNew: NewRowDetection; multiRowUpdates: boolean }[] = [
  { detectNew: "changes", multiRowUpdates: false },
  { detectNew: "returning", multiRowUpdates: true },
  { detectNew: "probe", multiRowUpdates: true },
];

describeEachEngine("telemetry repo", (db) => {
  for (const strategy of STRATEGIES) {
    const tag = `${strategy.detectNew}, ${strategy.multiRowUpdates ? "multi-row" : "row-by-row"} updates`;

    test(`(${tag}) inserts say row by row which records were new, across batches and within one`, async () => {
      const repo = new SqlTelemetryRepo(db(), strategy);
      const dev = `dev-${strategy.detectNew}`;
      // 600 rows cross the chunk sizes (512 + 64 + 16 + 8).
      const first = Array.from({ length: 600 }, (_, i) => hbRow(dev, i + 1));
      expect((await repo.write((w) => w.insertHeartbeats(first))).every(Boolean)).toBe(true);
      const mixed = [hbRow(dev, 5), hbRow(dev, 601), hbRow(dev, 601), hbRow(dev, 600), hbRow(`${dev}-other`, 5)];
      expect(await repo.write((w) => w.insertHeartbeats(mixed))).toEqual([false, true, false, false, true]);
      const m = [metricsRow(dev, 1000), metricsRow(dev, 1000), metricsRow(dev, 1001)];
      expect(await repo.write((w) => w.insertMetrics(m))).toEqual([true, false, true]);
      expect(await repo.write((w) => w.insertMetrics(m))).toEqual([false, false, false]);
      const rows = await db().query<{ n: number }>("SELECT COUNT(*) AS n FROM heartbeats WHERE device_id = $1", [dev]);
      expect(Number(rows[0]!.n)).toBe(601);
      expect((await repo.lastHeartbeat(dev))?.seq).toBe(601);
    });

    test(`(${tag}) created intervals get their ids in order, and extending moves only their ends`, async () => {
      const repo = new SqlTelemetryRepo(db(), strategy);
      const dev = (i: number) => `iv-${strategy.detectNew}-${i}`;
      const fresh = Array.from({ length: 70 }, (_, i) => ({ deviceId: dev(i % 7), kind: i % 2 ? ("paused" as const) : ("online" as const), startAt: T + i, endAt: T + i }));
      const ids = await repo.write((w) => w.createIntervals(fresh));
      expect(ids).toHaveLength(70);
      expect(new Set(ids).size).toBe(70);
      for (const i of [0, 33, 69]) {
        const [stored] = await repo.uptimeIntervals(dev(i % 7), T + i, T + i);
        expect(stored).toEqual({ id: ids[i]!, ...fresh[i]! });
      }
      await repo.write((w) => w.extendIntervals(ids.slice(60).map((id, k) => ({ id, endAt: T + 1000 + k }))));
      const latest = await repo.latestIntervals(0, [dev(0), dev(6), "nobody"]);
      expect(latest.map((l) => [l.deviceId, l.id, l.endAt]).sort()).toEqual(
        [
          [dev(0), ids[63]!, T + 1003],
          [dev(6), ids[69]!, T + 1009],
        ].sort(),
      );
      const all = await repo.latestIntervals(0);
      expect(all.filter((l) => l.deviceId.startsWith(`iv-${strategy.detectNew}-`))).toHaveLength(7);
      // Devices whose latest interval ended before the cut-off are left out.
      const recent = await repo.latestIntervals(T + 1006);
      expect(recent.filter((l) => l.deviceId.startsWith(`iv-${strategy.detectNew}-`)).map((l) => l.deviceId).sort()).toEqual([dev(3), dev(4), dev(5), dev(6)].sort());
    });
  }

  test("a failed transaction leaves no rows behind", async () => {
    const repo = new SqlTelemetryRepo(db());
    await expect(
      repo.write(async (w) => {
        await w.insertHeartbeats([hbRow("rollback", 1)]);
        await w.createIntervals([{ deviceId: "rollback", kind: "online", startAt: T, endAt: T }]);
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect(await repo.lastHeartbeat("rollback")).toBeNull();
    expect(await repo.latestIntervals(0, ["rollback"])).toEqual([]);
  });
});
