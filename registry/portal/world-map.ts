import { geoNaturalEarth1, geoPath, type GeoPermissibleObjects } from "d3-geo";
import { cellToBoundary } from "h3-js";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countries from "world-atlas/countries-110m.json" with { type: "json" };
import type { MapCell } from "../../protocol/index.ts";

// The world map drawn on the server: Natural Earth land and borders from world-atlas (1:110m), projected
// with d3-geo into SVG path data, and the map's H3 cells projected the same way. No tile server, no
// script: the page gets finished geometry. The land is the same for every request, so it is projected
// once per process.

export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 500;

/** ProjectedCell is a map cell with its outline and centre in map coordinates. */
export interface ProjectedCell extends MapCell {
  d: string;
  x: number;
  y: number;
}

/** ProjectedPoint is a labelled point (e.g. a waiting area) in map coordinates. */
export interface ProjectedPoint {
  x: number;
  y: number;
}

/** WorldGeometry is the base map: the sphere's outline, land, and borders between countries. */
export interface WorldGeometry {
  width: number;
  height: number;
  sphere: string;
  land: string;
  borders: string;
}

/** The sphere's outline is stroked; a margin keeps that stroke (and Antarctica's edge) inside the picture. */
const MAP_MARGIN = 6;
const projection = geoNaturalEarth1().fitExtent(
  [
    [MAP_MARGIN, MAP_MARGIN],
    [MAP_WIDTH - MAP_MARGIN, MAP_HEIGHT - MAP_MARGIN],
  ],
  { type: "Sphere" },
);
// One decimal of a pixel is finer than the 1:110m data; more digits only make the document bigger.
const path = geoPath(projection).digits(1);

let world: WorldGeometry | null = null;

/** worldGeometry is the projected base map, computed on first use. */
export function worldGeometry(): WorldGeometry {
  if (world) return world;
  const topo = countries as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  world = {
    width: MAP_WIDTH,
    height: MAP_HEIGHT,
    sphere: path({ type: "Sphere" }) ?? "",
    land: path(feature(topo, topo.objects.land) as GeoPermissibleObjects) ?? "",
    borders: path(mesh(topo, topo.objects.countries, (a, b) => a !== b)) ?? "",
  };
  return world;
}

/** projectPoint puts a latitude and longitude on the map; null if the projection cannot (never, for this one). */
export function projectPoint(lat: number, lng: number): ProjectedPoint | null {
  const p = projection([lng, lat]);
  return p ? { x: Math.round(p[0] * 10) / 10, y: Math.round(p[1] * 10) / 10 } : null;
}

/** projectCells gives each cell its hexagon outline (in GeoJSON winding, so d3 draws the small side) and centre. */
export function projectCells(cells: readonly MapCell[]): ProjectedCell[] {
  const out: ProjectedCell[] = [];
  for (const c of cells) {
    // h3 gives [lat, lng] pairs counter-clockwise; GeoJSON wants [lng, lat] and d3 wants clockwise rings.
    const ring = cellToBoundary(c.h3).map(([lat, lng]) => [lng, lat] as [number, number]);
    ring.reverse();
    ring.push(ring[0]!);
    const d = path({ type: "Polygon", coordinates: [ring] });
    const centre = projectPoint(c.lat, c.lng);
    if (!d || !centre) continue;
    out.push({ ...c, d, x: centre.x, y: centre.y });
  }
  return out;
}
