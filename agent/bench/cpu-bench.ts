import { cpuWorkerUrl } from "./cpu-worker-url.ts";
import type { CpuJob, CpuWorkerMessage } from "./cpu-worker.ts";

/** CpuRun says how long each thread warms up and then counts work. */
export interface CpuRun {
  threads: number;
  warmupMs: number;
  durationMs: number;
}

/** How long a worker may take to start before the run is called failed (a cold start on a slow disk included). */
const START_TIMEOUT_MS = 15_000;

function waitFor(worker: Worker, type: CpuWorkerMessage["type"], timeoutMs: number): Promise<CpuWorkerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`CPU benchmark worker did not answer within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    const onMessage = (e: MessageEvent<CpuWorkerMessage>) => {
      if (e.data?.type !== type) return;
      cleanup();
      resolve(e.data);
    };
    const onError = (e: ErrorEvent) => {
      cleanup();
      reject(new Error(`CPU benchmark worker failed: ${e.message}`));
    };
    function cleanup() {
      clearTimeout(timer);
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    }
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
  });
}

/**
 * measureCpu runs the workload on `threads` worker threads at once and returns the units per second
 * of all of them together. Workers first all report ready, then start together, so the count is of
 * threads really running side by side and not of one thread's start-up overlapping another's work.
 */
export async function measureCpu(run: CpuRun): Promise<number> {
  const url = cpuWorkerUrl();
  const workers = Array.from({ length: run.threads }, () => new Worker(url));
  try {
    await Promise.all(workers.map((w) => waitFor(w, "ready", START_TIMEOUT_MS)));
    const resultTimeout = run.warmupMs + run.durationMs + START_TIMEOUT_MS;
    const results = workers.map((w) => waitFor(w, "result", resultTimeout));
    workers.forEach((w, i) => w.postMessage({ type: "run", warmupMs: run.warmupMs, durationMs: run.durationMs, seed: 1 + i * 1_000_003 } satisfies CpuJob));
    let total = 0;
    for (const r of await Promise.all(results)) {
      if (r.type !== "result" || r.units <= 0 || r.elapsedMs <= 0) throw new Error("CPU benchmark worker returned no work");
      total += (r.units * 1000) / r.elapsedMs;
    }
    return total;
  } finally {
    for (const w of workers) w.terminate();
  }
}
