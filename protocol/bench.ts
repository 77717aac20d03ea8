import * as v from "valibot";

/** RegionProbe is one region to measure round-trip time to. */
export const RegionProbe = v.object({ regionId: v.string(), name: v.string(), probeUrl: v.string() });
export type RegionProbe = v.InferOutput<typeof RegionProbe>;

/** RegionRtt is the measured round-trip time to one region, or why it could not be measured. */
export const RegionRtt = v.object({
  regionId: v.string(),
  rttMs: v.nullable(v.number()),
  error: v.nullable(v.string()),
});
export type RegionRtt = v.InferOutput<typeof RegionRtt>;

/** GpuBench is what nvidia-smi reports about a GPU's capability now; a compute benchmark comes later. */
export const GpuBench = v.object({
  index: v.number(),
  name: v.string(),
  akashModel: v.nullable(v.string()),
  vramMiB: v.number(),
  maxGraphicsClockMHz: v.nullable(v.number()),
  maxMemoryClockMHz: v.nullable(v.number()),
  powerLimitW: v.nullable(v.number()),
});
export type GpuBench = v.InferOutput<typeof GpuBench>;

/** BenchResult is a finished benchmark run; scores are higher-is-better unless the name says ms. */
export const BenchResult = v.object({
  schemaVersion: v.literal(1),
  quick: v.boolean(),
  startedAt: v.string(),
  durationMs: v.number(),
  cpu: v.object({
    /** Work units per second on one thread. */
    singleCore: v.number(),
    /** Work units per second on all threads together. */
    multiCore: v.number(),
    threads: v.number(),
  }),
  memory: v.object({ bandwidthMBps: v.number() }),
  disk: v.object({
    path: v.string(),
    seqWriteMBps: v.number(),
    seqReadMBps: v.number(),
    fsyncP50Ms: v.number(),
    fsyncP99Ms: v.number(),
  }),
  network: v.object({
    regions: v.array(RegionRtt),
    downloadMBps: v.nullable(v.number()),
    error: v.nullable(v.string()),
  }),
  gpus: v.array(GpuBench),
});
export type BenchResult = v.InferOutput<typeof BenchResult>;

/** BenchProgress is one live progress event of a running benchmark. */
export const BenchProgress = v.object({
  step: v.picklist(["cpu-single", "cpu-multi", "memory", "disk", "network", "gpu", "done"]),
  /** 0..1 of the whole run. */
  fraction: v.number(),
  message: v.string(),
});
export type BenchProgress = v.InferOutput<typeof BenchProgress>;
