import { expect, test } from "bun:test";
import { measureMemoryBandwidth } from "./memory-bench.ts";

test("memory bandwidth is a plausible MB/s figure and the run stays in its time box", () => {
  const t = performance.now();
  const mbps = measureMemoryBandwidth(300);
  const took = performance.now() - t;
  // Even a Raspberry Pi copies well over 100 MB/s; nothing copies a petabyte a second.
  expect(mbps).toBeGreaterThan(100);
  expect(mbps).toBeLessThan(1e9);
  expect(took).toBeLessThan(2000);
});
