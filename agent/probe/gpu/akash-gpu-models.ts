// Akash's GPU names by PCI vendor:device, as the provider inventory operator labels nodes
// (akash.network/capabilities.gpu.vendor.<vendor>.model.<name>[.ram.<memory>][.interface.<iface>]).
// Facts from akash-network/provider-configs devices/pcie/gpus.json and its merged additions: names are
// lowercase with no spaces or symbols; interfaces are folded as the operator does (SXM2/SXM4/SXM5 → sxm).
// Rows marked OURS are not in upstream gpus.json yet: the region's provider-configs mirror must carry them,
// or the inventory operator will not label those GPUs.

export interface AkashGpuModel {
  vendor: "nvidia" | "amd";
  name: string;
  interface: "pcie" | "sxm";
  /** Akash's memory label, e.g. "24Gi". */
  memory: string;
  /** The GPU shares system memory (DGX Spark GB10): its VRAM is the machine's RAM. */
  unifiedMemory: boolean;
  /** In upstream gpus.json; false for the rows we add. */
  upstream: boolean;
}

type Row = [device: string, name: string, iface: "pcie" | "sxm", memory: string];

const NVIDIA: Row[] = [
  ["2235", "a40", "pcie", "48Gi"],
  ["20b1", "a100", "pcie", "40Gi"], ["20f1", "a100", "pcie", "40Gi"], ["20b0", "a100", "sxm", "40Gi"],
  ["20b3", "a100", "sxm", "64Gi"], ["20b5", "a100", "pcie", "80Gi"], ["20b2", "a100", "sxm", "80Gi"],
  ["20f3", "a800", "sxm", "80Gi"],
  ["1d01", "gt1030", "pcie", "2Gi"],
  ["1c81", "gtx1050", "pcie", "2Gi"], ["1c83", "gtx1050", "pcie", "3Gi"], ["1c82", "gtx1050ti", "pcie", "4Gi"],
  ["1c02", "gtx1060", "pcie", "3Gi"], ["1c04", "gtx1060", "pcie", "5Gi"], ["1c03", "gtx1060", "pcie", "6Gi"], ["1c06", "gtx1060", "pcie", "6Gi"],
  ["1b81", "gtx1070", "pcie", "8Gi"], ["1b82", "gtx1070ti", "pcie", "8Gi"], ["1b80", "gtx1080", "pcie", "8Gi"], ["1b06", "gtx1080ti", "pcie", "11Gi"],
  ["1f95", "gtx1650ti", "pcie", "4Gi"], ["2187", "gtx1650super", "pcie", "4Gi"], ["2184", "gtx1660", "pcie", "6Gi"], ["2182", "gtx1660ti", "pcie", "6Gi"],
  ["1401", "gtx960", "pcie", "2Gi"], ["1406", "gtx960", "pcie", "4Gi"], ["13c2", "gtx970", "pcie", "4Gi"], ["13c0", "gtx980", "pcie", "4Gi"], ["17c8", "gtx980ti", "pcie", "6Gi"],
  ["2331", "h100", "pcie", "80Gi"], ["2330", "h100", "sxm", "80Gi"], ["2335", "h200", "sxm", "141Gi"],
  ["13f1", "m4000", "pcie", "8Gi"], ["1d10", "mx150", "pcie", "2Gi"],
  ["1cba", "p2000", "pcie", "4Gi"], ["1c30", "p2000", "pcie", "5Gi"], ["1bb3", "p4", "pcie", "8Gi"], ["1bb1", "p4000", "pcie", "8Gi"],
  ["1b38", "p40", "pcie", "24Gi"], ["15f8", "p100", "pcie", "16Gi"], ["1bb0", "p5000", "pcie", "16Gi"], ["1b30", "p6000", "pcie", "24Gi"],
  ["2bb1", "pro6000we", "pcie", "96Gi"], ["2bb5", "pro6000se", "pcie", "96Gi"], ["2bb4", "pro6000maxq", "pcie", "96Gi"],
  ["27b0", "rtx4000sffada", "pcie", "20Gi"], ["2531", "rtxa2000", "pcie", "6Gi"], ["28b0", "rtx2000eada", "pcie", "16Gi"], ["2230", "rtxa6000", "pcie", "48Gi"],
  ["1eb1", "rtx4000", "pcie", "8Gi"], ["27b2", "rtx4000ada", "pcie", "20Gi"], ["1eb5", "rtx5000", "pcie", "16Gi"], ["1e30", "rtx8000", "pcie", "48Gi"], ["1e78", "rtx8000", "pcie", "48Gi"],
  ["1e89", "rtx2060", "pcie", "6Gi"], ["1f06", "rtx2060super", "pcie", "8Gi"], ["1f02", "rtx2070", "pcie", "8Gi"], ["1e84", "rtx2070super", "pcie", "8Gi"],
  ["1e87", "rtx2080", "pcie", "8Gi"], ["1e81", "rtx2080super", "pcie", "8Gi"], ["1e04", "rtx2080ti", "pcie", "11Gi"], ["1e07", "rtx2080ti", "pcie", "11Gi"],
  ["2504", "rtx3060", "pcie", "12Gi"], ["2487", "rtx3060", "pcie", "12Gi"], ["2520", "rtx3060m", "pcie", "6Gi"], ["2486", "rtx3060ti", "pcie", "8Gi"], ["2489", "rtx3060ti", "pcie", "8Gi"],
  ["2484", "rtx3070", "pcie", "8Gi"], ["2488", "rtx3070", "pcie", "8Gi"], ["2216", "rtx3080", "pcie", "10Gi"],
  ["2204", "rtx3090", "pcie", "24Gi"], ["2203", "rtx3090ti", "pcie", "24Gi"],
  ["2882", "rtx4060", "pcie", "8Gi"], ["2803", "rtx4060ti", "pcie", "16Gi"], ["2805", "rtx4060ti", "pcie", "16Gi"],
  ["2786", "rtx4070", "pcie", "12Gi"], ["2782", "rtx4070ti", "pcie", "12Gi"], ["2704", "rtx4080", "pcie", "16Gi"], ["2702", "rtx4080super", "pcie", "16Gi"],
  ["2684", "rtx4090", "pcie", "24Gi"],
  ["2f04", "rtx5070", "pcie", "12Gi"], ["2b85", "rtx5090", "pcie", "32Gi"], ["2c58", "rtx5090m", "pcie", "24Gi"],
  ["1eb8", "t4", "pcie", "16Gi"],
  ["1db1", "v100", "sxm", "16Gi"], ["1db5", "v100", "sxm", "32Gi"], ["1db8", "v100", "sxm", "32Gi"],
];

// OURS: GPUs home owners have that upstream lacks (l4/l40s are only on open upstream branches;
// 2206 rtx3080 is an open upstream PR). Names follow the upstream rules.
const NVIDIA_OURS: Row[] = [
  ["2206", "rtx3080", "pcie", "10Gi"], ["2208", "rtx3080ti", "pcie", "12Gi"],
  ["2783", "rtx4070super", "pcie", "12Gi"], ["2705", "rtx4070tisuper", "pcie", "16Gi"],
  ["2c05", "rtx5070ti", "pcie", "16Gi"], ["2c02", "rtx5080", "pcie", "16Gi"],
  ["27b8", "l4", "pcie", "24Gi"], ["26b5", "l40", "pcie", "48Gi"], ["26b9", "l40s", "pcie", "48Gi"], ["26b1", "rtx6000ada", "pcie", "48Gi"],
];

const AMD: Row[] = [
  ["66a1", "mi60", "pcie", "32Gi"],
  ["738c", "mi100", "pcie", "32Gi"],
];

function entries(vendorId: string, vendor: AkashGpuModel["vendor"], rows: Row[], upstream: boolean): [string, AkashGpuModel][] {
  return rows.map(([device, name, iface, memory]) => [`${vendorId}:${device}`, { vendor, name, interface: iface, memory, unifiedMemory: false, upstream }]);
}

/** AKASH_GPU_MODELS maps "10de:2684" to Akash's name for that GPU. */
export const AKASH_GPU_MODELS: ReadonlyMap<string, AkashGpuModel> = new Map([
  ...entries("10de", "nvidia", NVIDIA, true),
  ...entries("10de", "nvidia", NVIDIA_OURS, false),
  // DGX Spark (community#1441): GB10 has no memory of its own; it uses the 128 GB of LPDDR5X it shares
  // with the CPU. It sits on the PCI bus, so the interface label is pcie.
  ["10de:2e12", { vendor: "nvidia", name: "gb10", interface: "pcie", memory: "128Gi", unifiedMemory: true, upstream: false }],
  ...entries("1002", "amd", AMD, true),
]);

/** lookupAkashGpu finds a GPU by "vendor:device" in lowercase hex; null when Akash has no name for it. */
export function lookupAkashGpu(pciId: string): AkashGpuModel | null {
  return AKASH_GPU_MODELS.get(pciId.toLowerCase()) ?? null;
}
