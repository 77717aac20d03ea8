import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TelemetryAck, TelemetryBatch } from "../../protocol/telemetry.ts";
import { Outbox } from "./outbox.ts";
import { TelemetryRejected, TelemetrySender, TelemetryUnavailable, telemetryErrorForStatus, type Clock, type TelemetrySenderOptions } from "./sender.ts";

/** FakeClock never waits by itself: a sleep ends when the test lets it run out, or when it is woken. */
class FakeClock implements Clock {
  t = Date.parse("2026-03-01T12:00:00.000Z");
  sleeps: number[] = [];
  private runOut: (() => void) | null = null;
  now() {
    return this.t;
  }
  sleep(ms: number, wake: AbortSignal) {
    this.sleeps.push(ms);
    return new Promise<void>((resolve) => {
      const done = () => {
        this.runOut = null;
        wake.removeEventListener("abort", done);
        resolve();
      };
      if (wake.aborted) return done();
      this.runOut = () => {
        this.t += ms;
        done();
      };
      wake.addEventListener("abort", done);
    });
  }
  elapse() {
    this.runOut?.();
  }
}

async function until(cond: () => boolean, what = "condition"): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await Bun.sleep(1);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ACK: TelemetryAck = { stored: 1, duplicates: 0, state: "online", heartbeatIntervalS: 15 };

/** Registry is a scripted transport: it answers with the next scripted outcome (default: stored). */
class Registry {
  batches: number[][] = [];
  script: Array<Error | Partial<TelemetryAck>> = [];
  async send(batch: TelemetryBatch): Promise<TelemetryAck> {
    this.batches.push(batch.records.map((r) => r.seq));
    const next = this.script.shift();
    if (next instanceof Error) throw next;
    return { ...ACK, stored: batch.records.length, ...next };
  }
  get seqs() {
    return this.batches.flat();
  }
}

let dir: string;
let outbox: Outbox;
let registry: Registry;
let clock: FakeClock;
let logs: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "akash-home-sender-"));
  outbox = Outbox.open(join(dir, "outbox"));
  registry = new Registry();
  clock = new FakeClock();
  logs = [];
});
afterEach(() => {
  outbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function sender(opts: Partial<TelemetrySenderOptions> = {}) {
  return new TelemetrySender({ outbox, transport: registry, clock, random: () => 0.5, log: (e) => logs.push(e), drainGapMs: 0, ...opts });
}
function queue(count: number) {
  for (let i = 0; i < count; i++) {
    outbox.append({ kind: "heartbeat", at: new Date(clock.t).toISOString(), paused: false, tailscale: { state: "absent", ip: null }, kubelet: { state: "absent" }, agentVersion: "t" });
  }
}
const down = () => new TelemetryUnavailable("connection refused");

describe("delivery", () => {
  test("records leave the outbox only once the registry confirmed them", async () => {
    const s = sender();
    queue(3);
    registry.script = [down()];
    await s.flushOnce();
    expect(outbox.stats().queued).toBe(3);
    expect(s.status()).toMatchObject({ queued: 3, lastError: "connection refused", failures: 1, lastSentAt: null });
    await s.flushOnce();
    expect(outbox.stats().queued).toBe(0);
    expect(registry.batches).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(s.status()).toMatchObject({ queued: 0, lastError: null, failures: 0, lastSentAt: new Date(clock.t).toISOString(), registryState: "online" });
  });

  test("never more than 500 records in one batch, oldest first", async () => {
    const s = sender();
    queue(1001);
    while (outbox.stats().queued > 0) await s.flushOnce();
    expect(registry.batches.map((b) => b.length)).toEqual([500, 500, 1]);
    expect(registry.seqs).toEqual(Array.from({ length: 1001 }, (_, i) => i + 1));
  });

  test("records queued while a batch is in flight are not acknowledged with it", async () => {
    const s = sender();
    queue(2);
    registry.send = async (batch) => {
      registry.batches.push(batch.records.map((r) => r.seq));
      queue(1);
      return ACK;
    };
    await s.flushOnce();
    expect(outbox.peek(10).map((r) => r.seq)).toEqual([3]);
  });

  test("the registry's decision and interval reach the daemon", async () => {
    const acks: TelemetryAck[] = [];
    const s = sender({ onAck: (a) => acks.push(a) });
    queue(1);
    registry.script = [{ state: "paused", heartbeatIntervalS: 30 }];
    const wait = await s.flushOnce();
    expect(acks.map((a) => a.state)).toEqual(["paused"]);
    expect(s.status()).toMatchObject({ registryState: "paused", heartbeatIntervalS: 30 });
    expect(s.heartbeatIntervalMs()).toBe(30_000);
    expect(wait).toBe(30_000);
  });

  test("an absurd interval from the registry is kept within reason", async () => {
    const s = sender();
    queue(2);
    registry.script = [{ heartbeatIntervalS: 0 }, { heartbeatIntervalS: Number.POSITIVE_INFINITY }];
    await s.flushOnce();
    expect(s.heartbeatIntervalMs()).toBe(5_000);
    queue(1);
    await s.flushOnce();
    expect(s.heartbeatIntervalMs()).toBe(15_000);
  });

  test("the default interval is 15 s and an empty outbox waits that long", async () => {
    expect(await sender().flushOnce()).toBe(15_000);
    expect(registry.batches).toEqual([]);
  });
});

describe("outages", () => {
  test("backoff doubles from 1 s up to 5 min with jitter, and resets after a success", async () => {
    let r = 0.5;
    const s = sender({ random: () => r });
    queue(1);
    registry.script = Array.from({ length: 12 }, down);
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) waits.push(await s.flushOnce());
    // Each wait lies between half and all of 1 s, 2 s, 4 s, … capped at 300 s.
    expect(waits).toEqual([750, 1500, 3000, 6000, 12_000, 24_000, 48_000, 96_000, 192_000, 225_000, 225_000, 225_000]);
    expect(outbox.stats().queued).toBe(1);
    await s.flushOnce();
    expect(outbox.stats().queued).toBe(0);
    queue(1);
    registry.script = [down()];
    r = 0.999;
    expect(await s.flushOnce()).toBeCloseTo(999.5, 0);
    r = 0;
    registry.script = Array.from({ length: 20 }, down);
    let longest = 0;
    for (let i = 0; i < 20; i++) longest = Math.max(longest, await s.flushOnce());
    expect(longest).toBe(150_000);
  });

  test("Retry-After from the registry is honoured", async () => {
    const s = sender();
    queue(1);
    registry.script = [new TelemetryUnavailable("slow down", 42_000)];
    expect(await s.flushOnce()).toBe(42_000);
  });

  test("an unexpected transport error keeps the records like an outage does", async () => {
    const s = sender();
    queue(1);
    registry.script = [new TypeError("fetch failed")];
    expect(await s.flushOnce()).toBe(750);
    expect(outbox.stats().queued).toBe(1);
  });

  test("an outage is logged once, and the recovery once", async () => {
    const s = sender();
    queue(1);
    registry.script = [down(), down(), down()];
    for (let i = 0; i < 4; i++) await s.flushOnce();
    expect(logs.filter((l) => l.startsWith("telemetry"))).toEqual(["telemetry not delivered; keeping it and retrying", "telemetry delivered again"]);
  });
});

describe("refusals", () => {
  test("an invalid batch is discarded, counted and logged once; the queue moves on", async () => {
    const s = sender({ batchMax: 2 });
    queue(5);
    registry.script = [new TelemetryRejected("seq 1: at is in the future", 422), new TelemetryRejected("same", 400)];
    for (let i = 0; i < 3; i++) await s.flushOnce();
    expect(registry.batches).toEqual([
      [1, 2],
      [3, 4],
      [5],
    ]);
    expect(outbox.stats().queued).toBe(0);
    expect(s.status()).toMatchObject({ rejected: 4, failures: 0 });
    expect(logs.filter((l) => l.includes("refused"))).toHaveLength(1);
  });

  test("a batch too large for the registry is sent in halves, and nothing is lost", async () => {
    const s = sender();
    queue(10);
    registry.script = [new TelemetryRejected("body too large", 413), new TelemetryRejected("body too large", 413)];
    while (outbox.stats().queued > 0) await s.flushOnce();
    expect(registry.batches.map((b) => b.length)).toEqual([10, 5, 3, 3, 3, 1]);
    expect(new Set(registry.seqs).size).toBe(10);
    expect(s.status().rejected).toBe(0);
  });

  test("a single record too large is discarded like an invalid one", async () => {
    const s = sender();
    queue(1);
    registry.script = [new TelemetryRejected("body too large", 413)];
    await s.flushOnce();
    expect(s.status()).toMatchObject({ queued: 0, rejected: 1 });
  });

  test("status codes map to the two errors as the ingest endpoint uses them", () => {
    expect([400, 413, 422].map((c) => telemetryErrorForStatus(c, "x") instanceof TelemetryRejected)).toEqual([true, true, true]);
    expect([401, 403, 408, 429, 500, 502, 503].map((c) => telemetryErrorForStatus(c, "x") instanceof TelemetryUnavailable)).toEqual(Array(7).fill(true));
  });
});

describe("the loop", () => {
  test("new records are sent at once when flushNow is called, not at the next interval", async () => {
    const s = sender();
    s.start();
    await until(() => clock.sleeps.length === 1, "idle wait");
    expect(clock.sleeps).toEqual([15_000]);
    queue(1);
    s.flushNow();
    await until(() => registry.batches.length === 1, "send");
    await s.stop();
  });

  test("flushNow does not cut a backoff short; the backoff running out does retry", async () => {
    const s = sender();
    queue(1);
    registry.script = [down()];
    s.start();
    await until(() => clock.sleeps.length === 1, "backoff");
    expect(clock.sleeps).toEqual([750]);
    s.flushNow();
    await Bun.sleep(5);
    expect(registry.batches).toHaveLength(1);
    clock.elapse();
    await until(() => registry.batches.length === 2, "retry");
    await until(() => outbox.stats().queued === 0, "ack");
    await s.stop();
  });

  test("stop waits for the send in flight and acknowledges it", async () => {
    let release!: (ack: TelemetryAck) => void;
    registry.send = (batch) => {
      registry.batches.push(batch.records.map((r) => r.seq));
      return new Promise((resolve) => (release = resolve));
    };
    const s = sender();
    queue(2);
    s.start();
    await until(() => registry.batches.length === 1, "send");
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await Bun.sleep(5);
    expect(stopped).toBe(false);
    release(ACK);
    await stopping;
    expect(outbox.stats().queued).toBe(0);
    expect(registry.batches).toHaveLength(1);
  });
});
