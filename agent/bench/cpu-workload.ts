// The CPU benchmark's unit of work. Every device does exactly the same work per unit, so units per
// second compare across devices. It must stay self-contained: cpu-worker.ts runs it in its own thread.

/** UNIT_WORDS is how many 32-bit words one unit generates and sorts (64 KiB: stays in L2). */
export const UNIT_WORDS = 16384;

/**
 * workUnit fills buf with a xorshift32 sequence from seed, sorts it and folds it into a checksum.
 * Integer arithmetic, a branchy sort and cache-resident memory: roughly what build and service
 * workloads stress, and not something a SIMD unit or a crypto extension can shortcut.
 */
export function workUnit(seed: number, buf: Uint32Array): number {
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < buf.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x >>> 0;
  }
  buf.sort();
  let h = 0x811c9dc5;
  for (let i = 0; i < buf.length; i += 16) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/** RunResult is what one thread did in its time box. */
export interface RunResult {
  units: number;
  elapsedMs: number;
  /** XOR of every unit's checksum; returned so the work cannot be optimised away. */
  checksum: number;
}

/** runFor repeats workUnit until durationMs have passed and says how many units it finished. */
export function runFor(durationMs: number, seed: number): RunResult {
  const buf = new Uint32Array(UNIT_WORDS);
  const start = performance.now();
  const end = start + durationMs;
  let units = 0;
  let checksum = 0;
  let now = start;
  while (now < end) {
    checksum ^= workUnit(seed + units, buf);
    units++;
    now = performance.now();
  }
  return { units, elapsedMs: now - start, checksum: checksum >>> 0 };
}
