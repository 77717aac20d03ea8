import type { CpuRun } from "./cpu-bench.ts";
import type { DiskRun } from "./disk-bench.ts";
import type { DownloadRun } from "./download-bench.ts";
import type { RttRun } from "./rtt-probe.ts";

/**
 * BenchPlan time-boxes every part. Each part runs for a fixed time and counts the work done, so a slow
 * device finishes as soon as a fast one. Worst cases (every network call timing out, nvidia-smi
 * hanging) add up to under 60 s for a full run and about 10 s for a quick one.
 */
export interface BenchPlan {
  cpu: Omit<CpuRun, "threads">;
  memoryMs: number;
  disk: DiskRun;
  rtt: RttRun;
  download: DownloadRun;
  gpuTimeoutMs: number;
}

const MiB = 1024 * 1024;

export const FULL_PLAN: BenchPlan = {
  cpu: { warmupMs: 500, durationMs: 5000 },
  memoryMs: 4000,
  disk: { writeMs: 6000, readMs: 3000, fsyncMs: 3000, maxBytes: 2048 * MiB },
  rtt: { attempts: 5, timeoutMs: 2000, deadlineMs: 8000 },
  download: { timeoutMs: 4000, durationMs: 6000, maxBytes: 1024 * MiB },
  gpuTimeoutMs: 10_000,
};

export const QUICK_PLAN: BenchPlan = {
  cpu: { warmupMs: 150, durationMs: 800 },
  memoryMs: 500,
  disk: { writeMs: 800, readMs: 300, fsyncMs: 400, maxBytes: 256 * MiB },
  rtt: { attempts: 3, timeoutMs: 1000, deadlineMs: 1500 },
  download: { timeoutMs: 1000, durationMs: 1000, maxBytes: 128 * MiB },
  gpuTimeoutMs: 2000,
};
