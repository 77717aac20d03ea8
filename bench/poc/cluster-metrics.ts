// cluster-metrics: what the soak samples to judge the region's stability over time — etcd's database size
// (total and in use) and revision, the API server's request latency (its own histogram,
// apiserver_request_duration_seconds, as deltas between samples, plus requests timed from outside), the
// number of Ready nodes, and the CPU and memory of the control plane's processes.
import { readdirSync, readFileSync } from "node:fs";
import { CoreV1Api } from "@kubernetes/client-node";
import { runCommand } from "../../tests/infra/process.ts";
import type { Region } from "./region.ts";

export interface MetricLine {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** parseMetrics reads the Prometheus text format (what etcd and kube-apiserver serve on /metrics). */
export function parseMetrics(text: string): MetricLine[] {
  const out: MetricLine[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const one = (lines: MetricLine[], name: string) => lines.find((l) => l.name === name)?.value ?? NaN;

export interface EtcdSample {
  dbTotalBytes: number;
  dbInUseBytes: number;
  revision: number;
  leaderChanges: number;
}

export async function sampleEtcd(region: Region): Promise<EtcdSample> {
  const { stdout } = await runCommand(["curl", "-sf", "--max-time", "10", `${region.etcdClientUrl}/metrics`], { netns: region.lab.region.netns });
  const lines = parseMetrics(stdout);
  return {
    dbTotalBytes: one(lines, "etcd_mvcc_db_total_size_in_bytes"),
    dbInUseBytes: one(lines, "etcd_mvcc_db_total_size_in_use_in_bytes"),
    revision: one(lines, "etcd_debugging_mvcc_current_revision"),
    leaderChanges: one(lines, "etcd_server_leader_changes_seen_total"),
  };
}

/** Cumulative bucket counts (le → count) of the API server's request latency, for reads and for writes. */
export interface LatencyBuckets {
  read: Map<number, number>;
  write: Map<number, number>;
}

const READ_VERBS = new Set(["GET", "LIST"]);
const WRITE_VERBS = new Set(["POST", "PUT", "PATCH", "DELETE", "APPLY"]);

export async function sampleApiLatency(region: Region): Promise<LatencyBuckets> {
  const text = await (await region.cluster.adminFetch("/metrics")).text();
  const buckets: LatencyBuckets = { read: new Map(), write: new Map() };
  for (const l of parseMetrics(text)) {
    if (l.name !== "apiserver_request_duration_seconds_bucket") continue;
    const verb = l.labels.verb ?? "";
    const into = READ_VERBS.has(verb) ? buckets.read : WRITE_VERBS.has(verb) ? buckets.write : undefined; // WATCH and CONNECT are long-lived
    if (!into) continue;
    const le = l.labels.le === "+Inf" ? Infinity : Number(l.labels.le);
    into.set(le, (into.get(le) ?? 0) + l.value);
  }
  return buckets;
}

/** sampleWriteCounts: the API server's write requests so far, per "VERB resource" (apiserver_request_total). */
export async function sampleWriteCounts(region: Region): Promise<Map<string, number>> {
  const text = await (await region.cluster.adminFetch("/metrics")).text();
  const counts = new Map<string, number>();
  for (const l of parseMetrics(text)) {
    if (l.name !== "apiserver_request_total" || !WRITE_VERBS.has(l.labels.verb ?? "")) continue;
    const key = `${l.labels.verb} ${l.labels.resource}${l.labels.subresource ? `/${l.labels.subresource}` : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + l.value);
  }
  return counts;
}

/** quantileBetween estimates a quantile (in ms) of the requests between two samples: the upper bound of its bucket. */
export function quantileBetween(before: Map<number, number>, after: Map<number, number>, q: number): { count: number; ms: number } {
  const les = [...after.keys()].sort((a, b) => a - b);
  const count = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (count <= 0) return { count: 0, ms: 0 };
  for (const le of les) {
    if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= q * count) return { count, ms: le === Infinity ? Infinity : Math.round(le * 1000) };
  }
  return { count, ms: Infinity };
}

export interface ProcessSample {
  rssMiB: number;
  /** cpuSeconds: user + system time so far. */
  cpuSeconds: number;
}

const TICKS = 100; // USER_HZ on Linux

export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14 and 15)
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return { rssMiB: Math.round(Number(rss ?? 0) / 102.4) / 10, cpuSeconds };
}

/** findPid is the first process whose argv satisfies match (the harness starts each part once). */
export function findPid(match: (argv: string[]) => boolean): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (match(readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0"))) return Number(entry);
    } catch {}
  }
  return undefined;
}

/** readyNodes counts the Nodes whose Ready condition is True. */
export async function readyNodes(region: Region): Promise<{ ready: number; total: number }> {
  const nodes = (await region.cluster.api(CoreV1Api).listNode()).items;
  return { ready: nodes.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length, total: nodes.length };
}

/** timedGet times one API request as a client sees it (TLS, auth, encoding included); ms. */
export async function timedGet(region: Region, path: string): Promise<number> {
  const t = performance.now();
  const res = await region.cluster.adminFetch(path);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return Math.round((performance.now() - t) * 10) / 10;
}
