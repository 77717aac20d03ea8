// Test harness for install.sh: a fake dist folder, a download server on 127.0.0.1 that records every
// request, a sandbox of install targets, and PATH shims (uname, or PATH without some tools).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";

export const ROOT = resolve(import.meta.dir, "../..");
export const INSTALL_SH = join(ROOT, "install.sh");
export const SH = Bun.which("sh") ?? "/bin/sh";

export const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** fakeBinary is a shell script standing in for akash-home: it logs argv and the claim env, and answers status. */
export function fakeBinary(arch: string, version: string): string {
  return `#!/bin/sh
# fake akash-home ${version} for linux-${arch}
printf 'argv:%s\\n' "$*" >>"$FAKE_AKASH_LOG"
printf 'claim-env:%s\\n' "\${AKASH_HOME_CLAIM:-}" >>"$FAKE_AKASH_LOG"
case "$1" in
status)
  [ "\${FAKE_AKASH_STATUS_FAIL:-}" != 1 ] || exit 1
  printf '{\\n  "version": "${version}",\\n  "pageUrl": "http://127.0.0.1:7777",\\n  "setupCode": "H4QP-7RZD",\\n  "phase": "setup"\\n}\\n'
  ;;
up) exit "\${FAKE_AKASH_UP_EXIT:-0}" ;;
esac
`;
}

/** makeDist writes a dist folder like scripts/build's: binaries, compressed copies and SHA256SUMS. */
export function makeDist(dir: string, opts: { version?: string; compress?: ("xz" | "zst")[] } = {}): void {
  const version = opts.version ?? "1.0.0";
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) rmSync(join(dir, f));
  const names: string[] = [];
  for (const arch of ["x64", "arm64"]) {
    const name = `akash-home-linux-${arch}`;
    writeFileSync(join(dir, name), fakeBinary(arch, version), { mode: 0o755 });
    names.push(name);
    for (const kind of opts.compress ?? ["xz"]) {
      const cmd = kind === "xz" ? ["xz", "-k", "-f", name] : ["zstd", "-q", "-f", name, "-o", `${name}.zst`];
      const res = Bun.spawnSync(cmd, { cwd: dir });
      if (res.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${res.stderr.toString()}`);
      names.push(`${name}.${kind}`);
    }
  }
  writeSums(dir, names);
}

/** writeSums writes SHA256SUMS for the given files, as sha256sum does. */
export function writeSums(dir: string, names: string[]): void {
  const lines = names.map((n) => `${sha256(readFileSync(join(dir, n)))}  ${n}\n`);
  writeFileSync(join(dir, "SHA256SUMS"), lines.join(""));
}

/** DownloadServer serves a folder on 127.0.0.1 and records the path of every request. */
export interface DownloadServer {
  url: string;
  requests: string[];
  stop(): void;
}

export function serveDir(dir: string): DownloadServer {
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const name = path.replace(/^\/downloads\//, "");
      const file = join(dir, name);
      if (name.includes("/") || !existsSync(file)) return new Response("not found\n", { status: 404 });
      return new Response(Bun.file(file));
    },
  });
  return { url: `http://127.0.0.1:${server.port}/downloads`, requests, stop: () => server.stop(true) };
}

/** Sandbox is a temp folder holding every place install.sh writes to. */
export interface Sandbox {
  root: string;
  prefix: string;
  bin: string;
  systemdDir: string;
  unit: string;
  envFile: string;
  tmp: string;
  log: string;
  cleanup(): void;
}

export function makeSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "akash-install-"));
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  const log = join(root, "fake.log");
  writeFileSync(log, "");
  return {
    root,
    prefix: join(root, "prefix"),
    bin: join(root, "prefix", "bin", "akash-home"),
    systemdDir: join(root, "systemd"),
    unit: join(root, "systemd", "akash-home.service"),
    envFile: join(root, "etc-default", "akash-home"),
    tmp,
    log,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** installEnv is a clean environment for install.sh: the sandbox's paths, http allowed, no systemctl. */
export function installEnv(sb: Sandbox, server: DownloadServer, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: sb.root,
    TMPDIR: sb.tmp,
    LC_ALL: "C",
    AKASH_HOME_DOWNLOAD_URL: server.url,
    AKASH_HOME_ALLOW_HTTP: "1",
    AKASH_HOME_SKIP_SYSTEMD: "1",
    AKASH_HOME_SYSTEMD_DIR: sb.systemdDir,
    AKASH_HOME_ENV_FILE: sb.envFile,
    AKASH_HOME_WAIT_SECONDS: "2",
    PREFIX: sb.prefix,
    FAKE_AKASH_LOG: sb.log,
    ...extra,
  };
  // The install's bin dir is on PATH, as /usr/local/bin is for a user, so install.sh has nothing to warn about.
  env.PATH = `${join(sb.prefix, "bin")}:${env.PATH}`;
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** runInstall runs install.sh with sh: as a file, or piped on stdin as `curl … | sh -s -- ARGS` does. */
export async function runInstall(env: Record<string, string>, opts: { args?: string[]; stdinScript?: string | Uint8Array; argv0?: string[] } = {}): Promise<RunResult> {
  const args = opts.args ?? [];
  const cmd = opts.stdinScript !== undefined ? [SH, "-s", "--", ...args] : [SH, INSTALL_SH, ...args];
  const proc = Bun.spawn([...(opts.argv0 ?? []), ...cmd], {
    env,
    cwd: env.HOME,
    stdin: opts.stdinScript === undefined ? "ignore" : new Blob([typeof opts.stdinScript === "string" ? opts.stdinScript : Uint8Array.from(opts.stdinScript)]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** unameShim makes a folder whose `uname` reports the given system and machine. */
export function unameShim(dir: string, system: string, machine: string): string {
  const shim = join(dir, "uname-shim");
  mkdirSync(shim, { recursive: true });
  const real = Bun.which("uname") ?? "/bin/uname";
  writeFileSync(
    join(shim, "uname"),
    `#!/bin/sh\ncase "$1" in\n-s) echo ${system} ;;\n-m) echo ${machine} ;;\n*) exec ${real} "$@" ;;\nesac\n`,
    { mode: 0o755 },
  );
  return shim;
}

/** pathWithout builds a folder of links to every command on PATH except the named ones, for a PATH that lacks them. */
export function pathWithout(dir: string, missing: string[]): string {
  const farm = join(dir, `path-without-${missing.join("-")}`);
  mkdirSync(farm, { recursive: true });
  for (const d of (process.env.PATH ?? "").split(":")) {
    if (!d || !existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (missing.some((m) => name.startsWith(m)) || existsSync(join(farm, name))) continue;
      symlinkSync(join(d, name), join(farm, name));
    }
  }
  return farm;
}

/** files lists every file and folder under dir, relative, for "nothing was created" checks. */
export function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

export function readLog(sb: Sandbox): string[] {
  return readFileSync(sb.log, "utf8").split("\n").filter(Boolean);
}
