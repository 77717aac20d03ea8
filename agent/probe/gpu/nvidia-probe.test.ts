import { describe, expect, test } from "bun:test";
import { fakeSources, healthyMachine, nvidiaFixture, withNvidiaSmi } from "../fake-sources.ts";
import { probeNvidia, readNvidiaGpus } from "./nvidia-probe.ts";

const smi = (result: Parameters<typeof withNvidiaSmi>[1]) => fakeSources(withNvidiaSmi(healthyMachine(), result));

describe("probeNvidia", () => {
  test("no nvidia-smi on the machine is 'missing', not an error", async () => {
    expect(await probeNvidia(fakeSources(healthyMachine()))).toEqual({ status: "missing" });
  });

  test("a working nvidia-smi gives its GPUs, driver and CUDA version", async () => {
    const probe = await probeNvidia(smi({ code: 0, stdout: nvidiaFixture("h100-sxm.xml") }));
    expect(probe).toMatchObject({ status: "ok", driverVersion: "550.90.07", cudaVersion: "12.4" });
    expect(probe.status === "ok" && probe.gpus.map((g) => g.pciId)).toEqual(["10de:2330"]);
  });

  test("the driver-not-loaded message is recognised", async () => {
    const probe = await probeNvidia(smi({ code: 9, stdout: nvidiaFixture("failed-no-driver.txt") }));
    expect(probe).toMatchObject({ status: "failed", reason: "no-driver" });
    expect(probe.status === "failed" && probe.detail).toStartWith("NVIDIA-SMI has failed because it couldn't communicate");
  });

  test("a driver update without reboot is recognised", async () => {
    expect(await probeNvidia(smi({ code: 18, stdout: nvidiaFixture("failed-version-mismatch.txt") }))).toMatchObject({ status: "failed", reason: "version-mismatch" });
  });

  test("a hung nvidia-smi is a timeout", async () => {
    expect(await probeNvidia(smi({ code: null, timedOut: true }))).toMatchObject({ status: "failed", reason: "timeout" });
  });

  test("exit 0 with text that is not the XML report is bad output", async () => {
    expect(await probeNvidia(smi({ code: 0, stdout: "Segmentation fault" }))).toMatchObject({ status: "failed", reason: "bad-output" });
  });
});

describe("readNvidiaGpus", () => {
  test("lists GPUs with the clocks and power limit the benchmark reports", async () => {
    const gpus = await readNvidiaGpus(smi({ code: 0, stdout: nvidiaFixture("rtx4090-single.xml") }));
    expect(gpus.map((g) => [g.name, g.maxGraphicsClockMHz, g.maxMemoryClockMHz, g.powerLimitW])).toEqual([["NVIDIA GeForce RTX 4090", 3120, 10501, 450]]);
  });

  test("is empty when nvidia-smi fails", async () => {
    expect(await readNvidiaGpus(smi({ code: 9, stdout: nvidiaFixture("failed-no-driver.txt") }))).toEqual([]);
  });
});
