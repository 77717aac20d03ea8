import { describe, expect, test } from "bun:test";
import { median, percentile } from "./percentile.ts";

describe("percentile", () => {
  test("the median ignores one slow outlier, as the first connection's set-up is", () => {
    expect(median([250, 20, 21, 19, 22])).toBe(21);
  });
  test("p99 of 100 samples is the second-slowest, and p50 never exceeds p99", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 50)).toBeLessThanOrEqual(percentile(samples, 99));
  });
  test("no samples give NaN rather than a made-up zero", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
