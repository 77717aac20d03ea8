// `akash-home uninstall`: the removal logic with injected host operations, then once for real on a temp dir.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { CommandContext, Output } from "../../agent/cli/command.ts";
import { runUninstall, uninstallCommand } from "../../agent/cli/uninstall.ts";
import { parseArgv, resolveFlags } from "../../agent/config/flags.ts";
import { hostOps } from "../../agent/install/host-ops.ts";
import type { HostOps } from "../../agent/install/remove-installation.ts";

const FILES = { unitFile: "/etc/systemd/system/akash-home.service", envFile: "/etc/default/akash-home" };
const BIN = "/usr/local/bin/akash-home";
const STATE = "/var/lib/akash-home";

function buffers(): Output & { stdout: string; stderr: string } {
  const io = { stdout: "", stderr: "", isTty: false, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

function ctx(values: Record<string, string | boolean>, io: Output): CommandContext {
  return { values: { prefix: "/usr/local", "state-dir": STATE, systemd: true, "keep-state": false, yes: true, ...values }, positionals: [], io, env: {} };
}

/** fakeHost is an in-memory file tree plus a recording systemctl. */
function fakeHost(tree: Record<string, "file" | "dir">, opts: { systemdRunning?: boolean; systemctlCode?: number; denied?: string[] } = {}) {
  const fs = new Map(Object.entries(tree));
  const calls: string[] = [];
  const ops: HostOps = {
    kind: (p) => fs.get(p) ?? "missing",
    list: (d) => [...fs.keys()].filter((p) => dirname(p) === d).map((p) => basename(p)),
    remove(p) {
      if (opts.denied?.includes(p)) throw Object.assign(new Error(`EACCES: permission denied, rm '${p}'`), { code: "EACCES" });
      for (const k of [...fs.keys()]) if (k === p || k.startsWith(`${p}/`)) fs.delete(k);
      calls.push(`rm ${p}`);
    },
    systemdRunning: () => opts.systemdRunning ?? true,
    async systemctl(args) {
      calls.push(`systemctl ${args.join(" ")}`);
      return args[0] === "disable" && opts.systemctlCode ? { code: opts.systemctlCode, output: "Failed to disable unit: Access denied\n" } : { code: 0, output: "" };
    },
  };
  return { ops, fs, calls };
}

const INSTALLED: Record<string, "file" | "dir"> = {
  [FILES.unitFile]: "file",
  [FILES.envFile]: "file",
  [BIN]: "file",
  [STATE]: "dir",
  [`${STATE}/state.json`]: "file",
  [`${STATE}/device-key.json`]: "file",
};

describe("akash-home uninstall", () => {
  test("stops and disables the service, then removes unit, env file, binary and state, saying what it removed", async () => {
    const { ops, fs, calls } = fakeHost(INSTALLED);
    const io = buffers();
    expect(await runUninstall(ctx({}, io), ops, FILES)).toBe(0);
    expect(calls).toEqual([
      "systemctl disable --now akash-home.service",
      `rm ${FILES.unitFile}`,
      `rm ${FILES.envFile}`,
      `rm ${BIN}`,
      `rm ${STATE}`,
      "systemctl daemon-reload",
      "systemctl reset-failed akash-home.service",
    ]);
    expect(fs.size).toBe(0);
    expect(io.stdout).toContain("removed akash-home.service (stopped and disabled)");
    expect(io.stdout).toContain(`removed ${BIN}`);
    expect(io.stdout).toContain(`removed ${STATE}`);
    expect(io.stdout).toContain("akash-home is uninstalled.");
    expect(io.stderr).toBe("");
  });

  test("without --yes it lists what it would remove and removes nothing", async () => {
    const { ops, calls } = fakeHost(INSTALLED);
    const io = buffers();
    expect(await runUninstall(ctx({ yes: false }, io), ops, FILES)).toBe(1);
    expect(calls).toEqual([]);
    expect(io.stdout).toContain("stop and disable akash-home.service");
    expect(io.stdout).toContain(`${STATE}  (this device's key, settings and results)`);
    expect(io.stdout).toContain('run "akash-home down" first');
    expect(io.stderr).toContain("nothing removed; run again with --yes");
  });

  test("--keep-state keeps the state dir and the env file", async () => {
    const { ops, fs } = fakeHost(INSTALLED);
    const io = buffers();
    expect(await runUninstall(ctx({ "keep-state": true }, io), ops, FILES)).toBe(0);
    expect([...fs.keys()].sort()).toEqual([FILES.envFile, STATE, `${STATE}/device-key.json`, `${STATE}/state.json`].sort());
    expect(io.stdout).toContain(`kept ${STATE} (--keep-state)`);
    expect(io.stdout).toContain(`kept ${FILES.envFile} (--keep-state)`);
  });

  test("refuses a state dir with no akash-home state in it, still removing the rest, and exits 1", async () => {
    const { ops, fs } = fakeHost({ [BIN]: "file", "/srv": "dir", "/srv/photos.jpg": "file" });
    const io = buffers();
    expect(await runUninstall(ctx({ "state-dir": "/srv" }, io), ops, FILES)).toBe(1);
    expect(fs.has("/srv/photos.jpg")).toBe(true);
    expect(fs.has(BIN)).toBe(false);
    expect(io.stderr).toContain("error: not removing /srv: it holds no akash-home state");
  });

  test("removes an empty state dir, and refuses the root directory", async () => {
    const empty = fakeHost({ [STATE]: "dir" });
    expect(await runUninstall(ctx({}, buffers()), empty.ops, FILES)).toBe(0);
    expect(empty.fs.size).toBe(0);

    const root = fakeHost({ "/": "dir", "/state.json": "file" });
    const io = buffers();
    expect(await runUninstall(ctx({ "state-dir": "/" }, io), root.ops, FILES)).toBe(1);
    expect(root.fs.size).toBe(2);
    expect(io.stderr).toContain("it is the root directory");
  });

  test("--no-systemd leaves systemd alone: no systemctl, unit and env file untouched", async () => {
    const { ops, fs, calls } = fakeHost(INSTALLED);
    expect(await runUninstall(ctx({ systemd: false }, buffers()), ops, FILES)).toBe(0);
    expect(calls.filter((c) => c.startsWith("systemctl"))).toEqual([]);
    expect([...fs.keys()].sort()).toEqual([FILES.envFile, FILES.unitFile].sort());
  });

  test("when systemd is not running it removes the unit file without calling systemctl", async () => {
    const { ops, fs, calls } = fakeHost(INSTALLED, { systemdRunning: false });
    expect(await runUninstall(ctx({}, buffers()), ops, FILES)).toBe(0);
    expect(calls.filter((c) => c.startsWith("systemctl"))).toEqual([]);
    expect(fs.size).toBe(0);
  });

  test("a failed systemctl or a permission error is reported and exits 1, and the other steps still run", async () => {
    const { ops, fs } = fakeHost(INSTALLED, { systemctlCode: 1, denied: [BIN] });
    const io = buffers();
    expect(await runUninstall(ctx({}, io), ops, FILES)).toBe(1);
    expect(io.stderr).toContain("error: systemctl disable --now akash-home.service failed: Failed to disable unit: Access denied");
    expect(io.stderr).toContain(`error: could not remove ${BIN}: EACCES: run it as root (sudo akash-home uninstall)`);
    expect([...fs.keys()]).toEqual([BIN]);
    expect(io.stdout).not.toContain("akash-home is uninstalled.");
  });

  test("says so when nothing is installed", async () => {
    const { ops, calls } = fakeHost({});
    const io = buffers();
    expect(await runUninstall(ctx({}, io), ops, FILES)).toBe(0);
    expect(calls).toEqual([]);
    expect(io.stdout).toContain("akash-home is not installed here");
  });

  test("declares its flags; from source the prefix defaults to /usr/local", () => {
    const flags = Object.fromEntries(uninstallCommand.flags.map((f) => [f.name, f]));
    expect(Object.keys(flags).sort()).toEqual(["keep-state", "prefix", "state-dir", "systemd", "yes"]);
    expect(flags.systemd!.default).toBe(true);
    expect(flags.prefix!.default).toBe("/usr/local");
  });
});

describe("akash-home uninstall on a real directory", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function install(): { prefix: string; state: string; unit: string; env: string } {
    dir = mkdtempSync(join(tmpdir(), "akash-uninstall-"));
    const paths = { prefix: join(dir, "usr-local"), state: join(dir, "state"), unit: join(dir, "systemd", "akash-home.service"), env: join(dir, "default", "akash-home") };
    mkdirSync(join(paths.prefix, "bin"), { recursive: true });
    writeFileSync(join(paths.prefix, "bin", "akash-home"), "#!/bin/sh\n", { mode: 0o755 });
    mkdirSync(paths.state, { mode: 0o700 });
    writeFileSync(join(paths.state, "state.json"), "{}", { mode: 0o600 });
    writeFileSync(join(paths.state, "device-key.json"), "{}", { mode: 0o600 });
    for (const f of [paths.unit, paths.env]) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, "");
    }
    return paths;
  }

  test("`akash-home uninstall --no-systemd --yes` removes the binary and the state dir", async () => {
    const p = install();
    const io = buffers();
    // Through the real flag parser, as main.ts runs it.
    const argv = ["--no-systemd", "--yes", "--prefix", p.prefix, "--state-dir", p.state];
    const { given, positionals } = parseArgv(argv, uninstallCommand.flags, "uninstall");
    const { values } = resolveFlags(given, uninstallCommand.flags, {}, {}, "none");
    const code = await uninstallCommand.run({ values, positionals, io, env: {} });
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    expect(readdirSync(join(p.prefix, "bin"))).toEqual([]);
    expect(existsSync(p.state)).toBe(false);
    // --no-systemd: the unit and env file stay.
    expect(existsSync(p.unit) && existsSync(p.env)).toBe(true);
  });

  test("with systemd, on real files: unit and env file go too, and systemctl is asked to stop the service", async () => {
    const p = install();
    const calls: string[][] = [];
    const ops: HostOps = { ...hostOps, systemdRunning: () => true, systemctl: async (args) => (calls.push(args), { code: 0, output: "" }) };
    const io = buffers();
    expect(await runUninstall(ctx({ prefix: p.prefix, "state-dir": p.state }, io), ops, { unitFile: p.unit, envFile: p.env })).toBe(0);
    expect(calls[0]).toEqual(["disable", "--now", "akash-home.service"]);
    for (const gone of [p.unit, p.env, join(p.prefix, "bin", "akash-home"), p.state]) expect(existsSync(gone)).toBe(false);
  });
});
