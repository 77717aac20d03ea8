// Numbers shown to owners carry their unit and a sensible precision; one place decides both.

const GiB = 2 ** 30;

/** formatGiB shows bytes as GiB with one decimal below 10 GiB, none above. */
export function formatGiB(bytes: number): string {
  const g = bytes / GiB;
  return `${g < 10 ? g.toFixed(1) : Math.round(g).toLocaleString("en-US")} GiB`;
}

/** formatMiBAsGiB shows a MiB amount (GPU memory) in GiB. */
export function formatMiBAsGiB(mib: number): string {
  return formatGiB(mib * 2 ** 20);
}

/** formatNumber groups thousands and keeps at most `digits` decimals. */
export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

/** formatDuration shows milliseconds as "850 ms", "12 s" or "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** formatWhen shows an ISO time as a short UTC date and time; the page has no idea of the owner's zone. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** formatPercent shows a 0..1 fraction as a whole percentage. */
export function formatPercent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}
