// A Prometheus-style histogram of durations in milliseconds, for /metrics.

export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] as const;

/** HistogramSnapshot: cumulative counts per upper bound (le), as Prometheus exposes them; count is the +Inf bucket. */
export interface HistogramSnapshot {
  buckets: { le: number; count: number }[];
  count: number;
  sumMs: number;
}

export class LatencyHistogram {
  private readonly perBucket = new Array<number>(LATENCY_BUCKETS_MS.length).fill(0);
  private count = 0;
  private sumMs = 0;

  observe(ms: number): void {
    this.count++;
    this.sumMs += ms;
    for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
      if (ms <= LATENCY_BUCKETS_MS[i]!) {
        this.perBucket[i]!++;
        return;
      }
    }
  }

  snapshot(): HistogramSnapshot {
    let running = 0;
    const buckets = LATENCY_BUCKETS_MS.map((le, i) => {
      running += this.perBucket[i]!;
      return { le, count: running };
    });
    return { buckets, count: this.count, sumMs: this.sumMs };
  }
}
