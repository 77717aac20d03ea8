import type { BenchResult } from "../../protocol/bench.ts";

/** num prints big numbers whole with thousands separators and small ones with two significant decimals. */
function num(n: number): string {
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("en-US");
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** formatBench renders a result as the table `akash-home bench` prints for people. */
export function formatBench(r: BenchResult, savedTo?: string): string {
  const rows: [string, string][] = [
    ["CPU, one thread", `${num(r.cpu.singleCore)} units/s`],
    [`CPU, all ${r.cpu.threads} threads`, `${num(r.cpu.multiCore)} units/s`],
    ["Memory bandwidth", `${num(r.memory.bandwidthMBps)} MB/s`],
    ["Disk write (fsynced)", `${num(r.disk.seqWriteMBps)} MB/s`],
    ["Disk read", `${num(r.disk.seqReadMBps)} MB/s (mostly page cache: an upper bound)`],
    ["Disk fsync latency", `p50 ${num(r.disk.fsyncP50Ms)} ms, p99 ${num(r.disk.fsyncP99Ms)} ms`],
  ];
  if (r.network.regions.length === 0) rows.push(["Region round trip", r.network.error ? "not measured (see the network problem below)" : "not measured (no regions; pass --registry)"]);
  for (const region of r.network.regions) {
    rows.push([`Round trip to ${region.regionId}`, region.rttMs !== null ? `${num(region.rttMs)} ms` : `failed: ${region.error ?? "no answer"}`]);
  }
  rows.push(["Download from registry", r.network.downloadMBps !== null ? `${num(r.network.downloadMBps)} MB/s` : r.network.error ? "not measured (see the network problem below)" : "not measured (no --registry)"]);
  if (r.network.error) rows.push(["Network problem", r.network.error]);
  if (r.gpus.length === 0) rows.push(["GPUs", "none found"]);
  for (const g of r.gpus) {
    const facts = [`${num(g.vramMiB / 1024)} GiB VRAM`];
    if (g.maxGraphicsClockMHz !== null) facts.push(`max clock ${g.maxGraphicsClockMHz} MHz`);
    if (g.maxMemoryClockMHz !== null) facts.push(`memory clock ${g.maxMemoryClockMHz} MHz`);
    if (g.powerLimitW !== null) facts.push(`power limit ${num(g.powerLimitW)} W`);
    rows.push([`GPU ${g.index}: ${g.name}`, facts.join(", ")]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const head = `Benchmark (${r.quick ? "quick" : "full"}) of ${r.startedAt}, took ${(r.durationMs / 1000).toFixed(1)} s; higher is better except latencies.`;
  const lines = [head, "", ...rows.map(([k, val]) => `  ${k.padEnd(width)}  ${val}`), ""];
  lines.push("Units: CPU units/s = fixed integer work per second (same on every device); MB = 10^6 bytes.");
  if (savedTo) lines.push(`Saved to ${savedTo}`);
  return lines.join("\n") + "\n";
}
