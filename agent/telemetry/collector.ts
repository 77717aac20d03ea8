import { readFileSync } from "node:fs";
import type { Heartbeat, Metrics } from "../../protocol/telemetry.ts";

// What the device reports, from the cheapest sources there are: /proc files and, on NVIDIA machines, one
// nvidia-smi call per metrics record. Nothing here throws: a source that fails reports "nothing known".

export type HeartbeatDraft = Omit<Heartbeat, "seq">;
export type MetricsDraft = Omit<Metrics, "seq">;
export type ComponentState = Heartbeat["kubelet"]["state"];
export type TailscaleStatus = Heartbeat["tailscale"];
export type GpuUse = Metrics["gpus"][number];

export interface CollectorSources {
  /** A file's text; throws when it cannot be read. */
  readText(path: string): Promise<string>;
  /** nvidia-smi's CSV answer to the GPU query, or null when it failed or is not there. */
  nvidiaSmi(): Promise<string | null>;
  now(): number;
}

export interface CollectorOptions {
  agentVersion: string;
  paused: () => boolean;
  /** From the join driver once it exists; "absent" until then. */
  tailscale?: () => TailscaleStatus | Promise<TailscaleStatus>;
  kubelet?: () => ComponentState | Promise<ComponentState>;
  pods?: () => number | Promise<number>;
  /** Whether the probe found NVIDIA GPUs; nvidia-smi is never run otherwise. */
  hasNvidiaGpu: boolean;
  sources?: Partial<CollectorSources>;
}

/** CpuTimes is the machine's aggregate CPU time from /proc/stat, in clock ticks. */
export interface CpuTimes {
  total: number;
  idle: number;
}

/** parseProcStatCpu reads the aggregate "cpu" line of /proc/stat. */
export function parseProcStatCpu(text: string): CpuTimes | null {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n) || n < 0)) return null;
  // user nice system idle iowait irq softirq steal; guest and guest_nice are already inside user and nice.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

/** cpuPercentBetween is the busy share of all CPUs between two samples, 0–100, one decimal. */
export function cpuPercentBetween(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  const idle = after.idle - before.idle;
  if (!(total > 0) || idle < 0) return 0;
  return Math.round(Math.min(100, Math.max(0, (100 * (total - idle)) / total)) * 10) / 10;
}

/** parseMeminfo gives total and used memory in bytes; used is what is not available to new work. */
export function parseMeminfo(text: string): { totalBytes: number; usedBytes: number } | null {
  const kib = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?\s*$/.exec(line.trim());
    if (m) kib.set(m[1]!, Number(m[2]));
  }
  const total = kib.get("MemTotal");
  if (total === undefined) return null;
  // Kernels before 3.14 lack MemAvailable; free plus page cache is the older approximation.
  const available = kib.get("MemAvailable") ?? (kib.get("MemFree") ?? 0) + (kib.get("Buffers") ?? 0) + (kib.get("Cached") ?? 0);
  return { totalBytes: total * 1024, usedBytes: Math.max(0, total - Math.min(total, available)) * 1024 };
}

/** parseNvidiaSmiGpus reads `index, utilization.gpu, memory.used` CSV; GPUs with a value it cannot read are left out. */
export function parseNvidiaSmiGpus(text: string): GpuUse[] {
  const gpus: GpuUse[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== 3 || cells.some((c) => !/^\d+(\.\d+)?$/.test(c))) continue;
    const [index, util, mem] = cells.map(Number) as [number, number, number];
    if (!Number.isInteger(index)) continue;
    gpus.push({ index, utilPercent: Math.min(100, util), memoryUsedMiB: mem });
    if (gpus.length === 64) break;
  }
  return gpus;
}

const NVIDIA_SMI_TIMEOUT_MS = 5000;

async function runNvidiaSmi(): Promise<string | null> {
  try {
    const proc = Bun.spawn(["nvidia-smi", "--query-gpu=index,utilization.gpu,memory.used", "--format=csv,noheader,nounits"], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "ignore",
      timeout: NVIDIA_SMI_TIMEOUT_MS,
      killSignal: "SIGKILL",
    });
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    return code === 0 ? out : null;
  } catch {
    return null;
  }
}

const defaultSources: CollectorSources = {
  // Synchronous on purpose: /proc answers from memory at once, and the async readers' thread pool would
  // cost the agent several MB of resident memory for nothing.
  readText: async (path) => readFileSync(path, "utf8"),
  nvidiaSmi: runNvidiaSmi,
  now: () => Date.now(),
};

async function orElse<T>(read: (() => T | Promise<T>) | undefined, fallback: T, failed: T): Promise<T> {
  if (!read) return fallback;
  try {
    return await read();
  } catch {
    return failed;
  }
}

/**
 * TelemetryCollector makes heartbeat and metrics records (without seq; the outbox numbers them). CPU use is
 * the share between two metrics() calls; the first reports the share since primeCpu(), or since boot.
 */
export class TelemetryCollector {
  private readonly sources: CollectorSources;
  private lastCpu: CpuTimes | null = null;
  private gpuQueryRunning = false;

  constructor(private readonly opts: CollectorOptions) {
    this.sources = { ...defaultSources, ...opts.sources };
  }

  /** primeCpu takes the CPU sample the first metrics record is measured against. */
  async primeCpu(): Promise<void> {
    this.lastCpu = (await this.readCpu()) ?? this.lastCpu;
  }

  async heartbeat(): Promise<HeartbeatDraft> {
    const [tailscale, kubelet] = await Promise.all([
      orElse<TailscaleStatus>(this.opts.tailscale, { state: "absent", ip: null }, { state: "error", ip: null }),
      orElse<ComponentState>(this.opts.kubelet, "absent", "error"),
    ]);
    let paused = false;
    try {
      paused = this.opts.paused();
    } catch {}
    return {
      kind: "heartbeat",
      at: this.at(),
      paused,
      tailscale: { state: tailscale.state, ip: typeof tailscale.ip === "string" && tailscale.ip.length <= 64 ? tailscale.ip : null },
      kubelet: { state: kubelet },
      agentVersion: this.opts.agentVersion.slice(0, 64),
    };
  }

  async metrics(): Promise<MetricsDraft> {
    const [cpu, memory, gpus, pods] = await Promise.all([this.readCpu(), this.readMemory(), this.readGpus(), orElse(this.opts.pods, 0, 0)]);
    const cpuPercent = cpu ? cpuPercentBetween(this.lastCpu ?? { total: 0, idle: 0 }, cpu) : 0;
    if (cpu) this.lastCpu = cpu;
    return {
      kind: "metrics",
      at: this.at(),
      cpuPercent,
      memoryUsedBytes: memory?.usedBytes ?? 0,
      memoryTotalBytes: memory?.totalBytes ?? 0,
      gpus,
      pods: Number.isFinite(pods) && pods >= 0 ? Math.floor(pods) : 0,
    };
  }

  private at(): string {
    return new Date(this.sources.now()).toISOString();
  }

  private async readCpu(): Promise<CpuTimes | null> {
    try {
      return parseProcStatCpu(await this.sources.readText("/proc/stat"));
    } catch {
      return null;
    }
  }

  private async readMemory(): Promise<{ totalBytes: number; usedBytes: number } | null> {
    try {
      return parseMeminfo(await this.sources.readText("/proc/meminfo"));
    } catch {
      return null;
    }
  }

  private async readGpus(): Promise<GpuUse[]> {
    // A wedged driver can make nvidia-smi hang; never stack calls behind one that has not come back.
    if (!this.opts.hasNvidiaGpu || this.gpuQueryRunning) return [];
    this.gpuQueryRunning = true;
    try {
      const out = await this.sources.nvidiaSmi();
      return out === null ? [] : parseNvidiaSmiGpus(out);
    } catch {
      return [];
    } finally {
      this.gpuQueryRunning = false;
    }
  }
}
