// Telemetry records as an agent would send them, for tests, the crash test's child and benchmarks.
import type { Heartbeat, Metrics } from "../../../protocol/index.ts";

export function heartbeat(seq: number, options: { paused?: boolean; at?: number } = {}): Heartbeat {
  return {
    kind: "heartbeat",
    seq,
    at: new Date(options.at ?? Date.UTC(2026, 0, 2, 3, 4, 5)).toISOString(),
    paused: options.paused ?? false,
    tailscale: { state: "running", ip: "100.64.0.7" },
    kubelet: { state: "running" },
    agentVersion: "0.1.0",
  };
}

export function metrics(seq: number): Metrics {
  return {
    kind: "metrics",
    seq,
    at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)).toISOString(),
    cpuPercent: 12.5,
    memoryUsedBytes: 3 * 2 ** 30,
    memoryTotalBytes: 16 * 2 ** 30,
    gpus: [{ index: 0, utilPercent: 40, memoryUsedMiB: 2048 }],
    pods: 3,
  };
}
