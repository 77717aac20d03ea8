import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { Heartbeat, Metrics } from "../../protocol/telemetry.ts";
import { TelemetryCollector, cpuPercentBetween, parseMeminfo, parseNvidiaSmiGpus, parseProcStatCpu, type CollectorOptions } from "./collector.ts";

const STAT_BEFORE = `cpu  221019 4541 66166 767366 6429 0 1099 648 0 0
cpu0 111911 2292 23767 394847 616 0 209 332 0 0
cpu1 109107 2248 42398 372519 5813 0 889 316 0 0
intr 4162115 0 0 0
ctxt 11308956
btime 1767225600
`;
// 400 ticks later: 100 busy (user 60, system 30, irq 5, softirq 5), 300 idle (idle 280, iowait 20).
const STAT_AFTER = `cpu  221079 4541 66196 767646 6449 5 1104 648 0 0
cpu0 111941 2292 23782 394987 626 3 211 332 0 0
cpu1 109137 2248 42413 372659 5823 2 893 316 0 0
intr 4163115 0 0 0
`;
const MEMINFO = `MemTotal:       24684092 kB
MemFree:        23576628 kB
MemAvailable:   23757208 kB
Buffers:            8656 kB
Cached:           331444 kB
SwapCached:            0 kB
Active(anon):     120000 kB
HugePages_Total:       0
`;
const MEMINFO_OLD_KERNEL = `MemTotal:        1000000 kB
MemFree:          200000 kB
Buffers:           50000 kB
Cached:           250000 kB
`;
const NVIDIA_SMI = `0, 37, 1234
1, 100, 80511
`;

describe("parsing /proc", () => {
  test("CPU use is the busy share of the ticks between two samples, iowait counted as idle", () => {
    const before = parseProcStatCpu(STAT_BEFORE)!;
    const after = parseProcStatCpu(STAT_AFTER)!;
    expect(after.total - before.total).toBe(400);
    expect(cpuPercentBetween(before, after)).toBe(25);
  });

  test("no ticks, counters that went backwards, or text without a cpu line give 0 or nothing, not NaN", () => {
    const s = parseProcStatCpu(STAT_BEFORE)!;
    expect(cpuPercentBetween(s, s)).toBe(0);
    expect(cpuPercentBetween(parseProcStatCpu(STAT_AFTER)!, s)).toBe(0);
    expect(parseProcStatCpu("intr 1 2 3\n")).toBeNull();
    expect(parseProcStatCpu("cpu  1 2 x 4\n")).toBeNull();
    expect(parseProcStatCpu("")).toBeNull();
  });

  test("memory used is total minus available, in bytes", () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ totalBytes: 24684092 * 1024, usedBytes: (24684092 - 23757208) * 1024 });
  });

  test("kernels without MemAvailable count free, buffers and cache as available", () => {
    expect(parseMeminfo(MEMINFO_OLD_KERNEL)).toEqual({ totalBytes: 1_000_000 * 1024, usedBytes: 500_000 * 1024 });
    expect(parseMeminfo("garbage\n")).toBeNull();
  });

  test("nvidia-smi lines become GPUs; lines it could not fill in are left out", () => {
    expect(parseNvidiaSmiGpus(NVIDIA_SMI)).toEqual([
      { index: 0, utilPercent: 37, memoryUsedMiB: 1234 },
      { index: 1, utilPercent: 100, memoryUsedMiB: 80511 },
    ]);
    const messy = "0, [N/A], 512\n1, 5, 100\nNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n2, -3, 4\n3, 7\n";
    expect(parseNvidiaSmiGpus(messy)).toEqual([{ index: 1, utilPercent: 5, memoryUsedMiB: 100 }]);
    expect(parseNvidiaSmiGpus("")).toEqual([]);
  });
});

function collector(over: Partial<CollectorOptions> = {}, files: Record<string, string> = {}) {
  const texts = { "/proc/stat": STAT_AFTER, "/proc/meminfo": MEMINFO, ...files };
  let smiCalls = 0;
  const c = new TelemetryCollector({
    agentVersion: "0.3.0",
    paused: () => false,
    hasNvidiaGpu: false,
    ...over,
    sources: {
      now: () => Date.parse("2026-03-01T12:00:00.000Z"),
      readText: async (p) => {
        const t = (texts as Record<string, string>)[p];
        if (t === undefined) throw new Error(`ENOENT: ${p}`);
        return t;
      },
      nvidiaSmi: async () => {
        smiCalls++;
        return NVIDIA_SMI;
      },
      ...over.sources,
    },
  });
  return { c, smiCalls: () => smiCalls, texts };
}

describe("records", () => {
  test("a heartbeat before the join drivers exist says tailscale and kubelet are absent", async () => {
    const hb = await collector({ paused: () => true }).c.heartbeat();
    expect(hb).toEqual({
      kind: "heartbeat",
      at: "2026-03-01T12:00:00.000Z",
      paused: true,
      tailscale: { state: "absent", ip: null },
      kubelet: { state: "absent" },
      agentVersion: "0.3.0",
    });
    expect(v.is(Heartbeat, { ...hb, seq: 1 })).toBe(true);
  });

  test("the join code's view is used when it is wired, and a failing one reads as error", async () => {
    const hb = await collector({ tailscale: async () => ({ state: "running", ip: "100.64.0.7" }), kubelet: () => "starting" }).c.heartbeat();
    expect(hb.tailscale).toEqual({ state: "running", ip: "100.64.0.7" });
    expect(hb.kubelet.state).toBe("starting");
    const broken = await collector({
      tailscale: () => {
        throw new Error("socket gone");
      },
      kubelet: async () => {
        throw new Error("no");
      },
    }).c.heartbeat();
    expect(broken.tailscale.state).toBe("error");
    expect(broken.kubelet.state).toBe("error");
  });

  test("metrics measure CPU since the last sample, memory from meminfo, and pods from the join code", async () => {
    const { c, texts } = collector({ pods: () => 3 });
    texts["/proc/stat"] = STAT_BEFORE;
    await c.primeCpu();
    texts["/proc/stat"] = STAT_AFTER;
    const m = await c.metrics();
    expect(m).toEqual({
      kind: "metrics",
      at: "2026-03-01T12:00:00.000Z",
      cpuPercent: 25,
      memoryUsedBytes: (24684092 - 23757208) * 1024,
      memoryTotalBytes: 24684092 * 1024,
      gpus: [],
      pods: 3,
    });
    expect(v.is(Metrics, { ...m, seq: 1 })).toBe(true);
  });

  test("nvidia-smi runs only on machines with NVIDIA GPUs", async () => {
    const without = collector();
    expect((await without.c.metrics()).gpus).toEqual([]);
    expect(without.smiCalls()).toBe(0);
    const withGpu = collector({ hasNvidiaGpu: true });
    expect((await withGpu.c.metrics()).gpus).toHaveLength(2);
    expect(withGpu.smiCalls()).toBe(1);
  });

  test("when every source fails the record is still valid and nothing throws", async () => {
    const { c } = collector(
      {
        hasNvidiaGpu: true,
        pods: () => {
          throw new Error("x");
        },
        sources: {
          nvidiaSmi: async () => {
            throw new Error("driver wedged");
          },
        },
      },
      { "/proc/stat": "nonsense", "/proc/meminfo": "" },
    );
    const m = await c.metrics();
    expect(m).toMatchObject({ cpuPercent: 0, memoryUsedBytes: 0, memoryTotalBytes: 0, gpus: [], pods: 0 });
    expect(v.is(Metrics, { ...m, seq: 1 })).toBe(true);
  });

  test("a hung nvidia-smi is not called again until it returns", async () => {
    let calls = 0;
    let finish!: (s: string) => void;
    const { c } = collector({
      hasNvidiaGpu: true,
      sources: {
        nvidiaSmi: () => {
          calls++;
          return new Promise((r) => (finish = r));
        },
      },
    });
    const first = c.metrics();
    expect((await c.metrics()).gpus).toEqual([]);
    expect(calls).toBe(1);
    finish(NVIDIA_SMI);
    expect((await first).gpus).toHaveLength(2);
  });
});

describe("on this machine", () => {
  test.skipIf(process.platform !== "linux")("the real /proc gives memory and a CPU sample; a missing nvidia-smi gives no GPUs", async () => {
    // Where nvidia-smi is missing, claim a GPU anyway: the failed spawn must end in an empty list.
    const c = new TelemetryCollector({ agentVersion: "t", paused: () => false, hasNvidiaGpu: !Bun.which("nvidia-smi") });
    await c.primeCpu();
    const m = await c.metrics();
    expect(m.memoryTotalBytes).toBeGreaterThan(0);
    expect(m.memoryUsedBytes).toBeGreaterThan(0);
    expect(m.gpus).toEqual([]);
    expect(v.is(Metrics, { ...m, seq: 1 })).toBe(true);
  });
});
