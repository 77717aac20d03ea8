// The labels a device's Node carries: what Akash's bid engine and scheduler match on (in the inventory
// operator's exact form), and ours, which that operator must never own.
import { describe, expect, test } from "bun:test";
import { deviceIdentityLabels, deviceNodeLabels, EDGE_SELECTOR, gpuCapabilityLabels, isInventoryManagedLabel, isValidLabelKey, type GpuLabelInput } from "./node-labels.ts";

const OWNER = "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63";
const rtx4090: GpuLabelInput = { vendor: "nvidia", akashModel: "rtx4090", akashMemory: "24Gi", akashInterface: "pcie", supported: true };
const base = { deviceId: "ah-abcdefghijklmnop", owner: OWNER, regionId: "us-west", locationRegion: "na-us-west" };

describe("deviceNodeLabels", () => {
  test("an RTX 4090 box carries the edge flag, its identity and the GPU labels Akash's affinity matches", () => {
    expect(deviceNodeLabels({ ...base, gpus: [rtx4090] })).toEqual({
      "home.akash.network/edge": "true",
      "home.akash.network/device-id": "ah-abcdefghijklmnop",
      "home.akash.network/owner": OWNER,
      "home.akash.network/region": "us-west",
      "home.akash.network/location-region": "na-us-west",
      "akash.network": "true",
      "akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090": "1",
      "akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090.ram.24Gi": "1",
      "akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090.interface.pcie": "1",
      "nvidia.com/gpu.present": "true",
    });
  });

  test("the edge selector picks out device Nodes", () => {
    const [key, value] = EDGE_SELECTOR.split("=");
    expect(deviceNodeLabels({ ...base, gpus: [] })[key!]).toBe(value!);
  });

  test("a 44-character akash1 address fits in a label value", () => {
    expect(OWNER.length).toBe(44);
    expect(() => deviceNodeLabels({ ...base, gpus: [] })).not.toThrow();
  });

  test("a value that is not a label value is refused, not sent to the API server", () => {
    expect(() => deviceNodeLabels({ ...base, owner: "not an address", gpus: [] })).toThrow("not a valid Kubernetes label");
    expect(() => deviceNodeLabels({ ...base, regionId: "x".repeat(64), gpus: [] })).toThrow("not a valid Kubernetes label");
  });

  test("our own labels are never in the inventory operator's namespace, its capability labels always are", () => {
    const labels = deviceNodeLabels({ ...base, gpus: [rtx4090] });
    const ours = Object.keys(deviceIdentityLabels(base));
    expect(ours.length).toBe(5);
    for (const key of ours) expect(isInventoryManagedLabel(key)).toBe(false);
    for (const key of Object.keys(labels).filter((k) => !ours.includes(k))) expect(isInventoryManagedLabel(key)).toBe(true);
  });
});

describe("gpuCapabilityLabels", () => {
  test("two identical GPUs count 2 on every key, as the inventory operator counts them", () => {
    const labels = gpuCapabilityLabels([rtx4090, { ...rtx4090 }]);
    expect(labels["akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090"]).toBe("2");
    expect(labels["akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090.ram.24Gi"]).toBe("2");
    expect(labels["akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090.interface.pcie"]).toBe("2");
  });

  test("mixed models each get their own count", () => {
    const labels = gpuCapabilityLabels([rtx4090, { vendor: "nvidia", akashModel: "rtx5090", akashMemory: "32Gi", akashInterface: "pcie", supported: true }]);
    expect(labels["akash.network/capabilities.gpu.vendor.nvidia.model.rtx4090"]).toBe("1");
    expect(labels["akash.network/capabilities.gpu.vendor.nvidia.model.rtx5090.ram.32Gi"]).toBe("1");
  });

  test("a DGX Spark (GB10, unified memory, no interface) gets its model and memory labels", () => {
    const labels = gpuCapabilityLabels([{ vendor: "nvidia", akashModel: "gb10", akashMemory: "128Gi", akashInterface: null, supported: true }]);
    expect(labels).toEqual({
      "akash.network/capabilities.gpu.vendor.nvidia.model.gb10": "1",
      "akash.network/capabilities.gpu.vendor.nvidia.model.gb10.ram.128Gi": "1",
      "nvidia.com/gpu.present": "true",
    });
  });

  test("GPUs the device does not offer, or that Akash has no name for, get no label", () => {
    expect(gpuCapabilityLabels([{ ...rtx4090, supported: false }])).toEqual({});
    expect(gpuCapabilityLabels([{ ...rtx4090, akashModel: null }])).toEqual({});
    expect(gpuCapabilityLabels([{ ...rtx4090, akashModel: "RTX 4090" }])).toEqual({});
  });

  test("an AMD GPU is labelled under its vendor and does not claim the NVIDIA device plugin", () => {
    const labels = gpuCapabilityLabels([{ vendor: "amd", akashModel: "mi300x", akashMemory: "192Gi", akashInterface: null, supported: true }]);
    expect(labels["akash.network/capabilities.gpu.vendor.amd.model.mi300x"]).toBe("1");
    expect(labels["nvidia.com/gpu.present"]).toBeUndefined();
  });

  test("a model name so long its key would pass 63 characters is left out rather than refused by the API server", () => {
    const labels = gpuCapabilityLabels([{ ...rtx4090, akashModel: "a".repeat(30) }]);
    for (const key of Object.keys(labels)) expect(isValidLabelKey(key)).toBe(true);
    expect(Object.keys(labels).some((k) => k.includes(".interface."))).toBe(false);
  });
});
