import { expect, test } from "bun:test";
import { hardware } from "../rewards/testing/facts.ts";
import { deriveAttributes } from "./provider-attributes.ts";

const value = (attrs: { key: string; value: string }[], key: string) => attrs.find((a) => a.key === key)?.value;

test("every provider carries host akash, tier community and location-type home, and its region's location-region", () => {
  const { attributes } = deriveAttributes([{ locationRegion: "na-us-west", countries: ["US"], devices: 2 }], []);
  expect(value(attributes, "host")).toBe("akash");
  expect(value(attributes, "tier")).toBe("community");
  expect(value(attributes, "location-type")).toBe("home");
  expect(value(attributes, "location-region")).toBe("na-us-west");
  expect(value(attributes, "country")).toBe("US");
  // Keys are unique, as on chain.
  expect(new Set(attributes.map((a) => a.key)).size).toBe(attributes.length);
});

test("GPU capability keys come from the devices' GPUs in the four documented forms; CPU vendor and architecture from the majority", () => {
  const gpuBox = hardware(16, 64, 1);
  const cpuBox = hardware(8, 32, 0);
  const arm = { ...hardware(8, 32, 0), cpu: { ...hardware(8, 32, 0).cpu, vendor: "ARM", model: "Cortex-A78", arch: "arm64" } };
  const { attributes, notes } = deriveAttributes([{ locationRegion: "eu-central", countries: ["DE", "AT"], devices: 3 }], [gpuBox, cpuBox, arm]);
  const keys = attributes.map((a) => a.key);
  expect(keys).toContain("capabilities/gpu/vendor/nvidia/model/rtx4090");
  expect(keys).toContain("capabilities/gpu/vendor/nvidia/model/rtx4090/ram/24Gi");
  expect(keys).toContain("capabilities/gpu/vendor/nvidia/model/rtx4090/interface/pcie");
  expect(keys).toContain("capabilities/gpu/vendor/nvidia/model/rtx4090/ram/24Gi/interface/pcie");
  expect(value(attributes, "capabilities/gpu/vendor/nvidia/model/rtx4090")).toBe("true");
  expect(value(attributes, "capabilities/gpu")).toBe("nvidia");
  expect(value(attributes, "capabilities/cpu")).toBe("amd");
  expect(value(attributes, "capabilities/cpu/arch")).toBe("x86-64");
  expect(value(attributes, "country")).toBeUndefined();
  expect(notes.some((n) => n.includes("more than one CPU vendor"))).toBe(true);
});

test("a GPU the agent could not name for Akash gives no capability key", () => {
  const box = hardware(16, 64, 1);
  box.gpus[0] = { ...box.gpus[0]!, akashModel: null, supported: false };
  const { attributes } = deriveAttributes([{ locationRegion: "na-us-west", countries: [], devices: 1 }], [box]);
  expect(attributes.some((a) => a.key.startsWith("capabilities/gpu"))).toBe(false);
});
