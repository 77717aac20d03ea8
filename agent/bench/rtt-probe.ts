import type { RegionProbe, RegionRtt } from "../../protocol/bench.ts";
import { errorText } from "./error-text.ts";
import { median } from "./percentile.ts";

/** RttRun bounds a probe: attempts per region, each with its own timeout, and all of it by deadlineMs. */
export interface RttRun {
  attempts: number;
  timeoutMs: number;
  /** The whole probe of one region ends by then, whatever the attempts say. */
  deadlineMs: number;
}

/** Probe answers are tiny; a bigger body is not read, only its headers timed. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * timeGet measures one HTTP GET from sending to response headers. A probe answer is tiny and on a
 * reused keep-alive connection this is one network round trip plus the server's (small) time.
 */
async function timeGet(url: string, timeoutMs: number): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), cache: "no-store", redirect: "follow" });
  const ms = performance.now() - start;
  // Read the body so the connection can be reused for the next attempt.
  if (Number(res.headers.get("content-length") ?? 0) <= MAX_BODY_BYTES) await res.arrayBuffer();
  else await res.body?.cancel();
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return ms;
}

/**
 * probeRegion does a few GETs to the region's probe URL one after another and returns their median,
 * so the first attempt's connection set-up does not count. Never throws: failures become error text.
 */
export async function probeRegion(region: RegionProbe, run: RttRun): Promise<RegionRtt> {
  const samples: number[] = [];
  let lastError: string | null = null;
  const deadline = performance.now() + run.deadlineMs;
  try {
    new URL(region.probeUrl);
  } catch {
    return { regionId: region.regionId, rttMs: null, error: `probe URL "${region.probeUrl}" is not a URL` };
  }
  for (let i = 0; i < run.attempts; i++) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    const timeoutMs = Math.min(run.timeoutMs, left);
    try {
      samples.push(await timeGet(region.probeUrl, timeoutMs));
    } catch (err) {
      lastError = errorText(err, timeoutMs);
    }
  }
  if (samples.length === 0) return { regionId: region.regionId, rttMs: null, error: lastError ?? `no answer within ${run.deadlineMs / 1000}s` };
  return { regionId: region.regionId, rttMs: median(samples), error: null };
}

/** probeRegions probes every region at once (each has its own deadline), in the order given. */
export function probeRegions(regions: readonly RegionProbe[], run: RttRun): Promise<RegionRtt[]> {
  return Promise.all(regions.map((r) => probeRegion(r, run)));
}
