import type { UptimeKind, UptimeMark, UptimeStrip } from "../../protocol/index.ts";
import { formatShare, formatSpan } from "./format-span.ts";
import { Legend } from "./legend.tsx";

const KIND_WORDS: Record<UptimeKind, string> = { online: "online", paused: "paused", offline: "offline", none: "no data" };

/** uptimeSentence says in words what the strip shows in colour. */
export function uptimeSentence(strip: UptimeStrip, days: number): string {
  const known = strip.onlineFraction + strip.pausedFraction + strip.offlineFraction;
  if (known === 0) return `No uptime recorded in the last ${days} days.`;
  const parts = [`${formatShare(strip.onlineFraction)} online`];
  if (strip.pausedFraction > 0) parts.push(`${formatShare(strip.pausedFraction)} paused`);
  if (strip.offlineFraction > 0) parts.push(`${formatShare(strip.offlineFraction)} offline`);
  return `Last ${days} days: ${parts.join(", ")}.`;
}

function markTitle(m: UptimeMark): string {
  const from = m.from.slice(0, 16).replace("T", " ");
  if (m.kind === "none") return `${from} UTC: no data (before the device joined)`;
  const parts = [`online ${formatSpan(m.online)}`];
  if (m.paused) parts.push(`paused ${formatSpan(m.paused)}`);
  if (m.offline) parts.push(`offline ${formatSpan(m.offline)}`);
  return `${from} UTC: mostly ${KIND_WORDS[m.kind]} (${parts.join(", ")})`;
}

/** segments are the marks' shapes for a strip of count marks: the same for every row of a list, so made once. */
const segmentCache = new Map<string, string[]>();
function segments(count: number, width: number): string[] {
  const key = `${count}:${width}`;
  let list = segmentCache.get(key);
  if (!list) {
    list = Array.from({ length: count }, (_, i) => `M${i} 0h${width}v10h-${width}z`);
    segmentCache.set(key, list);
  }
  return list;
}

/** pathsByKind draws every mark of a kind in one path, so a list of many strips stays a few shapes per row. */
function pathsByKind(marks: readonly UptimeMark[], width: number): [UptimeKind, string][] {
  const shapes = segments(marks.length, width);
  const d: Partial<Record<UptimeKind, string>> = {};
  const order: UptimeKind[] = [];
  for (let i = 0; i < marks.length; i++) {
    const kind = marks[i]!.kind;
    if (d[kind] === undefined) {
      d[kind] = "";
      order.push(kind);
    }
    d[kind] += shapes[i]!;
  }
  return order.map((kind) => [kind, d[kind]!]);
}

export interface UptimeBarProps {
  strip: UptimeStrip;
  days: number;
  /** The device page's strip: full width, one mark per bucket with its own tooltip. */
  detailed?: boolean;
}

/** UptimeBar draws a device's uptime: one mark per time bucket, oldest on the left, coloured by what dominated it. */
export function UptimeBar({ strip, days, detailed }: UptimeBarProps): JSX.Element {
  const n = strip.marks.length;
  const gap = detailed ? 0.12 : 0.18;
  return (
    <svg class={detailed ? "strip strip-wide" : "strip"} viewBox={`0 0 ${n} 10`} preserveAspectRatio="none" role="img" aria-label={uptimeSentence(strip, days)}>
      {detailed
        ? strip.marks.map((m, i) => (
            <rect class={`up-${m.kind}`} x={String(i)} y="0" width={String(1 - gap)} height="10">
              <title safe>{markTitle(m)}</title>
            </rect>
          ))
        : pathsByKind(strip.marks, Math.round((1 - gap) * 100) / 100).map(([kind, d]) => <path class={`up-${kind}`} d={d} />)}
    </svg>
  );
}

/** UptimeLegend names the strip's colours. */
export function UptimeLegend(): JSX.Element {
  return <Legend entries={(["online", "paused", "offline", "none"] as const).map((k) => ({ swatch: `up-${k}`, label: KIND_WORDS[k] }))} />;
}
