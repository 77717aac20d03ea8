/** LATENCY_BUCKETS_MS are the histogram buckets of request latency, in milliseconds. */
const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

/** HttpMetrics counts requests per route and status class and keeps a latency histogram per route. */
export class HttpMetrics {
  private readonly counts = new Map<string, number>();
  private readonly histograms = new Map<string, { buckets: number[]; sum: number; count: number }>();

  observe(route: string, status: number, ms: number): void {
    const key = `${route}\u0000${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let h = this.histograms.get(route);
    if (!h) this.histograms.set(route, (h = { buckets: LATENCY_BUCKETS_MS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) h.buckets[i]!++;
    h.sum += ms;
    h.count++;
  }

  /** prometheus renders the counters in Prometheus text format. */
  prometheus(): string {
    const out = ["# HELP akash_home_http_requests_total HTTP requests by route and status.", "# TYPE akash_home_http_requests_total counter"];
    for (const [key, n] of this.counts) {
      const [route, status] = key.split("\u0000");
      out.push(`akash_home_http_requests_total{route="${route}",status="${status}"} ${n}`);
    }
    out.push("# HELP akash_home_http_request_duration_ms Request latency.", "# TYPE akash_home_http_request_duration_ms histogram");
    for (const [route, h] of this.histograms) {
      LATENCY_BUCKETS_MS.forEach((le, i) => out.push(`akash_home_http_request_duration_ms_bucket{route="${route}",le="${le}"} ${h.buckets[i]}`));
      out.push(`akash_home_http_request_duration_ms_bucket{route="${route}",le="+Inf"} ${h.count}`);
      out.push(`akash_home_http_request_duration_ms_sum{route="${route}"} ${h.sum.toFixed(3)}`);
      out.push(`akash_home_http_request_duration_ms_count{route="${route}"} ${h.count}`);
    }
    return out.join("\n") + "\n";
  }
}
