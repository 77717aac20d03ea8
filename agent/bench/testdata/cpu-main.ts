// Entry of the small binary cpu-worker-url.test.ts compiles, to prove the CPU worker runs inside
// `bun build --compile` output as the release binary is built.
import { measureCpu } from "../cpu-bench.ts";

try {
  const score = await measureCpu({ threads: 2, warmupMs: 50, durationMs: 200 });
  console.log(JSON.stringify({ score }));
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exitCode = 1;
}
