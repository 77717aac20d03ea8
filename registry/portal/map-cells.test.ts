import { describe, expect, test } from "bun:test";
import { cellToLatLng, cellToParent, getResolution, gridDisk, latLngToCell } from "h3-js";
import { aggregateCells, FINEST_RESOLUTION, MIN_DEVICES_PER_CELL, type MapPoint } from "./map-cells.ts";

// The public map's privacy rule: no drawn cell holds fewer than MIN_DEVICES_PER_CELL devices, no cell is
// finer than FINEST_RESOLUTION, cells never overlap, and every device is either in a cell or counted as
// unmapped.

function random(seed: number) {
  return () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
}

function checkRule(points: MapPoint[]) {
  const { cells, unmapped } = aggregateCells(points);
  for (const c of cells) {
    expect(c.devices).toBeGreaterThanOrEqual(MIN_DEVICES_PER_CELL);
    expect(c.resolution).toBeLessThanOrEqual(FINEST_RESOLUTION);
    expect(getResolution(c.h3)).toBe(c.resolution);
  }
  // No cell is an ancestor of another.
  const ids = new Set(cells.map((c) => c.h3));
  for (const c of cells) for (let r = 0; r < c.resolution; r++) expect(ids.has(cellToParent(c.h3, r))).toBe(false);
  const total = points.reduce((n, p) => n + p.devices, 0);
  expect(cells.reduce((n, c) => n + c.devices, 0) + unmapped).toBe(total);
  return { cells, unmapped };
}

describe("map cells keep homes private", () => {
  test("a region with many devices is one cell at the finest resolution, at the region's point", () => {
    const { cells } = checkRule([{ lat: 45.5, lng: -122.6, devices: 40, online: 30 }]);
    expect(cells).toHaveLength(1);
    expect(cells[0]).toMatchObject({ devices: 40, online: 30, resolution: FINEST_RESOLUTION, h3: latLngToCell(45.5, -122.6, FINEST_RESOLUTION) });
  });

  test("a lone device is never drawn on its own: it merges with neighbours into a coarser cell, or stays off the map", () => {
    const alone = checkRule([{ lat: -41.3, lng: 174.8, devices: 1, online: 1 }]);
    expect(alone.cells).toEqual([]);
    expect(alone.unmapped).toBe(1);
    // Two small groups next to each other reach the floor together, in their common ancestor.
    const home = latLngToCell(50.1, 8.7, FINEST_RESOLUTION);
    const neighbour = gridDisk(home, 1).find((h) => h !== home && cellToParent(h, FINEST_RESOLUTION - 1) === cellToParent(home, FINEST_RESOLUTION - 1))!;
    const [lat, lng] = cellToLatLng(neighbour);
    const merged = checkRule([
      { lat: 50.1, lng: 8.7, devices: 2, online: 2 },
      { lat, lng, devices: 1, online: 0 },
    ]);
    expect(merged.cells).toHaveLength(1);
    expect(merged.cells[0]!.resolution).toBeLessThan(FINEST_RESOLUTION);
    expect(merged.cells[0]).toMatchObject({ devices: 3, online: 2 });
  });

  test("a big cell next to a small one coarsens with it rather than reveal the small one beside it", () => {
    const home = latLngToCell(40.7, -74, FINEST_RESOLUTION);
    const sibling = gridDisk(home, 1).find((h) => h !== home && cellToParent(h, FINEST_RESOLUTION - 1) === cellToParent(home, FINEST_RESOLUTION - 1))!;
    const [lat, lng] = cellToLatLng(sibling);
    const { cells } = checkRule([
      { lat: 40.7, lng: -74, devices: 50, online: 50 },
      { lat, lng, devices: 1, online: 1 },
    ]);
    expect(cells).toHaveLength(1);
    expect(cells[0]!.devices).toBe(51);
  });

  test("random fleets around the world keep every rule", () => {
    const rnd = random(7);
    for (let run = 0; run < 40; run++) {
      const points: MapPoint[] = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => {
        const devices = Math.floor(rnd() * 6);
        return { lat: rnd() * 170 - 85, lng: rnd() * 360 - 180, devices, online: Math.floor(rnd() * (devices + 1)) };
      });
      checkRule(points);
    }
  });
});
