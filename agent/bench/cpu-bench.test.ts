import { expect, test } from "bun:test";
import { measureCpu } from "./cpu-bench.ts";

test("one worker thread gives a positive score within its time box", async () => {
  const t = performance.now();
  const score = await measureCpu({ threads: 1, warmupMs: 50, durationMs: 300 });
  expect(score).toBeGreaterThan(0);
  // Worker start-up is well under a second; the box is warm-up + duration.
  expect(performance.now() - t).toBeLessThan(350 + 2000);
});

test("several threads run side by side and their work is added up", async () => {
  const t = performance.now();
  const one = await measureCpu({ threads: 1, warmupMs: 100, durationMs: 400 });
  const four = await measureCpu({ threads: 4, warmupMs: 100, durationMs: 400 });
  // Four threads in parallel take about as long as one, not four times as long.
  expect(performance.now() - t).toBeLessThan(2 * 500 + 3000);
  // Even on one contended core, four threads together do at least half of what one does alone.
  expect(four).toBeGreaterThan(one * 0.5);
});
