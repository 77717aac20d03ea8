// report: where a scenario's figures go — bench/results/poc-<scenario>.json (not committed), with the machine
// they were measured on, since every figure here depends on it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, release, totalmem } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");

export interface Machine {
  nproc: number;
  cpu: string;
  memTotalGiB: number;
  memAvailableGiB: number;
  kernel: string;
  bun: string;
}

/** memAvailableBytes is the kernel's estimate of memory available to new work (MemAvailable). */
export function memAvailableBytes(): number {
  const line = readFileSync("/proc/meminfo", "utf8").split("\n").find((l) => l.startsWith("MemAvailable:"));
  return Number(line?.match(/\d+/)?.[0] ?? 0) * 1024;
}

export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    memTotalGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    memAvailableGiB: Math.round((memAvailableBytes() / 2 ** 30) * 10) / 10,
    kernel: release(),
    bun: Bun.version,
  };
}

/** writeResult saves a scenario's result and returns the file's path. */
export function writeResult(scenario: string, result: object): string {
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `poc-${scenario}.json`);
  writeFileSync(path, JSON.stringify({ scenario, date: new Date().toISOString(), machine: machine(), ...result }, null, 2) + "\n");
  return path;
}
