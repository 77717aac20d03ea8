/** MapGeometry is the projected base map: sphere outline, land and borders as SVG path data. */
export interface MapGeometry {
  width: number;
  height: number;
  sphere: string;
  land: string;
  borders: string;
}

/** MapCellShape is one drawn H3 cell: its outline, centre and counts. */
export interface MapCellShape {
  d: string;
  x: number;
  y: number;
  devices: number;
  online: number;
  resolution: number;
}

/** MapMarker is a waiting area drawn at its public reference point. */
export interface MapMarker {
  x: number;
  y: number;
  label: string;
  waiting: number;
}

export interface WorldMapSvgProps {
  geometry: MapGeometry;
  cells: readonly MapCellShape[];
  waiting: readonly MapMarker[];
}

const LAND = "#9aa4ae";
const CELL = "#d92d3a";
const WAIT = "#8a5a00";

/**
 * WorldMapSvg is the public map as a standalone SVG document: land and borders, devices counted into
 * H3 cells (more devices, stronger colour), and areas where devices wait for a region. Colours are
 * attributes, readable on light and dark pages alike, because an image document has no page CSS.
 */
export function WorldMapSvg(p: WorldMapSvgProps): string {
  const g = p.geometry;
  const most = Math.max(1, ...p.cells.map((c) => c.devices));
  const opacity = (n: number) => (0.35 + 0.55 * (Math.log(1 + n) / Math.log(1 + most))).toFixed(2);
  const marker = (n: number) => (7 + 9 * Math.sqrt(n / most)).toFixed(1);
  const radius = (n: number) => (4 + 6 * Math.sqrt(n / Math.max(1, ...p.waiting.map((w) => w.waiting)))).toFixed(1);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    (
      <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${g.width} ${g.height}`} width={String(g.width)} height={String(g.height)} role="img" aria-label="World map of Akash at Home devices by area">
        <title>Akash at Home devices by area</title>
        <path d={g.sphere} fill={LAND} fill-opacity="0.08" stroke={LAND} stroke-opacity="0.5" stroke-width="0.8" />
        <path d={g.land} fill={LAND} fill-opacity="0.55" />
        <path d={g.borders} fill="none" stroke="#ffffff" stroke-opacity="0.6" stroke-width="0.4" />
        {p.cells.map((c) => (
          <g>
            <title safe>{`${c.devices} device${c.devices === 1 ? "" : "s"} in this area, ${c.online} online`}</title>
            <path d={c.d} fill={CELL} fill-opacity={opacity(c.devices)} stroke={CELL} stroke-width="1" />
            {/* A fine cell is a few pixels wide on a world map: a marker sized by its count keeps it visible. */}
            <circle cx={String(c.x)} cy={String(c.y)} r={marker(c.devices)} fill={CELL} fill-opacity={opacity(c.devices)} stroke="#ffffff" stroke-width="1.5" />
          </g>
        ))}
        {p.waiting.map((w) => (
          <g>
            <title safe>{`${w.waiting} device${w.waiting === 1 ? "" : "s"} waiting for a region (${w.label})`}</title>
            <circle cx={String(w.x)} cy={String(w.y)} r={radius(w.waiting)} fill={WAIT} fill-opacity="0.25" stroke={WAIT} stroke-width="1.2" stroke-dasharray="3 2" />
          </g>
        ))}
        {p.cells.map((c) => (
          <text x={String(c.x)} y={String(c.y + 4)} text-anchor="middle" font-family="system-ui, sans-serif" font-size="11" font-weight="700" fill="#ffffff" safe>
            {String(c.devices)}
          </text>
        ))}
      </svg>
    )
  );
}
