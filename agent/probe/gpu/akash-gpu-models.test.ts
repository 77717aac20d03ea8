import { describe, expect, test } from "bun:test";
import { AKASH_GPU_MODELS, lookupAkashGpu } from "./akash-gpu-models.ts";

describe("Akash GPU names", () => {
  test.each([
    ["10de:2684", "rtx4090", "pcie", "24Gi"],
    ["10de:2b85", "rtx5090", "pcie", "32Gi"],
    ["10de:2330", "h100", "sxm", "80Gi"],
    ["10de:2331", "h100", "pcie", "80Gi"],
    ["10de:2335", "h200", "sxm", "141Gi"],
    ["10de:20b5", "a100", "pcie", "80Gi"],
    ["10de:2204", "rtx3090", "pcie", "24Gi"],
    ["10de:2203", "rtx3090ti", "pcie", "24Gi"],
    ["10de:2704", "rtx4080", "pcie", "16Gi"],
    ["10de:2782", "rtx4070ti", "pcie", "12Gi"],
    ["10de:2206", "rtx3080", "pcie", "10Gi"],
    ["10de:2230", "rtxa6000", "pcie", "48Gi"],
    ["10de:26b9", "l40s", "pcie", "48Gi"],
    ["10de:27b8", "l4", "pcie", "24Gi"],
    ["10de:1eb8", "t4", "pcie", "16Gi"],
  ])("%s is %s (%s, %s)", (pciId, name, iface, memory) => {
    expect(lookupAkashGpu(pciId)).toMatchObject({ vendor: "nvidia", name, interface: iface, memory, unifiedMemory: false });
  });

  test("DGX Spark GB10 is ours, with unified memory", () => {
    expect(lookupAkashGpu("10de:2e12")).toEqual({ vendor: "nvidia", name: "gb10", interface: "pcie", memory: "128Gi", unifiedMemory: true, upstream: false });
  });

  test("lookup ignores case; unknown ids have no name", () => {
    expect(lookupAkashGpu("10DE:2684")?.name).toBe("rtx4090");
    expect(lookupAkashGpu("10de:1f82")).toBeNull();
  });

  test("every name follows Akash's rules (lowercase letters and digits) and every memory label is <n>Gi", () => {
    for (const [id, m] of AKASH_GPU_MODELS) {
      expect(`${id} ${m.name}`).toMatch(/^[0-9a-f]{4}:[0-9a-f]{4} [a-z0-9]+$/);
      expect(m.memory).toMatch(/^\d+Gi$/);
    }
  });
});
