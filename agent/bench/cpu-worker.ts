// Worker thread entry of the CPU benchmark. It must be listed as an extra entrypoint of
// `bun build --compile` (see cpu-worker-url.ts), and imports nothing but the workload.
import { runFor } from "./cpu-workload.ts";

/** CpuJob is what the main thread asks a worker to do. */
export interface CpuJob {
  type: "run";
  warmupMs: number;
  durationMs: number;
  seed: number;
}

/** CpuWorkerMessage is what a worker tells the main thread. */
export type CpuWorkerMessage = { type: "ready" } | { type: "result"; units: number; elapsedMs: number; checksum: number };

function reply(message: CpuWorkerMessage): void {
  postMessage(message);
}

addEventListener("message", (event: MessageEvent<CpuJob>) => {
  const job = event.data;
  if (job?.type !== "run") return;
  // The warm-up lets the JIT reach its top tier before anything is counted.
  runFor(job.warmupMs, job.seed);
  reply({ type: "result", ...runFor(job.durationMs, job.seed) });
});

reply({ type: "ready" });
