/** percentile returns the nearest-rank p-th percentile (0 < p <= 100) of values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** median is the 50th percentile; for an even count it is the lower middle value (nearest rank). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
