import { access, readFile, readdir, realpath, statfs } from "node:fs/promises";
import type { ProbeSources, RunResult } from "./sources.ts";
import { fromSystemInformation } from "./system-facts.ts";
import { readDocker } from "./docker-info.ts";

// ProbeSources on the real machine. systeminformation and dockerode are imported on first use only:
// the daemon stays small when it never probes.

/** A service's PATH (systemd) often lacks the sbin dirs where k3s and tailscaled live. */
const EXTRA_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export async function runCommand(argv: string[], timeoutMs: number): Promise<RunResult> {
  let proc: ReturnType<typeof Bun.spawn<"ignore", "pipe", "pipe">>;
  try {
    proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
  } catch (err) {
    const notFound = (err as NodeJS.ErrnoException).code === "ENOENT";
    return { code: null, stdout: "", stderr: (err as Error).message, timedOut: false, notFound };
  }
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  // Bun sets signalCode when its timeout killed the child.
  const timedOut = proc.signalCode !== null && proc.killed;
  return { code: timedOut ? null : code, stdout, stderr, timedOut, notFound: false };
}

export function defaultSources(): ProbeSources {
  return {
    async system() {
      const si = await import("systeminformation");
      const [cpu, flags, mem, osInfo, system] = await Promise.all([si.cpu(), si.cpuFlags(), si.mem(), si.osInfo(), si.system()]);
      return fromSystemInformation({ cpu, flags, mem, osInfo, system });
    },
    readText: (path) => readFile(path, "utf8").catch(() => null),
    listDir: (path) => readdir(path).catch(() => null),
    exists: (path) =>
      access(path).then(
        () => true,
        () => false,
      ),
    realPath: (path) => realpath(path).catch(() => null),
    run: runCommand,
    async which(name) {
      return Bun.which(name, { PATH: `${process.env.PATH ?? ""}:${EXTRA_PATH}` });
    },
    async diskSpace(path) {
      try {
        const s = await statfs(path);
        // bavail, not bfree: the blocks reserved for root are not there for images and state.
        return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
      } catch {
        return null;
      }
    },
    docker: () => readDocker("/var/run/docker.sock"),
  };
}
