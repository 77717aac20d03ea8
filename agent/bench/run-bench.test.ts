import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { BenchResult, type BenchProgress, type GpuBench } from "../../protocol/bench.ts";
import { loadBench, runBench, saveBench } from "./run-bench.ts";
import { networkTargets } from "./registry-targets.ts";
import { closedPort, startFakeRegistry } from "./testdata/fake-registry.ts";

const scratch = mkdtempSync(join(tmpdir(), "akash-bench-run-"));
const registry = startFakeRegistry({ closedPort: closedPort() });
afterAll(() => {
  registry.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const gpu: GpuBench = { index: 0, name: "NVIDIA GeForce RTX 4090", akashModel: "rtx4090", vramMiB: 24564, maxGraphicsClockMHz: 3120, maxMemoryClockMHz: 10501, powerLimitW: 450 };

describe("a quick benchmark against a registry", () => {
  const stateDir = join(scratch, "state");
  const events: BenchProgress[] = [];
  let result: BenchResult;
  let tookMs = 0;

  beforeAll(async () => {
    const targets = await networkTargets(registry.url);
    const t = performance.now();
    result = await runBench({ quick: true, stateDir, ...targets, onProgress: (p) => events.push(p), gpus: async () => [gpu] });
    tookMs = performance.now() - t;
  }, 30_000);

  test("finishes in under 10 seconds", () => {
    expect(tookMs).toBeLessThan(10_000);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.quick).toBe(true);
  });

  test("gives a valid result with sane positive numbers for every part", () => {
    expect(v.parse(BenchResult, result)).toEqual(result);
    expect(result.cpu.threads).toBeGreaterThanOrEqual(1);
    expect(result.cpu.singleCore).toBeGreaterThan(0);
    expect(result.cpu.multiCore).toBeGreaterThan(0);
    expect(result.memory.bandwidthMBps).toBeGreaterThan(100);
    expect(result.disk.path).toBe(stateDir);
    expect(result.disk.seqWriteMBps).toBeGreaterThan(0);
    expect(result.disk.seqReadMBps).toBeGreaterThan(0);
    expect(result.disk.fsyncP50Ms).toBeGreaterThan(0);
    expect(result.disk.fsyncP99Ms).toBeGreaterThanOrEqual(result.disk.fsyncP50Ms);
    expect(Date.parse(result.startedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  test("measures each region, recording the unreachable one as an error", () => {
    const near = result.network.regions.find((r) => r.regionId === "near")!;
    const gone = result.network.regions.find((r) => r.regionId === "gone")!;
    expect(near.rttMs).toBeGreaterThan(0);
    expect(near.error).toBeNull();
    expect(gone.rttMs).toBeNull();
    expect(gone.error).not.toBeNull();
    expect(registry.probes.get("near")).toBeGreaterThanOrEqual(2);
    expect(result.network.downloadMBps).toBeGreaterThan(0);
    expect(result.network.error).toBeNull();
  });

  test("includes what the injected GPU probe reported", () => {
    expect(result.gpus).toEqual([gpu]);
  });

  test("reports progress for each part in order, from 0 to 1, ending with done", () => {
    const steps = events.map((e) => e.step);
    expect([...new Set(steps)]).toEqual(["cpu-single", "cpu-multi", "memory", "disk", "network", "gpu", "done"]);
    // Each part says when it starts and when it ends.
    for (const s of ["cpu-single", "cpu-multi", "memory", "disk", "network", "gpu"]) expect(steps.filter((x) => x === s)).toHaveLength(2);
    expect(events[0]!.fraction).toBe(0);
    expect(events.at(-1)).toMatchObject({ step: "done", fraction: 1 });
    for (let i = 1; i < events.length; i++) expect(events[i]!.fraction).toBeGreaterThanOrEqual(events[i - 1]!.fraction);
    for (const e of events) expect(e.message.length).toBeGreaterThan(0);
  });

  test("leaves no temp files in the state dir", () => {
    expect(readdirSync(stateDir)).toEqual([]);
  });

  test("a saved result reads back the same from a 0600 file", () => {
    saveBench(stateDir, result);
    expect(statSync(join(stateDir, "bench.json")).mode & 0o777).toBe(0o600);
    expect(loadBench(stateDir)).toEqual(result);
  });
});

describe("when things go wrong", () => {
  test("no saved benchmark reads as null", () => {
    expect(loadBench(join(scratch, "never-benched"))).toBeNull();
  });

  test("a state dir that cannot be written fails at once, before minutes of work", async () => {
    const file = join(scratch, "not-a-dir");
    writeFileSync(file, "");
    const t = performance.now();
    await expect(runBench({ quick: true, stateDir: join(file, "state"), regions: [], downloadUrl: null })).rejects.toThrow("cannot write in");
    expect(performance.now() - t).toBeLessThan(1000);
  });

  test("a hanging GPU probe and an unreachable registry still give a result in time, with the problems in it", async () => {
    const events: BenchProgress[] = [];
    const targets = await networkTargets(`http://127.0.0.1:${closedPort()}`);
    const r = await runBench({
      quick: true,
      stateDir: join(scratch, "state2"),
      ...targets,
      onProgress: (p) => events.push(p),
      // nvidia-smi can hang when the driver is wedged; the benchmark must not.
      gpus: () => new Promise<GpuBench[]>(() => {}),
    });
    expect(r.durationMs).toBeLessThan(10_000);
    expect(r.gpus).toEqual([]);
    expect(events.find((e) => e.step === "gpu" && e.message.includes("did not answer within"))).toBeDefined();
    expect(r.network.regions).toEqual([]);
    expect(r.network.downloadMBps).toBeNull();
    expect(r.network.error).toContain("registry not reachable");
    expect(r.cpu.singleCore).toBeGreaterThan(0);
  }, 30_000);
});
