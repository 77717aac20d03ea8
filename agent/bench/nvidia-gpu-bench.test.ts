import { describe, expect, test } from "bun:test";
import { fakeSources, healthyMachine, nvidiaFixture, withNvidiaSmi } from "../probe/fake-sources.ts";
import { nvidiaGpuBench } from "./nvidia-gpu-bench.ts";

const GiB = 1024 ** 3;

describe("the GPU part of the benchmark", () => {
  test("reports each GPU's Akash name, memory, max clocks and power limit", async () => {
    const sources = fakeSources(withNvidiaSmi(healthyMachine(), { code: 0, stdout: nvidiaFixture("rtx3090-dual.xml") }));
    const gpus = await nvidiaGpuBench(sources);
    expect(gpus).toHaveLength(2);
    expect(gpus[0]).toMatchObject({ index: 0, akashModel: "rtx3090" });
    expect(gpus[0]!.vramMiB).toBeGreaterThan(24000);
    expect(gpus[0]!.maxGraphicsClockMHz).toBeGreaterThan(1000);
    expect(gpus[0]!.powerLimitW).toBeGreaterThan(100);
  });

  test("a DGX Spark's unified memory counts as the GPU's memory", async () => {
    const sources = fakeSources(withNvidiaSmi(healthyMachine(), { code: 0, stdout: nvidiaFixture("gb10-dgx-spark.xml") }));
    const [gb10] = await nvidiaGpuBench(sources, 128 * GiB);
    expect(gb10).toMatchObject({ akashModel: "gb10", vramMiB: 128 * 1024 });
  });

  test("no driver means no GPUs, not a failed benchmark", async () => {
    const sources = fakeSources(withNvidiaSmi(healthyMachine(), { code: 9, stdout: nvidiaFixture("failed-no-driver.txt") }));
    expect(await nvidiaGpuBench(sources)).toEqual([]);
  });
});
