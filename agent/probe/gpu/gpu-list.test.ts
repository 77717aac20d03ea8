import { describe, expect, test } from "bun:test";
import { nvidiaFixture } from "../fake-sources.ts";
import { buildGpuList, gpuFromNvidiaSmi } from "./gpu-list.ts";
import { parseNvidiaSmiXml } from "./nvidia-smi-xml.ts";

const GiB = 1024 ** 3;
const ok = (file: string) => {
  const gpus = parseNvidiaSmiXml(nvidiaFixture(file));
  return { status: "ok" as const, gpus, driverVersion: gpus[0]!.driverVersion, cudaVersion: gpus[0]!.cudaVersion };
};

describe("gpuFromNvidiaSmi", () => {
  test("an RTX 4090 gets its Akash name, memory and interface labels", () => {
    const [g] = parseNvidiaSmiXml(nvidiaFixture("rtx4090-single.xml"));
    expect(gpuFromNvidiaSmi(g!, 64 * GiB)).toMatchObject({ vendor: "nvidia", akashModel: "rtx4090", akashMemory: "24Gi", akashInterface: "pcie", vramMiB: 24564, unifiedMemory: false, supported: true, unsupportedReason: null });
  });

  test("GB10 reports the system memory as its VRAM, because it has none of its own", () => {
    const [g] = parseNvidiaSmiXml(nvidiaFixture("gb10-dgx-spark.xml"));
    const gpu = gpuFromNvidiaSmi(g!, 119.7 * GiB);
    expect(gpu).toMatchObject({ akashModel: "gb10", unifiedMemory: true, supported: true, akashMemory: "128Gi" });
    expect(gpu.vramMiB).toBe(Math.round(119.7 * 1024));
  });

  test("an NVIDIA GPU Akash does not list is shown but not offered, and says why", () => {
    const [g] = parseNvidiaSmiXml(nvidiaFixture("unknown-gtx1650.xml"));
    const gpu = gpuFromNvidiaSmi(g!, 16 * GiB);
    expect(gpu).toMatchObject({ supported: false, akashModel: null, vramMiB: 4096 });
    expect(gpu.unsupportedReason).toContain("not in the Akash GPU table yet");
    expect(gpu.unsupportedReason).toContain("10de:1f82");
  });
});

describe("buildGpuList", () => {
  const nvidiaOnBus = { address: "0000:01:00.0", vendor: "nvidia" as const, pciId: "10de:2684" };
  const intelOnBus = { address: "0000:00:02.0", vendor: "intel" as const, pciId: "8086:a780" };

  test("nvidia-smi's GPUs come first; an Intel iGPU is listed as not supported", () => {
    const gpus = buildGpuList(ok("rtx3090-dual.xml"), [nvidiaOnBus, intelOnBus], 64 * GiB);
    expect(gpus.map((g) => [g.index, g.vendor, g.akashModel, g.supported])).toEqual([
      [0, "nvidia", "rtx3090", true],
      [1, "nvidia", "rtx3090", true],
      [2, "intel", null, false],
    ]);
    expect(gpus[2]!.unsupportedReason).toContain("Intel GPUs are detected but not supported yet");
  });

  test("an NVIDIA card without a working driver still shows, named from its PCI id, with the driver as the reason", () => {
    const [gpu] = buildGpuList({ status: "failed", reason: "no-driver", detail: "NVIDIA-SMI has failed" }, [nvidiaOnBus], 64 * GiB);
    expect(gpu).toMatchObject({ vendor: "nvidia", akashModel: "rtx4090", supported: false, busId: "0000:01:00.0", vramMiB: 0 });
    expect(gpu!.unsupportedReason).toContain("NVIDIA driver is not working");
    const [missing] = buildGpuList({ status: "missing" }, [nvidiaOnBus], 64 * GiB);
    expect(missing!.unsupportedReason).toContain("not installed");
  });
});
