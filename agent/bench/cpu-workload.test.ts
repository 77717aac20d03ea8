import { describe, expect, test } from "bun:test";
import { runFor, UNIT_WORDS, workUnit } from "./cpu-workload.ts";

describe("cpu workload", () => {
  test("a unit is the same work on every run, so scores compare across devices", () => {
    const a = workUnit(42, new Uint32Array(UNIT_WORDS));
    const b = workUnit(42, new Uint32Array(UNIT_WORDS));
    expect(a).toBe(b);
    expect(workUnit(43, new Uint32Array(UNIT_WORDS))).not.toBe(a);
  });

  test("a unit really sorts what it generated", () => {
    const buf = new Uint32Array(UNIT_WORDS);
    workUnit(7, buf);
    let sorted = true;
    for (let i = 1; i < buf.length; i++) if (buf[i - 1]! > buf[i]!) sorted = false;
    expect(sorted).toBe(true);
    expect(new Set(buf).size).toBeGreaterThan(UNIT_WORDS / 2);
  });

  test("runFor counts work in a time box instead of running a fixed amount", () => {
    const t = performance.now();
    const r = runFor(200, 1);
    const took = performance.now() - t;
    expect(r.units).toBeGreaterThan(0);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(200);
    // One unit is well under 50 ms even on a slow board, so the box is kept.
    expect(took).toBeLessThan(200 + 250);
  });
});
