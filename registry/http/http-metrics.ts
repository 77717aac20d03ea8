import { LATENCY_BUCKETS_MS, LatencyHistogram } from "../latency-histogram.ts";

/** Request latency buckets, in milliseconds: the registry's usual ones and one more for slow clients. */
const REQUEST_BUCKETS_MS = [...LATENCY_BUCKETS_MS, 2500];

/** HttpMetrics counts requests per route and status and keeps a latency histogram per route. */
export class HttpMetrics {
  private readonly counts = new Map<string, number>();
  private readonly histograms = new Map<string, LatencyHistogram>();

  observe(route: string, status: number, ms: number): void {
    const key = `${route}\u0000${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    let h = this.histograms.get(route);
    if (!h) this.histograms.set(route, (h = new LatencyHistogram(REQUEST_BUCKETS_MS)));
    h.observe(ms);
  }

  /** prometheus renders the counters in Prometheus text format. */
  prometheus(): string {
    const out = ["# HELP akash_home_http_requests_total HTTP requests by route and status.", "# TYPE akash_home_http_requests_total counter"];
    for (const [key, n] of this.counts) {
      const [route, status] = key.split("\u0000");
      out.push(`akash_home_http_requests_total{route="${route}",status="${status}"} ${n}`);
    }
    out.push("# HELP akash_home_http_request_duration_ms Request latency.", "# TYPE akash_home_http_request_duration_ms histogram");
    for (const [route, histogram] of this.histograms) {
      const h = histogram.snapshot();
      for (const b of h.buckets) out.push(`akash_home_http_request_duration_ms_bucket{route="${route}",le="${b.le}"} ${b.count}`);
      out.push(`akash_home_http_request_duration_ms_bucket{route="${route}",le="+Inf"} ${h.count}`);
      out.push(`akash_home_http_request_duration_ms_sum{route="${route}"} ${h.sumMs.toFixed(3)}`);
      out.push(`akash_home_http_request_duration_ms_count{route="${route}"} ${h.count}`);
    }
    return out.join("\n") + "\n";
  }
}
