import { cellToLatLng, cellToParent, getResolution, latLngToCell } from "h3-js";
import type { MapCell } from "../../protocol/index.ts";

// The public map never shows where a home is. Devices have no location of their own: a device is drawn
// at its region's coordinates (where the region's control plane is, public in the region list), and a
// waiting device at its country's reference point. Those points are then counted into H3 cells, and a
// cell is drawn only when it holds at least MIN_DEVICES_PER_CELL devices: a smaller cell is merged, with
// its siblings, into their parent cell, resolution by resolution, up to resolution 0; what is still
// below the floor there is counted in the totals and drawn nowhere. Cells never overlap.

/** MIN_DEVICES_PER_CELL is the privacy floor: no drawn cell holds fewer devices. */
export const MIN_DEVICES_PER_CELL = 3;
/** FINEST_RESOLUTION is the finest H3 resolution drawn (res 3: hexagons of about 12,000 km²). */
export const FINEST_RESOLUTION = 3;

export const PRIVACY_RULE =
  `Devices are placed at their region's location, never their own, counted into H3 cells of resolution ${FINEST_RESOLUTION} or coarser, ` +
  `and a cell is shown only when it holds at least ${MIN_DEVICES_PER_CELL} devices; smaller cells merge into coarser ones or are left off the map.`;

/** MapPoint is a public location with how many devices are counted there. */
export interface MapPoint {
  lat: number;
  lng: number;
  devices: number;
  online: number;
}

interface Bucket {
  h3: string;
  devices: number;
  online: number;
}

export interface CellOptions {
  minDevices?: number;
  finest?: number;
}

/** aggregateCells counts points into H3 cells that keep the privacy floor; see the header for the rule. */
export function aggregateCells(points: readonly MapPoint[], o: CellOptions = {}): { cells: MapCell[]; unmapped: number } {
  const floor = o.minDevices ?? MIN_DEVICES_PER_CELL;
  const finest = o.finest ?? FINEST_RESOLUTION;
  let buckets = new Map<string, Bucket>();
  for (const p of points) {
    if (p.devices <= 0 || !Number.isFinite(p.lat) || !Number.isFinite(p.lng)) continue;
    const h3 = latLngToCell(p.lat, p.lng, finest);
    const b = buckets.get(h3) ?? { h3, devices: 0, online: 0 };
    b.devices += p.devices;
    b.online += p.online;
    buckets.set(h3, b);
  }
  // From fine to coarse: every family (cells sharing an ancestor one level up) with a member under the
  // floor becomes that ancestor. Families of cells already coarser are judged at their own level.
  for (let res = finest; res > 0; res--) {
    const families = new Map<string, Bucket[]>();
    for (const b of buckets.values()) {
      const parent = cellToParent(b.h3, Math.min(res - 1, getResolution(b.h3)));
      const family = families.get(parent) ?? [];
      family.push(b);
      families.set(parent, family);
    }
    const next = new Map<string, Bucket>();
    for (const [parent, family] of families) {
      if (family.some((b) => b.devices < floor)) {
        next.set(parent, { h3: parent, devices: family.reduce((n, b) => n + b.devices, 0), online: family.reduce((n, b) => n + b.online, 0) });
      } else for (const b of family) next.set(b.h3, b);
    }
    buckets = next;
  }
  const cells: MapCell[] = [];
  let unmapped = 0;
  for (const b of buckets.values()) {
    if (b.devices < floor) {
      unmapped += b.devices;
      continue;
    }
    const [lat, lng] = cellToLatLng(b.h3);
    cells.push({ h3: b.h3, resolution: getResolution(b.h3), lat, lng, devices: b.devices, online: b.online });
  }
  cells.sort((a, b) => b.devices - a.devices || a.h3.localeCompare(b.h3));
  return { cells, unmapped };
}
