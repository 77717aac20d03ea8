import { join } from "node:path";
import { BenchResult } from "../../protocol/bench.ts";
import { STATE_FILES } from "../config/paths.ts";
import { JsonFile } from "../state/json-file.ts";

/** benchFile is the last benchmark result in the state dir (bench.json, 0600, written atomically). */
export function benchFile(stateDir: string): JsonFile<typeof BenchResult> {
  return new JsonFile(join(stateDir, STATE_FILES.bench), BenchResult, 1);
}

/** saveBench keeps result as the device's benchmark; it replaces the previous one. */
export function saveBench(stateDir: string, result: BenchResult): void {
  benchFile(stateDir).write(result);
}

/** loadBench returns the saved benchmark, or null when there is none (or it was unreadable and moved aside). */
export function loadBench(stateDir: string): BenchResult | null {
  return benchFile(stateDir).read();
}
