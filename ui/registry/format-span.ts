// Durations and shares as owners read them on the portal pages.

/** formatSpan shows a duration in the two largest units that matter: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** formatShare shows a 0..1 fraction as a percentage with one decimal below 100, so 99.95% is not "100%". */
export function formatShare(fraction: number): string {
  const pct = Math.min(1, Math.max(0, fraction)) * 100;
  if (pct >= 99.95 && pct < 100) return "99.9%";
  return `${pct === 100 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** formatDay shows an ISO time as its UTC date. */
export function formatDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}
