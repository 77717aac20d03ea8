import { describe, expect, test } from "bun:test";
import type { TelemetryRecord } from "../../protocol/telemetry.ts";
import type { HeartbeatDraft, MetricsDraft } from "./collector.ts";
import type { TelemetryDraft } from "./outbox.ts";
import type { Clock } from "./sender.ts";
import { TelemetryLoop } from "./telemetry-loop.ts";

const heartbeat: HeartbeatDraft = { kind: "heartbeat", at: "2026-03-01T12:00:00.000Z", paused: false, tailscale: { state: "absent", ip: null }, kubelet: { state: "absent" }, agentVersion: "t" };
const metrics: MetricsDraft = { kind: "metrics", at: "2026-03-01T12:00:00.000Z", cpuPercent: 1, memoryUsedBytes: 1, memoryTotalBytes: 2, gpus: [], pods: 0 };

function harness(appendFails = () => false) {
  const kinds: string[] = [];
  const logs: string[] = [];
  const sleeps: number[] = [];
  let flushes = 0;
  let t = 0;
  let runOut: (() => void) | null = null;
  const clock: Clock = {
    now: () => t,
    sleep: (ms, wake) =>
      new Promise((resolve) => {
        sleeps.push(ms);
        const done = () => {
          runOut = null;
          resolve();
        };
        if (wake.aborted) return done();
        runOut = () => {
          t += ms;
          done();
        };
        wake.addEventListener("abort", done, { once: true });
      }),
  };
  const loop = new TelemetryLoop({
    collector: { heartbeat: async () => heartbeat, metrics: async () => metrics },
    outbox: {
      append: (d: TelemetryDraft) => {
        if (appendFails()) throw new Error("ENOSPC: no space left on device");
        kinds.push(d.kind);
        return { ...d, seq: kinds.length } as TelemetryRecord;
      },
    },
    sender: { heartbeatIntervalMs: () => 15_000, flushNow: () => flushes++ },
    metricsEveryMs: 60_000,
    clock,
    log: (e) => logs.push(e),
  });
  const next = async () => {
    const before = sleeps.length;
    runOut?.();
    for (let i = 0; i < 100 && sleeps.length === before; i++) await Bun.sleep(0);
  };
  return { loop, kinds, logs, sleeps, flushes: () => flushes, next };
}

describe("the telemetry loop", () => {
  test("queues a heartbeat every interval and metrics every minute, and has each sent at once", async () => {
    const h = harness();
    h.loop.start();
    await h.next();
    for (let i = 0; i < 8; i++) await h.next();
    await h.loop.stop();
    expect(h.sleeps.every((ms) => ms === 15_000)).toBe(true);
    // Nine ticks over two minutes: metrics at the fourth and eighth, a minute after start and after each other.
    expect(h.kinds.filter((k) => k === "heartbeat")).toHaveLength(9);
    expect(h.kinds.filter((k) => k === "metrics")).toHaveLength(2);
    expect(h.flushes()).toBe(9);
  });

  test("a full disk is logged once and the loop keeps going", async () => {
    let failing = true;
    const h = harness(() => failing);
    h.loop.start();
    await h.next();
    await h.next();
    failing = false;
    await h.next();
    await h.loop.stop();
    expect(h.logs).toEqual(["cannot queue telemetry", "telemetry queued again"]);
    expect(h.kinds).toEqual(["heartbeat"]);
  });
});
