import type { DowntimePeriod, UptimeKind, UptimeMark, UptimeStrip } from "../../protocol/index.ts";

// Uptime as owners read it (a status-history bar of equal buckets, a percentage, and the list of
// downtime periods) from the intervals telemetry keeps: "online" and "paused" intervals are stretches of
// heartbeats; every other moment of the device's life inside the window is offline.

/** HeardInterval is a stretch of heartbeats, as the telemetry domain stores it. */
export interface HeardInterval {
  kind: "online" | "paused";
  startAt: number;
  endAt: number;
}

export interface StripOptions {
  from: number;
  to: number;
  buckets: number;
  /** When the device came to be: time before it is "none", not offline. */
  existsFrom: number;
  /** When it stopped being (removed, banned), or null while it lives: time after it is "none". */
  existsTo?: number | null;
  /**
   * How long after its last heartbeat a device still counts as online: an interval that ended less than
   * this before `to` is taken to run to `to`, so a device heard seconds ago shows no sliver of downtime.
   */
  graceMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * bucketEdges are the buckets' boundaries as text. A list page draws a strip per device over the same
 * window, so the last window's edges are kept: formatting them per device was most of a 1,000-device page.
 */
let lastEdges: { from: number; to: number; buckets: number; edges: string[] } | null = null;
function bucketEdges(from: number, to: number, buckets: number): string[] {
  if (lastEdges && lastEdges.from === from && lastEdges.to === to && lastEdges.buckets === buckets) return lastEdges.edges;
  const width = (to - from) / buckets;
  const edges = Array.from({ length: buckets + 1 }, (_, b) => iso(b === buckets ? to : from + b * width));
  lastEdges = { from, to, buckets, edges };
  return edges;
}

/** normalise sorts intervals, clips them to [from, to], drops empty ones and stretches a live one to `to`. */
function normalise(intervals: readonly HeardInterval[], from: number, to: number, graceMs: number): HeardInterval[] {
  const sorted = [...intervals].sort((a, b) => a.startAt - b.startAt);
  const last = sorted.at(-1);
  const liveEnd = last && to - last.endAt <= graceMs && last.endAt <= to ? to : null;
  const out: HeardInterval[] = [];
  for (const i of sorted) {
    const end = i === last && liveEnd !== null ? liveEnd : i.endAt;
    const s = Math.max(from, i.startAt);
    const e = Math.min(to, end);
    if (e > s) out.push({ kind: i.kind, startAt: s, endAt: e });
  }
  return out;
}

/** heardIn sums, per kind, how much of [a, b) the (sorted, clipped) intervals cover; overlaps count once. */
function heardIn(intervals: readonly HeardInterval[], a: number, b: number): { online: number; paused: number } {
  let online = 0;
  let paused = 0;
  let cursor = a;
  for (const i of intervals) {
    if (i.endAt <= cursor) continue;
    if (i.startAt >= b) break;
    const s = Math.max(cursor, i.startAt);
    const e = Math.min(b, i.endAt);
    if (e <= s) continue;
    if (i.kind === "online") online += e - s;
    else paused += e - s;
    cursor = e;
  }
  return { online, paused };
}

function dominant(online: number, paused: number, offline: number): UptimeKind {
  if (online + paused + offline === 0) return "none";
  if (online >= paused && online >= offline) return "online";
  return paused >= offline ? "paused" : "offline";
}

/**
 * uptimeStrip splits [from, to] into equal buckets and says, for each, how its known time split between
 * online, paused and offline (in milliseconds) and which of them dominated.
 */
export function uptimeStrip(intervals: readonly HeardInterval[], o: StripOptions): UptimeStrip {
  const graceMs = o.graceMs ?? 60_000;
  const lifeFrom = Math.max(o.from, o.existsFrom);
  const lifeTo = Math.min(o.to, o.existsTo ?? o.to);
  const heard = normalise(intervals, lifeFrom, lifeTo, o.existsTo === null || o.existsTo === undefined ? graceMs : 0);
  const width = (o.to - o.from) / o.buckets;
  const edges = bucketEdges(o.from, o.to, o.buckets);
  const marks: UptimeMark[] = [];
  let online = 0;
  let paused = 0;
  let offline = 0;
  for (let b = 0; b < o.buckets; b++) {
    const bFrom = o.from + b * width;
    const bTo = b === o.buckets - 1 ? o.to : o.from + (b + 1) * width;
    const known = Math.max(0, Math.min(bTo, lifeTo) - Math.max(bFrom, lifeFrom));
    const h = known > 0 ? heardIn(heard, Math.max(bFrom, lifeFrom), Math.min(bTo, lifeTo)) : { online: 0, paused: 0 };
    const off = Math.max(0, known - h.online - h.paused);
    online += h.online;
    paused += h.paused;
    offline += off;
    marks.push({ from: edges[b]!, to: edges[b + 1]!, kind: dominant(h.online, h.paused, off), online: Math.round(h.online), paused: Math.round(h.paused), offline: Math.round(off) });
  }
  const total = online + paused + offline;
  return {
    from: edges[0]!,
    to: edges[o.buckets]!,
    marks,
    onlineFraction: total ? online / total : 0,
    pausedFraction: total ? paused / total : 0,
    offlineFraction: total ? offline / total : 0,
  };
}

/**
 * downtimePeriods lists the gaps between heartbeats in the device's life inside [from, to], newest first,
 * each at least minMs long (short gaps are a late heartbeat, not downtime). A gap running to `to` is open.
 */
export function downtimePeriods(intervals: readonly HeardInterval[], o: Omit<StripOptions, "buckets"> & { minMs?: number; limit?: number }): DowntimePeriod[] {
  const graceMs = o.graceMs ?? 60_000;
  const lifeFrom = Math.max(o.from, o.existsFrom);
  const alive = o.existsTo === null || o.existsTo === undefined;
  const lifeTo = Math.min(o.to, o.existsTo ?? o.to);
  const heard = normalise(intervals, lifeFrom, lifeTo, alive ? graceMs : 0);
  const minMs = o.minMs ?? 5 * 60_000;
  const gaps: DowntimePeriod[] = [];
  let cursor = lifeFrom;
  for (const i of heard) {
    if (i.startAt - cursor >= minMs) gaps.push({ from: iso(cursor), to: iso(i.startAt), durationMs: i.startAt - cursor });
    cursor = Math.max(cursor, i.endAt);
  }
  if (lifeTo - cursor >= minMs) gaps.push({ from: iso(cursor), to: alive && lifeTo === o.to ? null : iso(lifeTo), durationMs: lifeTo - cursor });
  return gaps.reverse().slice(0, o.limit ?? 50);
}
