// Test and benchmark fixtures for rewards: devices with hardware and a benchmark, leases as the chain
// reports them. Not used by the registry itself.
import type { BenchResult, DeviceState, Gpu, Hardware } from "../../../protocol/index.ts";
import type { LeaseId } from "../lease-id.ts";
import type { DeviceFacts, LeaseRecord } from "../ports.ts";

export const TEST_PROVIDER = "akash1qqzrl2jm5l4r6c7tudaqnyqxqfn0cm4dyt2eus";

function gpu(index: number): Gpu {
  return {
    index,
    vendor: "nvidia",
    name: "NVIDIA GeForce RTX 4090",
    pciId: "10de:2684",
    busId: null,
    uuid: `GPU-${index}`,
    akashModel: "rtx4090",
    vramMiB: 24564,
    unifiedMemory: false,
    akashMemory: "24Gi",
    akashInterface: "pcie",
    driverVersion: "570.124.06",
    cudaVersion: "12.8",
    supported: true,
    unsupportedReason: null,
  };
}

export function hardware(threads: number, memoryGiB: number, gpus: number): Hardware {
  return {
    machineId: null,
    hostname: "box",
    cpu: { vendor: "AMD", model: "Ryzen", arch: "x64", cores: Math.max(1, threads >> 1), threads, speedGHz: 4, flags: [] },
    memory: { totalBytes: memoryGiB * 2 ** 30, availableBytes: 0, swapTotalBytes: 0 },
    disks: [],
    os: { platform: "linux", distro: "Debian", release: "12", kernel: "6.1", arch: "x64" },
    virtualization: { virtual: false, kind: null },
    gpus: Array.from({ length: gpus }, (_, i) => gpu(i)),
    docker: null,
  };
}

export function bench(threads: number, gpus: number, multiCore = 1000): BenchResult {
  return {
    schemaVersion: 1,
    quick: true,
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 1000,
    cpu: { singleCore: 100, multiCore, threads },
    memory: { bandwidthMBps: 10_000 },
    disk: { path: "/", seqWriteMBps: 500, seqReadMBps: 500, fsyncP50Ms: 1, fsyncP99Ms: 5 },
    network: { regions: [], downloadMBps: null, error: null },
    gpus: Array.from({ length: gpus }, (_, i) => ({ index: i, name: "NVIDIA GeForce RTX 4090", akashModel: "rtx4090", vramMiB: 24564, maxGraphicsClockMHz: null, maxMemoryClockMHz: null, powerLimitW: null })),
  };
}

export interface DeviceOptions {
  owner?: string;
  state?: DeviceState;
  threads?: number;
  memoryGiB?: number;
  gpus?: number;
  benchmarked?: boolean;
  multiCore?: number;
  predecessorId?: string | null;
}

export function device(deviceId: string, o: DeviceOptions = {}): DeviceFacts {
  const threads = o.threads ?? 16;
  const gpus = o.gpus ?? 0;
  return {
    deviceId,
    owner: o.owner ?? "akash1owner",
    payoutAddress: null,
    state: o.state ?? "online",
    hardware: hardware(threads, o.memoryGiB ?? 32, gpus),
    bench: o.benchmarked === false ? null : bench(threads, gpus, o.multiCore),
    share: null,
    predecessorId: o.predecessorId ?? null,
  };
}

export function leaseId(owner: string, dseq: number | string, gseq = 1, oseq = 1, provider = TEST_PROVIDER): LeaseId {
  return { owner, dseq: String(dseq), gseq, oseq, provider };
}

export function lease(id: LeaseId, pricePerBlock: string, createdAt: bigint, o: { denom?: string; closedOn?: bigint; state?: string } = {}): LeaseRecord {
  return { id, state: o.state ?? (o.closedOn ? "closed" : "active"), denom: o.denom ?? "uakt", pricePerBlock, createdAt, closedOn: o.closedOn ?? 0n };
}

/** seededRandom is a xorshift generator: the same seed gives the same numbers in [0, 1), run after run. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
