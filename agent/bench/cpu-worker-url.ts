import { existsSync } from "node:fs";

/**
 * Where the CPU worker's code lives. From source it sits beside this file. Inside a
 * `bun build --compile` binary every entrypoint is stored under the embedded file system's root
 * (/$bunfs/root) at its path relative to the build's --root, with a .js extension; the worker is
 * only there when the build lists agent/bench/cpu-worker.ts as an entrypoint.
 */

/** COMPILED_WORKER_PATHS are where a build puts the worker: with `--root .` (first) or with agent/main.ts as the only other entry. */
const COMPILED_WORKER_PATHS = ["agent/bench/cpu-worker.js", "bench/cpu-worker.js"];

/** CpuWorkerMissing says this binary was built without the worker entrypoint. */
export class CpuWorkerMissing extends Error {
  override name = "CpuWorkerMissing";
}

/** embeddedRoot returns the compiled binary's embedded root, or null when running from source. */
export function embeddedRoot(modulePath: string = import.meta.path): string | null {
  const m = /^(.*[/\\](?:\$bunfs|~BUN)[/\\]root)(?:[/\\]|$)/.exec(modulePath);
  return m ? m[1]! : null;
}

/** cpuWorkerUrl gives what to pass to new Worker() for the CPU worker, from source or from a compiled binary. */
export function cpuWorkerUrl(): string {
  const root = embeddedRoot();
  if (root === null) return new URL("./cpu-worker.ts", import.meta.url).href;
  for (const rel of COMPILED_WORKER_PATHS) {
    const path = `${root}/${rel}`;
    if (existsSync(path)) return path;
  }
  throw new CpuWorkerMissing(
    "this akash-home binary was built without its CPU benchmark worker; rebuild it with agent/bench/cpu-worker.ts as an extra entrypoint of bun build --compile",
  );
}
