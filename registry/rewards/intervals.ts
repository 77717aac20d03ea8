import type { Interval } from "./ports.ts";

// Half-open time intervals [startMs, endMs): merging, clipping, intersecting, measuring.

/** normalize sorts intervals, drops empty ones and merges overlapping or touching ones. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.startMs <= last.endMs) last.endMs = Math.max(last.endMs, i.endMs);
    else out.push({ startMs: i.startMs, endMs: i.endMs });
  }
  return out;
}

/** clip cuts normalized intervals to window. */
export function clip(intervals: readonly Interval[], window: Interval): Interval[] {
  const out: Interval[] = [];
  for (const i of intervals) {
    const startMs = Math.max(i.startMs, window.startMs);
    const endMs = Math.min(i.endMs, window.endMs);
    if (endMs > startMs) out.push({ startMs, endMs });
  }
  return out;
}

/** intersect is the time covered by both normalized lists. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const startMs = Math.max(a[i]!.startMs, b[j]!.startMs);
    const endMs = Math.min(a[i]!.endMs, b[j]!.endMs);
    if (endMs > startMs) out.push({ startMs, endMs });
    if (a[i]!.endMs < b[j]!.endMs) i++;
    else j++;
  }
  return out;
}

/** totalMs is the length of normalized intervals. */
export function totalMs(intervals: readonly Interval[]): number {
  let t = 0;
  for (const i of intervals) t += i.endMs - i.startMs;
  return t;
}
