// tests/support/postgres: a private PostgreSQL for tests and benchmarks, started from Debian's binaries on a
// loopback port with its data, socket and log in a fresh temp dir — never a server that happens to be running.
// Test-only; imports no registry code.
import { execFileSync } from "node:child_process";
import { accessSync, chownSync, closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { freePort } from "./free-port.ts";

const PG_ROOT = "/usr/lib/postgresql";
const SUPERUSER = "postgres";

export interface PostgresServerOptions {
  /**
   * durable keeps PostgreSQL's own defaults (fsync, synchronous_commit, full_page_writes) for benchmarks
   * whose numbers must mean something; without it the server trades crash safety for test speed.
   */
  durable?: boolean;
  /** settings are extra server settings (postgres -c name=value), e.g. shared_buffers for a benchmark. */
  settings?: Record<string, string>;
}

export interface PostgresServer {
  readonly port: number;
  /** urlFor is a connection URL to the named database on this server. */
  urlFor(database: string): string;
  /** createDatabase makes a new, empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** dropDatabase removes a database createDatabase made, closing any connection still open to it. */
  dropDatabase(url: string): Promise<void>;
  /** log is what the server has written so far. */
  log(): string;
  /** stop shuts the server down and removes its directory. */
  stop(): Promise<void>;
}

/** postgresBinDir finds the newest installed PostgreSQL's binaries, or says how to install them. */
export function postgresBinDir(root = PG_ROOT): string {
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "postgres")))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  if (versions.length === 0) {
    throw new Error(`PostgreSQL binaries not found under ${root}/<version>/bin; the store tests need them: apt-get install postgresql`);
  }
  return join(root, String(versions[0]), "bin");
}

/** PostgreSQL refuses to run as root; as root, its processes run as the postgres system user instead. */
function runAs(): { prefix: string[]; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync("id", ["-u", SUPERUSER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    gid = Number(execFileSync("id", ["-g", SUPERUSER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    throw new Error(`running as root, but there is no '${SUPERUSER}' user to run PostgreSQL as (Debian's package creates it): apt-get install postgresql`);
  }
  // setpriv execs in place, so the pid we hold is the postmaster's and signals reach it directly.
  return { prefix: ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--init-groups", "--"], uid, gid };
}

/**
 * scratchParent picks where the cluster lives: a throw-away server goes to RAM when there is room (creating a
 * database there takes ~20 ms instead of ~300 ms on disk); a durable one stays on disk so its numbers are real.
 */
function scratchParent(durable: boolean): string {
  const shm = "/dev/shm";
  if (durable) return tmpdir();
  try {
    accessSync(shm, constants.W_OK);
    const fs = statfsSync(shm);
    if (fs.bavail * fs.bsize >= 1024 ** 3) return shm;
  } catch {}
  return tmpdir();
}

function tail(text: string, lines = 40): string {
  return text.split("\n").slice(-lines).join("\n");
}

/** startPostgres initialises a cluster in a fresh temp dir and starts it on a free loopback port. */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = runAs();
  const dir = mkdtempSync(join(scratchParent(options.durable ?? false), "akash-home-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const logPath = join(dir, "postgres.log");
  const readLog = () => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");

  const initdb = Bun.spawnSync(
    [
      ...(user?.prefix ?? []),
      join(bin, "initdb"),
      "-D",
      data,
      "-U",
      SUPERUSER,
      "--auth=trust",
      "--encoding=UTF8",
      "--locale=C",
      ...(options.durable ? [] : ["--no-sync"]),
    ],
    { stdout: "pipe", stderr: "pipe", env: { ...process.env, LC_ALL: "C" } },
  );
  if (initdb.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${initdb.exitCode}):\n${initdb.stdout.toString()}${initdb.stderr.toString()}`);
  }

  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: dir,
    max_connections: "300",
    logging_collector: "off",
    ...(options.durable ? {} : { fsync: "off", synchronous_commit: "off", full_page_writes: "off" }),
    ...options.settings,
  };

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFd = openSync(logPath, "a");
    if (user) chownSync(logPath, user.uid, user.gid);
    const proc = Bun.spawn(
      [...(user?.prefix ?? []), join(bin, "postgres"), "-D", data, "-p", String(port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])],
      { stdin: "ignore", stdout: logFd, stderr: logFd, env: { ...process.env, LC_ALL: "C" } },
    );
    closeSync(logFd);
    proc.unref();
    try {
      await waitUntilReady(proc, readLog);
      return serverOn(port, proc, dir, data, readLog);
    } catch (err) {
      lastError = err as Error;
      proc.kill("SIGQUIT");
      await proc.exited;
      // Another process took the port between freePort and the bind: try another one.
      if (!/could not (bind|create listen socket)/i.test(readLog())) break;
    }
  }
  const log = readLog();
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`PostgreSQL test server failed to start; its log:\n${tail(log)}\n`);
  throw new Error(`PostgreSQL test server failed to start: ${lastError?.message}\n${tail(log)}`);
}

async function waitUntilReady(proc: Bun.Subprocess, readLog: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (/database system is ready to accept connections/.test(readLog())) return;
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`postgres exited (${proc.exitCode ?? proc.signalCode}) while starting`);
    await Bun.sleep(20);
  }
  throw new Error("postgres did not become ready within 30 s");
}

function serverOn(port: number, proc: Bun.Subprocess, dir: string, data: string, readLog: () => string): PostgresServer {
  const urlFor = (database: string) => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  const admin = postgres(urlFor("postgres"), { max: 1, idle_timeout: 1, onnotice: () => {} });
  let databases = 0;
  let stopped = false;

  /** stopNow is for exit handlers, which cannot wait on promises: immediate shutdown, then clean up. */
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      proc.kill("SIGQUIT");
    } catch {}
    // The postmaster removes its pid file as it exits; don't pull the directory out from under it before.
    const deadline = Date.now() + 3_000;
    while (existsSync(join(data, "postmaster.pid")) && Date.now() < deadline) Bun.sleepSync(10);
    rmSync(dir, { recursive: true, force: true });
  };
  onProcessExit(stopNow);
  watchdog(proc.pid, dir);

  return {
    port,
    urlFor,
    async createDatabase() {
      const name = `test_${process.pid}_${++databases}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      return urlFor(name);
    },
    async dropDatabase(url: string) {
      const name = decodeURIComponent(new URL(url).pathname.slice(1));
      if (!/^test_\d+_\d+$/.test(name)) throw new Error(`dropDatabase drops only databases createDatabase made, not ${name}`);
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    log: readLog,
    async stop() {
      if (stopped) return;
      await admin.end({ timeout: 1 }).catch(() => {});
      stopped = true;
      proc.kill("SIGINT"); // fast shutdown: ends sessions, writes a checkpoint
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const exitHooks: (() => void)[] = [];
let exitHandlersInstalled = false;

/** onProcessExit runs hook when this process exits, including on SIGINT and SIGTERM. */
function onProcessExit(hook: () => void): void {
  exitHooks.push(hook);
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  const runAll = () => {
    for (const h of exitHooks.splice(0)) h();
  };
  process.on("exit", runAll);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      runAll();
      process.exit(code);
    });
  }
}

/** watchdog stops the server even if this process dies by SIGKILL, which no handler sees. */
function watchdog(serverPid: number, dir: string): void {
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -QUIT "$2" 2>/dev/null; sleep 2; rm -rf "$3"';
  const dog = Bun.spawn(["sh", "-c", script, "watchdog", String(process.pid), String(serverPid), dir], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  dog.unref();
}

const SHARED = Symbol.for("akash-home.tests.postgres-server");
type WithShared = typeof globalThis & { [SHARED]?: Promise<PostgresServer> };

/**
 * testPostgres is the one fast (non-durable) server of this test process, started on first use and shared
 * by every test file; it stops when the process exits.
 */
export function testPostgres(): Promise<PostgresServer> {
  const g = globalThis as WithShared;
  if (!g[SHARED]) {
    g[SHARED] = startPostgres();
    g[SHARED].catch(() => {
      delete g[SHARED];
    });
  }
  return g[SHARED];
}

/** createDatabase returns the URL of a fresh, empty database on the shared test server. */
export async function createDatabase(): Promise<string> {
  return (await testPostgres()).createDatabase();
}
