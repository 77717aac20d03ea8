// agent/bench: measures what this device can do (CPU, memory, disk, network, GPUs) in a bounded time
// and keeps the last result in the state dir. Run by `akash-home bench` (the daemon runs that as a child
// process, so the benchmark's buffers and workers never live in the daemon).
// Imports protocol, agent/config and agent/state only; GPU facts are injected (agent/probe owns nvidia-smi).
import { availableParallelism } from "node:os";
import type { BenchProgress, BenchResult, GpuBench, RegionProbe, RegionRtt } from "../../protocol/bench.ts";
import { FULL_PLAN, QUICK_PLAN, type BenchPlan } from "./bench-plan.ts";
import { measureCpu } from "./cpu-bench.ts";
import { checkWritable, measureDisk } from "./disk-bench.ts";
import { measureDownload } from "./download-bench.ts";
import { measureMemoryBandwidth } from "./memory-bench.ts";
import { probeRegions } from "./rtt-probe.ts";

export { saveBench, loadBench } from "./bench-file.ts";

export interface RunBenchOptions {
  quick: boolean;
  /** Where the disk is measured (temp files, removed afterwards); must be writable. */
  stateDir: string;
  regions: RegionProbe[];
  /** A large file on the registry to time a download of; null when there is no registry. */
  downloadUrl: string | null;
  /** Why the region list could not be had, if it could not; reported as network.error. */
  regionsError?: string | null;
  onProgress?: (p: BenchProgress) => void;
  /** What the GPUs report; default none. Bounded by the plan's gpuTimeoutMs. */
  gpus?: () => Promise<GpuBench[]>;
}

type Step = Exclude<BenchProgress["step"], "done">;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** stepWeights are each step's expected share of the run, for progress fractions. */
function stepWeights(plan: BenchPlan, opts: RunBenchOptions): Record<Step, number> {
  const cpu = plan.cpu.warmupMs + plan.cpu.durationMs;
  return {
    "cpu-single": cpu,
    "cpu-multi": cpu,
    memory: plan.memoryMs,
    disk: plan.disk.writeMs + plan.disk.readMs + plan.disk.fsyncMs,
    network: (opts.regions.length > 0 ? plan.rtt.attempts * 100 : 0) + (opts.downloadUrl ? plan.download.durationMs : 0) + 1,
    gpu: 200,
  };
}

/**
 * runBench measures this device and returns the result; it does not save it (see saveBench).
 * Network failures are recorded in the result, never thrown. It throws only when the device cannot be
 * measured at all: the state dir is not writable or the CPU worker cannot start.
 */
export async function runBench(opts: RunBenchOptions): Promise<BenchResult> {
  const plan = opts.quick ? QUICK_PLAN : FULL_PLAN;
  const startedAt = new Date();
  const t0 = performance.now();
  const weights = stepWeights(plan, opts);
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  let done = 0;
  const emit = (step: BenchProgress["step"], fraction: number, message: string) =>
    opts.onProgress?.({ step, fraction: round(Math.min(1, Math.max(0, fraction)), 3), message });

  async function step<T>(name: Step, startMessage: string, work: () => T | Promise<T>, endMessage: (r: T) => string): Promise<T> {
    emit(name, done / total, startMessage);
    const result = await work();
    done += weights[name];
    emit(name, done / total, endMessage(result));
    return result;
  }

  // Fail before a minute of work rather than after it.
  checkWritable(opts.stateDir);

  const threads = availableParallelism();
  const singleCore = await step("cpu-single", "measuring one CPU thread", () => measureCpu({ threads: 1, ...plan.cpu }), (s) => `one thread: ${Math.round(s)} units/s`);
  const multiCore = await step(
    "cpu-multi",
    `measuring all ${threads} CPU threads`,
    () => measureCpu({ threads, ...plan.cpu }),
    (s) => `${threads} threads: ${Math.round(s)} units/s`,
  );
  const bandwidthMBps = await step("memory", "measuring memory bandwidth", () => measureMemoryBandwidth(plan.memoryMs), (m) => `memory: ${Math.round(m)} MB/s`);
  const disk = await step(
    "disk",
    `measuring the disk under ${opts.stateDir}`,
    () => measureDisk(opts.stateDir, plan.disk),
    (d) => `disk: write ${Math.round(d.seqWriteMBps)} MB/s, read ${Math.round(d.seqReadMBps)} MB/s, fsync p99 ${round(d.fsyncP99Ms, 2)} ms`,
  );

  const network = await step(
    "network",
    opts.regions.length > 0 || opts.downloadUrl ? "measuring round trips to regions and download speed" : "no registry: skipping region round trips and download",
    async () => {
      const regions: RegionRtt[] = await probeRegions(opts.regions, plan.rtt);
      const download = opts.downloadUrl ? await measureDownload(opts.downloadUrl, plan.download) : null;
      const errors = [opts.regionsError, download?.error].filter((e): e is string => Boolean(e));
      return { regions, downloadMBps: download?.mbps ?? null, error: errors.length > 0 ? errors.join("; ") : null };
    },
    (n) => {
      if (n.regions.length === 0 && !opts.downloadUrl && !n.error) return "network not measured";
      const reached = n.regions.filter((r) => r.rttMs !== null).length;
      const parts = [`${reached}/${n.regions.length} regions answered`];
      if (n.downloadMBps !== null) parts.push(`download ${round(n.downloadMBps)} MB/s`);
      if (n.error) parts.push(n.error);
      return parts.join(", ");
    },
  );

  let gpuProblem: string | null = null;
  const gpus = await step(
    "gpu",
    "reading GPU capabilities",
    async () => {
      if (!opts.gpus) return [];
      try {
        return await withTimeout(opts.gpus(), plan.gpuTimeoutMs, "the GPU probe");
      } catch (err) {
        gpuProblem = (err as Error)?.message ?? String(err);
        return [];
      }
    },
    (g) => (gpuProblem ? `GPUs not read: ${gpuProblem}` : g.length === 0 ? "no GPUs found" : `${g.length} GPU${g.length === 1 ? "" : "s"}: ${g.map((x) => x.name).join(", ")}`),
  );

  const durationMs = Math.round(performance.now() - t0);
  emit("done", 1, `benchmark finished in ${round(durationMs / 1000)} s`);
  return {
    schemaVersion: 1,
    quick: opts.quick,
    startedAt: startedAt.toISOString(),
    durationMs,
    cpu: { singleCore: round(singleCore), multiCore: round(multiCore), threads },
    memory: { bandwidthMBps: round(bandwidthMBps) },
    disk: {
      path: disk.path,
      seqWriteMBps: round(disk.seqWriteMBps),
      seqReadMBps: round(disk.seqReadMBps),
      fsyncP50Ms: round(disk.fsyncP50Ms, 4),
      fsyncP99Ms: round(disk.fsyncP99Ms, 4),
    },
    network: { regions: network.regions.map((r) => ({ ...r, rttMs: r.rttMs === null ? null : round(r.rttMs, 2) })), downloadMBps: network.downloadMBps === null ? null : round(network.downloadMBps, 2), error: network.error },
    gpus,
  };
}
