// work-dir: one fresh directory per started part (its config, data, sockets and logs), and the policy for
// keeping them: removed on stop, unless AKASH_HOME_KEEP_LOGS=1 or a test marked the run as failed, so the
// logs of a failing run can be read afterwards.
import { accessSync, constants, mkdirSync, mkdtempSync, rmdirSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerCleanup, shellQuote } from "./cleanup.ts";

let root: string | undefined;
let failed = false;
let forgetRoot: (() => void) | undefined;

/** RAM when there is room (etcd and sqlite fsync a lot), else the temp dir. Paths stay short for unix sockets. */
function parent(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    const fs = statfsSync("/dev/shm");
    if (fs.bavail * fs.bsize >= 2 * 1024 ** 3) return "/dev/shm";
  } catch {}
  return tmpdir();
}

/** infraRoot is this test process's folder that every part's dir lives under. */
export function infraRoot(): string {
  if (!root) {
    root = join(parent(), `akash-home-infra-${process.pid}`);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const made = root;
    // A run that dies without stopping its parts leaves nothing in RAM, unless its logs are wanted.
    if (!keepingLogs()) forgetRoot = registerCleanup([`rm -rf ${shellQuote(made)}`]);
    process.on("exit", () => {
      try {
        rmdirSync(made); // only when every part removed its own dir
      } catch {}
    });
  }
  return root;
}

/** makeWorkDir creates a fresh, private dir for one part, named after it (e.g. "headscale-XXXX"). */
export function makeWorkDir(label: string): string {
  return mkdtempSync(join(infraRoot(), `${label}-`));
}

/** keepingLogs says whether stop() should leave dirs behind for reading. */
export function keepingLogs(): boolean {
  return failed || process.env.AKASH_HOME_KEEP_LOGS === "1";
}

/** removeWorkDir deletes a part's dir, unless logs are being kept. */
export function removeWorkDir(dir: string): void {
  if (keepingLogs()) return;
  rmSync(dir, { recursive: true, force: true });
}

/**
 * keepLogsAfterFailure marks this run as failed, so every dir stopped from now on stays, and prints where they
 * are. Tests call it when something went wrong (see withLogsOnFailure).
 */
export function keepLogsAfterFailure(): void {
  if (!failed) process.stderr.write(`infra: keeping logs of the real components under ${infraRoot()}\n`);
  failed = true;
  forgetRoot?.();
}

/** withLogsOnFailure runs a test body; if it throws, logs are kept and their folder printed. */
export async function withLogsOnFailure<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    keepLogsAfterFailure();
    throw err;
  }
}
