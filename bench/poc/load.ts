// load: requests from "the internet" (this machine's address on the lab's WAN) to the ingress addresses,
// as a client spread over the ingress nodes by DNS round robin would send them. Every answer is checked:
// the device must have answered for the very pod IP the ingress picked.
import { countBy, summarize, type Summary } from "./summary.ts";

export interface LoadOptions {
  /** ingressUrls: one base URL per ingress. */
  ingressUrls: readonly string[];
  /**
   * pick: "round-robin" sends request i to ingressUrls[i % n]; "random" picks uniformly per request, as many
   * clients behind DNS round robin land (each resolves and gets a shuffled answer). Default round-robin.
   */
  pick?: "round-robin" | "random";
  /** until stops early (for a soak's background traffic). */
  until?: () => boolean;
  requests: number;
  concurrency: number;
  /** ratePerSecond paces the requests (default: as fast as concurrency allows). */
  ratePerSecond?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  failed: number;
  /** failures: the first few, for the report. */
  failures: string[];
  latencyMs: Summary;
  /** perIngress: answers per ingress, as the ingress named itself in x-poc-ingress. */
  perIngress: Record<string, number>;
  /** perPodIp: answers per pod IP (as the device said it was addressed). */
  perPodIp: Record<string, number>;
  perDevice: Record<string, number>;
  /** mismatches: answers from a different pod IP than the one the ingress forwarded to (must be 0). */
  mismatches: number;
  seconds: number;
}

interface Answer {
  device: string;
  podIP: string;
}

export async function sendRequests(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const answers: (Answer & { ingress: string })[] = [];
  const failures: string[] = [];
  let failed = 0;
  let mismatches = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.requests || options.until?.()) return;
      if (options.ratePerSecond) {
        const due = started + (i * 1000) / options.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await Bun.sleep(wait);
      }
      const n = options.ingressUrls.length;
      const url = `${options.ingressUrls[options.pick === "random" ? Math.floor(Math.random() * n) : i % n]}/request/${i}`;
      const t = performance.now();
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
        const body = await res.text();
        latencies.push(performance.now() - t);
        if (!res.ok) throw new Error(`${res.status} ${body.trim()}`);
        const answer = JSON.parse(body) as Answer;
        const backend = (res.headers.get("x-poc-backend") ?? "").split(":")[0];
        if (answer.podIP !== backend) mismatches++;
        answers.push({ ...answer, ingress: res.headers.get("x-poc-ingress") ?? "?" });
      } catch (err) {
        failed++;
        if (failures.length < 5) failures.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => a[0].localeCompare(b[0], "en", { numeric: true })));
  return {
    requests: answers.length + failed,
    ok: answers.length,
    failed,
    failures,
    latencyMs: summarize(latencies),
    perIngress: sorted(countBy(answers, (a) => a.ingress)),
    perPodIp: sorted(countBy(answers, (a) => a.podIP)),
    perDevice: sorted(countBy(answers, (a) => a.device)),
    mismatches,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
