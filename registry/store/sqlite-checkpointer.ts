import { existsSync } from "node:fs";

/**
 * Where the checkpoint worker's code is: beside this file from source; inside a `bun build --compile`
 * binary under the embedded root (/$bunfs/root) at its path from the build's --root, as .js, when the
 * build lists it as an entrypoint (scripts/build lists every *-worker.ts).
 */
function workerUrl(): string | null {
  const m = /^(.*[/\\](?:\$bunfs|~BUN)[/\\]root)(?:[/\\]|$)/.exec(import.meta.path);
  if (!m) return new URL("./sqlite-checkpoint-worker.ts", import.meta.url).href;
  const path = `${m[1]}/registry/store/sqlite-checkpoint-worker.js`;
  return existsSync(path) ? path : null;
}

export interface Checkpointer {
  stop(): Promise<void>;
}

/** startCheckpointer runs WAL checkpoints for the database at path on a worker thread; null when it cannot. */
export async function startCheckpointer(path: string, intervalMs = 500): Promise<Checkpointer | null> {
  const url = workerUrl();
  if (!url) return null;
  const worker = new Worker(url);
  const reply = (type: string) =>
    new Promise<void>((resolve, reject) => {
      worker.addEventListener("message", function on(e: MessageEvent<{ type: string }>) {
        if (e.data?.type !== type) return;
        worker.removeEventListener("message", on);
        resolve();
      });
      worker.addEventListener("error", (e) => reject(new Error(String((e as ErrorEvent).message ?? e))), { once: true });
    });
  const started = reply("started");
  worker.postMessage({ type: "start", path, intervalMs });
  try {
    await started;
  } catch {
    worker.terminate();
    return null;
  }
  // A checkpoint worker must not keep the process alive on its own.
  (worker as Worker & { unref(): void }).unref();
  return {
    async stop() {
      const stopped = reply("stopped");
      worker.postMessage({ type: "stop" });
      await Promise.race([stopped, Bun.sleep(2000)]);
      worker.terminate();
    },
  };
}
