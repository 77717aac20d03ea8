import { totalmem } from "node:os";
import type { GpuBench } from "../../protocol/index.ts";
import type { ProbeSources } from "../probe/sources.ts";
import { lookupAkashGpu } from "../probe/gpu/akash-gpu-models.ts";

const MiB = 1024 ** 2;

/**
 * nvidiaGpuBench is the GPU part of the benchmark for now: what nvidia-smi reports about each GPU's
 * capability (clocks, power limit, memory). A compute benchmark in a container comes later.
 */
export async function nvidiaGpuBench(sources?: ProbeSources, systemMemoryBytes = totalmem()): Promise<GpuBench[]> {
  // Loaded on use: the probe's sources pull in systeminformation, which a bench without GPUs never needs.
  const { readNvidiaGpus } = await import("../probe/gpu/nvidia-probe.ts");
  const gpus = await readNvidiaGpus(sources);
  return gpus.map((g) => {
    const model = g.pciId ? lookupAkashGpu(g.pciId) : null;
    return {
      index: g.index,
      name: g.name,
      akashModel: model?.name ?? null,
      vramMiB: model?.unifiedMemory ? Math.round(systemMemoryBytes / MiB) : (g.vramMiB ?? 0),
      maxGraphicsClockMHz: g.maxGraphicsClockMHz,
      maxMemoryClockMHz: g.maxMemoryClockMHz,
      powerLimitW: g.powerLimitW,
    };
  });
}
