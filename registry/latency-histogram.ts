// A Prometheus-style histogram of durations in milliseconds, for /metrics.

export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] as const;

/** HistogramSnapshot: cumulative counts per upper bound (le), as Prometheus exposes them; count is the +Inf bucket. */
export interface HistogramSnapshot {
  buckets: { le: number; count: number }[];
  count: number;
  sumMs: number;
}

export class LatencyHistogram {
  private readonly perBucket: number[];
  private count = 0;
  private sumMs = 0;

  constructor(private readonly bounds: readonly number[] = LATENCY_BUCKETS_MS) {
    this.perBucket = new Array<number>(bounds.length).fill(0);
  }

  observe(ms: number): void {
    this.count++;
    this.sumMs += ms;
    for (let i = 0; i < this.bounds.length; i++) {
      if (ms <= this.bounds[i]!) {
        this.perBucket[i]!++;
        return;
      }
    }
  }

  snapshot(): HistogramSnapshot {
    let running = 0;
    const buckets = this.bounds.map((le, i) => {
      running += this.perBucket[i]!;
      return { le, count: running };
    });
    return { buckets, count: this.count, sumMs: this.sumMs };
  }
}
