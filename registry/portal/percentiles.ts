// Percentiles of a sample by linear interpolation between closest ranks (numpy's default), so a small
// sample still gives a sensible p10 and p90 instead of snapping to its extremes' neighbours.

/** percentile returns the q-th percentile (0..100) of values, or null for an empty sample. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, q)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** mean is the arithmetic mean, or null for an empty sample. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
