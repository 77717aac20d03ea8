/** ChartSeries is one line: its values (null for a gap) at evenly spaced times, and its name for the legend. */
export interface ChartSeries {
  name: string;
  values: readonly (number | null)[];
}

export interface LineChartProps {
  series: readonly ChartSeries[];
  /** The value at the top of the chart (e.g. 100 for percentages). */
  max: number;
  /** What the chart shows, in words, for assistive tech. */
  label: string;
  /** Labels under the left and right ends, e.g. the first and last sample's time. */
  startLabel: string;
  endLabel: string;
  unit: string;
}

const W = 600;
const H = 140;
const PAD = 20;

/** LineChart draws up to two series as lines over a light grid, with the top value and the ends labelled. */
export function LineChart(p: LineChartProps): JSX.Element {
  const top = p.max > 0 ? p.max : 1;
  const line = (values: readonly (number | null)[]) => {
    const n = values.length;
    const parts: string[] = [];
    let pen = false;
    values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      const x = n <= 1 ? W / 2 : (i / (n - 1)) * W;
      const y = H - (Math.min(top, Math.max(0, v)) / top) * (H - PAD) - 1;
      parts.push(`${pen ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`);
      pen = true;
    });
    return parts.join("");
  };
  return (
    <svg class="chart" viewBox={`0 ${-PAD} ${W} ${H + PAD * 2}`} role="img" aria-label={p.label}>
      <line class="chart-grid" x1="0" x2={String(W)} y1={String(PAD - 1)} y2={String(PAD - 1)} />
      <line class="chart-grid" x1="0" x2={String(W)} y1={String((H + PAD) / 2)} y2={String((H + PAD) / 2)} />
      <line class="chart-grid" x1="0" x2={String(W)} y1={String(H)} y2={String(H)} />
      <text class="chart-label" x="0" y={String(PAD - 5)} safe>
        {`${top.toLocaleString("en-US", { maximumFractionDigits: 1 })} ${p.unit}`}
      </text>
      {p.series.map((s, i) => (
        <path class={i === 0 ? "chart-line" : "chart-line chart-line-2"} d={line(s.values)}>
          <title safe>{s.name}</title>
        </path>
      ))}
      <text class="chart-label" x="0" y={String(H + PAD - 4)} safe>
        {p.startLabel}
      </text>
      <text class="chart-label" x={String(W)} y={String(H + PAD - 4)} text-anchor="end" safe>
        {p.endLabel}
      </text>
    </svg>
  );
}
