import { describe, expect, test } from "bun:test";
import { downtimePeriods, uptimeStrip, type HeardInterval } from "./uptime.ts";

const H = 3_600_000;
const D = 24 * H;
const T = Date.UTC(2026, 10, 30);

describe("uptime strip", () => {
  test("a device online all month, but for one day offline and half a day paused, shows that day red and the half day yellow", () => {
    const intervals: HeardInterval[] = [
      { kind: "online", startAt: T - 30 * D, endAt: T - 20 * D },
      { kind: "online", startAt: T - 19 * D, endAt: T - 10 * D },
      { kind: "paused", startAt: T - 10 * D, endAt: T - 9.5 * D },
      { kind: "online", startAt: T - 9.5 * D, endAt: T },
    ];
    const s = uptimeStrip(intervals, { from: T - 30 * D, to: T, buckets: 30, existsFrom: T - 40 * D });
    expect(s.marks).toHaveLength(30);
    expect(s.marks.map((m) => m.kind).join(",")).toBe([...Array(10).fill("online"), "offline", ...Array(9).fill("online"), "online", ...Array(9).fill("online")].join(","));
    // The paused half day is in bucket 20 (days 10 → 9 before now); online still dominates it.
    expect(s.marks[20]).toMatchObject({ online: 12 * H, paused: 12 * H, offline: 0 });
    expect(s.offlineFraction).toBeCloseTo(1 / 30, 6);
    expect(s.pausedFraction).toBeCloseTo(0.5 / 30, 6);
    expect(s.onlineFraction + s.pausedFraction + s.offlineFraction).toBeCloseTo(1, 9);
  });

  test("time before the device existed is 'none', not offline, and does not count against it", () => {
    const s = uptimeStrip([{ kind: "online", startAt: T - 2 * D, endAt: T }], { from: T - 30 * D, to: T, buckets: 30, existsFrom: T - 2 * D });
    expect(s.marks.slice(0, 28).every((m) => m.kind === "none")).toBe(true);
    expect(s.marks.slice(28).every((m) => m.kind === "online")).toBe(true);
    expect(s.onlineFraction).toBe(1);
  });

  test("a device heard seconds ago shows no sliver of downtime at the end; one silent for an hour does", () => {
    const live = uptimeStrip([{ kind: "online", startAt: T - D, endAt: T - 20_000 }], { from: T - D, to: T, buckets: 24, existsFrom: T - D, graceMs: 60_000 });
    expect(live.offlineFraction).toBe(0);
    const silent = uptimeStrip([{ kind: "online", startAt: T - D, endAt: T - H }], { from: T - D, to: T, buckets: 24, existsFrom: T - D, graceMs: 60_000 });
    expect(silent.marks.at(-1)).toMatchObject({ kind: "offline", offline: H });
  });

  test("a removed device's strip ends when it was removed", () => {
    const s = uptimeStrip([{ kind: "online", startAt: T - 5 * D, endAt: T - 3 * D }], { from: T - 5 * D, to: T, buckets: 5, existsFrom: T - 5 * D, existsTo: T - 3 * D });
    expect(s.marks.map((m) => m.kind)).toEqual(["online", "online", "none", "none", "none"]);
    expect(s.offlineFraction).toBe(0);
  });

  test("overlapping intervals count once", () => {
    const s = uptimeStrip(
      [
        { kind: "online", startAt: T - 10 * H, endAt: T - 4 * H },
        { kind: "online", startAt: T - 6 * H, endAt: T - 2 * H },
      ],
      { from: T - 10 * H, to: T, buckets: 1, existsFrom: T - 10 * H, graceMs: 0 },
    );
    expect(s.marks[0]).toMatchObject({ online: 8 * H, offline: 2 * H });
  });
});

describe("downtime periods", () => {
  test("lists the gaps newest first, skips short ones, and leaves the current one open", () => {
    const gaps = downtimePeriods(
      [
        { kind: "online", startAt: T - 10 * D, endAt: T - 9 * D },
        { kind: "online", startAt: T - 9 * D + 2 * 60_000, endAt: T - 5 * D },
        { kind: "paused", startAt: T - 4 * D, endAt: T - 3 * D },
      ],
      { from: T - 10 * D, to: T, existsFrom: T - 10 * D, minMs: 5 * 60_000 },
    );
    expect(gaps).toEqual([
      { from: new Date(T - 3 * D).toISOString(), to: null, durationMs: 3 * D },
      { from: new Date(T - 5 * D).toISOString(), to: new Date(T - 4 * D).toISOString(), durationMs: D },
    ]);
  });

  test("a device never heard from has been down since it joined", () => {
    expect(downtimePeriods([], { from: T - D, to: T, existsFrom: T - 2 * H })).toEqual([{ from: new Date(T - 2 * H).toISOString(), to: null, durationMs: 2 * H }]);
  });
});
