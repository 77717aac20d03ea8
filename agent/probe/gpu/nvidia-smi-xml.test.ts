import { describe, expect, test } from "bun:test";
import { nvidiaFixture } from "../fake-sources.ts";
import { NvidiaSmiParseError, parseNvidiaSmiXml, pciIdFrom } from "./nvidia-smi-xml.ts";

describe("parseNvidiaSmiXml", () => {
  test("one RTX 4090 (driver 550 layout)", () => {
    const gpus = parseNvidiaSmiXml(nvidiaFixture("rtx4090-single.xml"));
    expect(gpus).toEqual([
      {
        index: 0,
        name: "NVIDIA GeForce RTX 4090",
        pciId: "10de:2684",
        busId: "00000000:01:00.0",
        uuid: "GPU-5f2c8e1a-0000-4000-8000-000000004090",
        architecture: "Ada Lovelace",
        vramMiB: 24564,
        driverVersion: "550.54.14",
        cudaVersion: "12.4",
        maxGraphicsClockMHz: 3120,
        maxMemoryClockMHz: 10501,
        powerLimitW: 450,
      },
    ]);
  });

  test("two RTX 3090 with the pre-530 power_readings layout", () => {
    const gpus = parseNvidiaSmiXml(nvidiaFixture("rtx3090-dual.xml"));
    expect(gpus.map((g) => [g.index, g.pciId, g.busId, g.vramMiB, g.powerLimitW, g.driverVersion])).toEqual([
      [0, "10de:2204", "00000000:01:00.0", 24576, 350, "525.147.05"],
      [1, "10de:2204", "00000000:21:00.0", 24576, 350, "525.147.05"],
    ]);
    expect(gpus[0]!.uuid).not.toBe(gpus[1]!.uuid);
  });

  test("H100 SXM", () => {
    const [h100] = parseNvidiaSmiXml(nvidiaFixture("h100-sxm.xml"));
    expect(h100).toMatchObject({ name: "NVIDIA H100 80GB HBM3", pciId: "10de:2330", vramMiB: 81559, powerLimitW: 700, maxGraphicsClockMHz: 1980, maxMemoryClockMHz: 2619 });
  });

  test("DGX Spark GB10: N/A memory and power become null, not 0 or NaN", () => {
    const [gb10] = parseNvidiaSmiXml(nvidiaFixture("gb10-dgx-spark.xml"));
    expect(gb10).toMatchObject({ name: "NVIDIA GB10", pciId: "10de:2e12", busId: "0000000F:01:00.0", vramMiB: null, powerLimitW: null, maxMemoryClockMHz: null, maxGraphicsClockMHz: 3003, driverVersion: "580.95.05", cudaVersion: "13.0" });
  });

  test("a GPU Akash does not list still parses", () => {
    const [gpu] = parseNvidiaSmiXml(nvidiaFixture("unknown-gtx1650.xml"));
    expect(gpu).toMatchObject({ name: "NVIDIA GeForce GTX 1650", pciId: "10de:1f82", vramMiB: 4096, powerLimitW: 75 });
  });

  test("a report with no GPU gives an empty list", () => {
    expect(parseNvidiaSmiXml('<?xml version="1.0" ?><nvidia_smi_log><driver_version>550.54.14</driver_version><attached_gpus>0</attached_gpus></nvidia_smi_log>')).toEqual([]);
  });

  test("what nvidia-smi prints when it fails is refused, not read as zero GPUs", () => {
    expect(() => parseNvidiaSmiXml(nvidiaFixture("failed-no-driver.txt"))).toThrow(NvidiaSmiParseError);
    expect(() => parseNvidiaSmiXml("<other><gpu/></other>")).toThrow(NvidiaSmiParseError);
  });
});

describe("pciIdFrom", () => {
  test("reads device-then-vendor hex, with or without 0x", () => {
    expect(pciIdFrom("268410DE")).toBe("10de:2684");
    expect(pciIdFrom("0x2B8510DE")).toBe("10de:2b85");
    expect(pciIdFrom("N/A")).toBeNull();
    expect(pciIdFrom(null)).toBeNull();
  });
});
