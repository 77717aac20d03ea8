// tests/infra: the real-component test harness (Headscale, tailscaled, a Kubernetes control plane, KWOK,
// network namespaces). Test-only; imports nothing from agent/ or registry/.
//
// cleanup: what must be undone if this test process ends without reaching its afterAll — a crash, a
// signal, or SIGKILL, which no handler sees. Each started part registers shell lines (kill its process
// group, delete its namespaces, remove its dir); they are kept in one script file, run on exit by this
// process and, if this process is killed outright, by a small watchdog shell that outlives it.
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const entries = new Map<string, string[]>();
let scriptPath: string | undefined;
let nextId = 0;

/** shellQuote makes one argument safe for sh. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * registerCleanup remembers shell lines that undo something; the returned function forgets them (call it once
 * the thing has been undone the normal way).
 */
export function registerCleanup(lines: string[]): () => void {
  ensureWatchdog();
  const id = String(nextId++);
  entries.set(id, lines);
  writeScript();
  return () => {
    if (entries.delete(id)) writeScript();
  };
}

function script(): string {
  // Newest first: things started later (daemons inside a namespace) go before what they depend on.
  const lines = [...entries.values()].reverse().flat();
  return ["#!/bin/sh", ...lines.map((l) => `${l} 2>/dev/null`), ""].join("\n");
}

function writeScript(): void {
  if (!scriptPath) return;
  const tmp = `${scriptPath}.tmp`;
  writeFileSync(tmp, script(), { mode: 0o700 });
  renameSync(tmp, scriptPath);
}

/**
 * Scripts of processes that are gone without their watchdog having run them: too late to run (their pids may
 * belong to others by now; a later network lab removes stale namespaces itself), so only the files go.
 */
function removeOrphanScripts(): void {
  // Pids whose watchdog still runs (it may be about to run the script): leave theirs alone.
  const watched = new Set<string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const at = args.indexOf("infra-watchdog");
      if (at >= 0 && args[at + 1]) watched.add(args[at + 1]!);
    } catch {}
  }
  for (const name of readdirSync(tmpdir())) {
    const pid = /^akash-home-infra-cleanup-(\d+)\.sh(\.tmp)?$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || watched.has(pid)) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") rmSync(join(tmpdir(), name), { force: true });
    }
  }
}

function ensureWatchdog(): void {
  if (scriptPath) return;
  removeOrphanScripts();
  scriptPath = join(tmpdir(), `akash-home-infra-cleanup-${process.pid}.sh`);
  writeScript();
  const path = scriptPath;
  // The watchdog polls this process; when it is gone, it runs whatever is still registered, then removes the script.
  const dog = spawn(
    "sh",
    ["-c", 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; [ -f "$2" ] && sh "$2"; rm -f "$2" "$2.tmp"', "infra-watchdog", String(process.pid), path],
    { detached: true, stdio: "ignore" },
  );
  dog.unref();
  const runNow = () => {
    if (entries.size > 0) {
      try {
        execFileSync("sh", ["-c", script()], { stdio: "ignore", timeout: 20_000 });
      } catch {}
      entries.clear();
    }
    rmSync(path, { force: true });
  };
  process.on("exit", runNow);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      runNow();
      process.exit(code);
    });
  }
}
