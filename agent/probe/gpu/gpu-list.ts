import type { Gpu } from "../../../protocol/hardware.ts";
import { lookupAkashGpu } from "./akash-gpu-models.ts";
import type { NvidiaProbe } from "./nvidia-probe.ts";
import type { NvidiaSmiGpu } from "./nvidia-smi-xml.ts";
import type { PciDisplayDevice } from "./pci-display-devices.ts";

// Builds the GPU list a user and the registry see: NVIDIA GPUs from nvidia-smi with their Akash names,
// NVIDIA GPUs the bus shows but the driver cannot reach, and other vendors' GPUs, each saying why it
// cannot be offered.

const MiB = 1024 ** 2;
const VENDOR_NAME = { nvidia: "NVIDIA", amd: "AMD", intel: "Intel" } as const;

/** gpuFromNvidiaSmi maps one nvidia-smi GPU to its Akash name; a unified-memory GPU gets the system memory as VRAM. */
export function gpuFromNvidiaSmi(g: NvidiaSmiGpu, systemMemoryBytes: number, index = g.index): Gpu {
  const model = g.pciId ? lookupAkashGpu(g.pciId) : null;
  const unified = model?.unifiedMemory ?? false;
  return {
    index,
    vendor: "nvidia",
    name: g.name,
    pciId: g.pciId ?? "10de:unknown",
    busId: g.busId,
    uuid: g.uuid,
    akashModel: model?.name ?? null,
    vramMiB: unified ? Math.round(systemMemoryBytes / MiB) : (g.vramMiB ?? 0),
    unifiedMemory: unified,
    akashMemory: model?.memory ?? null,
    akashInterface: model?.interface ?? null,
    driverVersion: g.driverVersion,
    cudaVersion: g.cudaVersion,
    supported: model !== null,
    unsupportedReason: model ? null : `${g.name} (${g.pciId ?? "unknown PCI id"}) is not in the Akash GPU table yet`,
  };
}

/** gpuFromPci describes a GPU seen only on the PCI bus, with the reason it cannot be offered. */
export function gpuFromPci(dev: PciDisplayDevice, index: number, reason: string): Gpu {
  const model = lookupAkashGpu(dev.pciId);
  return {
    index,
    vendor: dev.vendor,
    name: `${VENDOR_NAME[dev.vendor]} GPU ${dev.pciId}${model ? ` (${model.name})` : ""}`,
    pciId: dev.pciId,
    busId: dev.address,
    uuid: null,
    akashModel: model?.name ?? null,
    vramMiB: 0,
    unifiedMemory: model?.unifiedMemory ?? false,
    akashMemory: model?.memory ?? null,
    akashInterface: model?.interface ?? null,
    driverVersion: null,
    cudaVersion: null,
    supported: false,
    unsupportedReason: reason,
  };
}

function driverProblem(nvidia: NvidiaProbe): string {
  if (nvidia.status === "missing") return "the NVIDIA driver is not installed (no nvidia-smi)";
  if (nvidia.status === "failed") return `the NVIDIA driver is not working: ${nvidia.detail}`;
  return "nvidia-smi does not list this GPU";
}

/** buildGpuList merges nvidia-smi's view with the PCI bus's. */
export function buildGpuList(nvidia: NvidiaProbe, pci: PciDisplayDevice[], systemMemoryBytes: number): Gpu[] {
  const gpus: Gpu[] = nvidia.status === "ok" ? nvidia.gpus.map((g, i) => gpuFromNvidiaSmi(g, systemMemoryBytes, i)) : [];
  for (const dev of pci) {
    if (dev.vendor === "nvidia") {
      if (nvidia.status !== "ok") gpus.push(gpuFromPci(dev, gpus.length, driverProblem(nvidia)));
      continue;
    }
    gpus.push(gpuFromPci(dev, gpus.length, `${VENDOR_NAME[dev.vendor]} GPUs are detected but not supported yet; only NVIDIA GPUs can be offered`));
  }
  return gpus;
}
