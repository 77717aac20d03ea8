import { describe, expect, test } from "bun:test";
import { areaReadiness, isAheadInLine, thresholdFor, waitlistPosition, type WaitingDevice } from "./waitlist.ts";

const settings = { defaultThreshold: 25, areas: { US: 50, "near-eu-central-1": 3 } };

describe("thresholds", () => {
  test("an area with its own threshold uses it; any other area the default", () => {
    expect(thresholdFor(settings, "US")).toBe(50);
    expect(thresholdFor(settings, "near-eu-central-1")).toBe(3);
    expect(thresholdFor(settings, "BR")).toBe(25);
    expect(thresholdFor(settings, "unknown")).toBe(25);
    // Not fooled by names every object has.
    expect(thresholdFor(settings, "constructor")).toBe(25);
  });

  test("an area is ready to bootstrap once its waiting devices reach the threshold", () => {
    expect(areaReadiness(24, 25)).toEqual({ waiting: 24, threshold: 25, readyToBootstrap: false });
    expect(areaReadiness(25, 25).readyToBootstrap).toBe(true);
    expect(areaReadiness(40, 25).readyToBootstrap).toBe(true);
  });
});

describe("positions", () => {
  const line: WaitingDevice[] = [
    { deviceId: "dev-c", area: "US", waitlistedAt: 1000 },
    { deviceId: "dev-a", area: "US", waitlistedAt: 2000 },
    { deviceId: "dev-b", area: "US", waitlistedAt: 2000 },
    { deviceId: "dev-z", area: "BR", waitlistedAt: 500 },
    { deviceId: "dev-d", area: "US", waitlistedAt: 3000 },
  ];

  test("first come, first served within an area; other areas do not count", () => {
    expect(line.map((d) => [d.deviceId, waitlistPosition(d, line)])).toEqual([
      ["dev-c", 1],
      ["dev-a", 2],
      ["dev-b", 3],
      ["dev-z", 1],
      ["dev-d", 4],
    ]);
  });

  test("devices waitlisted in the same millisecond go by device id, so no two share a position", () => {
    expect(isAheadInLine(line[1]!, line[2]!)).toBe(true);
    expect(isAheadInLine(line[2]!, line[1]!)).toBe(false);
    const positions = line.filter((d) => d.area === "US").map((d) => waitlistPosition(d, line));
    expect(new Set(positions).size).toBe(positions.length);
  });

  test("a device's own record does not push it back", () => {
    expect(waitlistPosition(line[0]!, [line[0]!])).toBe(1);
  });
});
