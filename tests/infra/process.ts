// process: starting the real components as child processes — each in its own process group (so stop() and the
// exit cleanup reach every child it forks), optionally inside a network namespace, with stdout and stderr in
// a log file in the part's dir — and waiting for them, with the log's tail in every error.
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { registerCleanup } from "./cleanup.ts";

export interface StartProcessOptions {
  /** name labels the process in errors and names its log file (<dir>/<name>.log). */
  name: string;
  argv: string[];
  /** dir is the part's work dir: the log goes there, and it is the working directory unless cwd says otherwise. */
  dir: string;
  /** env is added to the harness's base environment (which never carries proxy settings). */
  env?: Record<string, string>;
  /** netns runs the process inside that network namespace (ip netns exec). */
  netns?: string;
  cwd?: string;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** exited resolves with the exit code (or null when a signal ended it). */
  readonly exited: Promise<number | null>;
  running(): boolean;
  /** log is everything the process has written so far. */
  log(): string;
  logTail(lines?: number): string;
  /** stop sends SIGTERM to the process group, then SIGKILL after graceMs (default 5 s), and waits. */
  stop(graceMs?: number): Promise<void>;
}

const PROXY_VARS = ["http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"];

/** baseEnv is this process's environment without proxy settings: harness traffic never leaves the machine. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !PROXY_VARS.includes(k)) env[k] = v;
  return { ...env, ...extra };
}

/** inNetns prefixes argv so it runs inside a namespace; ip execs in place, so the pid stays the program's. */
export function inNetns(netns: string | undefined, argv: string[]): string[] {
  return netns ? ["ip", "netns", "exec", netns, ...argv] : argv;
}

export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {}
}

/** startProcess starts argv as the leader of a new process group, logging to <dir>/<name>.log. */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  const logPath = join(options.dir, `${options.name}.log`);
  const fd = openSync(logPath, "a", 0o600);
  let proc: Bun.Subprocess;
  try {
    proc = Bun.spawn(inNetns(options.netns, options.argv), {
      cwd: options.cwd ?? options.dir,
      env: baseEnv(options.env),
      stdin: "ignore",
      stdout: fd,
      stderr: fd,
      detached: true, // setsid: pid == process group id
    });
  } finally {
    closeSync(fd);
  }
  proc.unref();
  const pid = proc.pid;
  const forget = registerCleanup([`kill -KILL -${pid}`]); // dash: no "--" for kill
  let done = false;
  const exited = proc.exited.then(
    (code) => {
      done = true;
      forget();
      return proc.signalCode ? null : code;
    },
    () => {
      done = true;
      forget();
      return null;
    },
  );
  const log = () => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");
  return {
    name: options.name,
    pid,
    logPath,
    exited,
    running: () => !done,
    log,
    logTail: (lines = 40) => tail(log(), lines),
    async stop(graceMs = 5_000) {
      if (!done) {
        signalGroup(pid, "SIGTERM");
        const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Children that outlived the leader (same group) go too.
      signalGroup(pid, "SIGKILL");
    },
  };
}

/** describeLogs renders the tail of each process's log for an error message. */
export function describeLogs(processes: ManagedProcess[], lines = 30): string {
  return processes
    .map((p) => `--- ${p.name} (${p.running() ? "running" : "exited"}; log ${p.logPath}) ---\n${p.logTail(lines)}`)
    .join("\n");
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** processes whose early exit fails the wait at once, and whose logs go into the error. */
  processes?: ManagedProcess[];
}

/** waitUntil polls check until it returns true; on timeout or when a watched process exits it throws with logs. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const processes = options.processes ?? [];
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const dead = processes.find((p) => !p.running());
    if (dead || Date.now() > deadline) {
      const why = dead ? `${dead.name} exited` : `not within ${Math.round(options.timeoutMs / 1000)} s`;
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`${what}: ${why}${last}\n${describeLogs(processes)}`);
    }
    await Bun.sleep(options.intervalMs ?? 100);
  }
}

export interface RunOptions {
  netns?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** stdin is written to the command's standard input. */
  stdin?: string;
  timeoutMs?: number;
  /** allowFailure returns a non-zero exit instead of throwing. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** runCommand runs a short command to completion; by default a non-zero exit throws with its output. */
export async function runCommand(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const full = inNetns(options.netns, argv);
  const proc = Bun.spawn(full, {
    cwd: options.cwd,
    env: baseEnv(options.env),
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
    timeout: options.timeoutMs ?? 60_000,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0 && !options.allowFailure) {
    const timedOut = proc.signalCode === "SIGKILL" ? " (timed out)" : "";
    throw new Error(`${full.join(" ")} failed (exit ${code}${timedOut}):\n${tail(stdout + stderr)}`);
  }
  return { code, stdout, stderr };
}
