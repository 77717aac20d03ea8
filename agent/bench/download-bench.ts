import { errorText } from "./error-text.ts";

/** DownloadRun bounds the download by time and by size. */
export interface DownloadRun {
  timeoutMs: number;
  durationMs: number;
  maxBytes: number;
}

/** DownloadResult is MB/s (10^6 bytes), or why it could not be measured. */
export type DownloadResult = { mbps: number; error: null } | { mbps: null; error: string };

/**
 * measureDownload fetches url and counts body bytes from the response headers until the body ends,
 * durationMs pass or maxBytes arrive; connection set-up is not counted. Never throws. Headers must come
 * within timeoutMs; a body that stalls is cut off timeoutMs after durationMs.
 */
export async function measureDownload(url: string, run: DownloadRun): Promise<DownloadResult> {
  const ctrl = new AbortController();
  const abort = () => ctrl.abort(new DOMException("timed out", "TimeoutError"));
  let timer = setTimeout(abort, run.timeoutMs);
  let bytes = 0;
  let start = 0;
  try {
    const res = await fetch(url, { signal: ctrl.signal, cache: "no-store" });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return { mbps: null, error: `download test ${url} answered HTTP ${res.status}` };
    }
    clearTimeout(timer);
    timer = setTimeout(abort, run.durationMs + run.timeoutMs);
    const reader = res.body.getReader();
    start = performance.now();
    const end = start + run.durationMs;
    let now = start;
    while (bytes < run.maxBytes && now < end) {
      const { done, value } = await reader.read();
      now = performance.now();
      if (done) break;
      bytes += value.byteLength;
    }
    await reader.cancel().catch(() => undefined);
    if (bytes === 0) return { mbps: null, error: `download test ${url} sent no data` };
    return { mbps: bytes / 1e6 / (Math.max(now - start, 0.001) / 1000), error: null };
  } catch (err) {
    // A body that stalls part-way still says how fast the link was while it lasted.
    if (bytes > 0) return { mbps: bytes / 1e6 / ((performance.now() - start) / 1000), error: null };
    return { mbps: null, error: `download test ${url} failed: ${errorText(err, run.timeoutMs)}` };
  } finally {
    clearTimeout(timer);
  }
}
