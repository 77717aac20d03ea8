import { expect, test } from "bun:test";
import type { BenchResult } from "../../protocol/bench.ts";
import { formatBench } from "./format-bench.ts";

const result: BenchResult = {
  schemaVersion: 1,
  quick: false,
  startedAt: "2026-01-02T03:04:05.000Z",
  durationMs: 41234,
  cpu: { singleCore: 10234.5, multiCore: 81234.5, threads: 8 },
  memory: { bandwidthMBps: 31000 },
  disk: { path: "/var/lib/akash-home", seqWriteMBps: 512.3, seqReadMBps: 2100, fsyncP50Ms: 0.8, fsyncP99Ms: 4.25 },
  network: {
    regions: [
      { regionId: "eu-central", rttMs: 23.4, error: null },
      { regionId: "us-west", rttMs: null, error: "ECONNREFUSED" },
    ],
    downloadMBps: 45.6,
    error: null,
  },
  gpus: [{ index: 0, name: "NVIDIA GeForce RTX 4090", akashModel: "rtx4090", vramMiB: 24564, maxGraphicsClockMHz: 3120, maxMemoryClockMHz: 10501, powerLimitW: 450 }],
};

test("the table shows every measurement with its unit", () => {
  const text = formatBench(result, "/var/lib/akash-home/bench.json");
  expect(text).toContain("10,235 units/s");
  expect(text).toContain("CPU, all 8 threads");
  expect(text).toContain("31,000 MB/s");
  expect(text).toContain("p50 0.80 ms, p99 4.25 ms");
  expect(text).toMatch(/eu-central\s+23\.4 ms/);
  expect(text).toMatch(/us-west\s+failed: ECONNREFUSED/);
  expect(text).toContain("45.6 MB/s");
  expect(text).toContain("NVIDIA GeForce RTX 4090");
  expect(text).toContain("24.0 GiB VRAM");
  expect(text).toContain("power limit 450 W");
  expect(text).toContain("Saved to /var/lib/akash-home/bench.json");
});

test("without a registry it says the network was not measured and how to measure it", () => {
  const text = formatBench({ ...result, network: { regions: [], downloadMBps: null, error: null }, gpus: [] });
  expect(text).toContain("pass --registry");
  expect(text).toMatch(/GPUs\s+none found/);
});

test("a network problem is shown in words", () => {
  const text = formatBench({ ...result, network: { regions: [], downloadMBps: null, error: "region list: registry not reachable" } });
  expect(text).toContain("registry not reachable");
  expect(text).not.toContain("pass --registry");
});
