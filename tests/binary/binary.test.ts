import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, readSync, closeSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARM64, DIST, ROOT, X64, requireBinary, run } from "./dist.ts";

const pkgVersion = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;

describe("the x64 binary", () => {
  test("reports the version and commit stamped in at build time", async () => {
    const r = await run(["version", "--json"]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.version).toBe(pkgVersion);
    expect(info.commit).toMatch(/^[0-9a-f]{7,12}(-dirty)?$|^unknown$/);
    expect(info.arch).toBe("x64");
  });

  test("help lists every subcommand", async () => {
    const r = await run(["help"]);
    expect(r.code).toBe(0);
    for (const name of ["agent", "up", "status", "doctor", "bench", "pause", "resume", "down", "uninstall", "version", "help"]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    }
  });

  test("a command's help shows each flag with its environment twin", async () => {
    const r = await run(["up", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--registry URL");
    expect(r.stdout).toContain("[AKASH_HOME_REGISTRY]");
    expect(r.stdout).toContain("[AKASH_HOME_CLAIM]");
  });

  test("usage mistakes exit 2 with one line that says what is accepted", async () => {
    const unknownCommand = await run(["frobnicate"]);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("commands: agent, up, status");
    const unknownFlag = await run(["status", "--colour"]);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknownFlag.stderr).toContain("accepted: --state-dir, --json");
    const badValue = await run(["agent", "--listen", "0.0.0.0:7777"]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain("not a loopback address");
    const badEnv = await run(["agent"], { AKASH_HOME_LISTEN: "10.0.0.1:80" });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain("AKASH_HOME_LISTEN");
  });

  test("a broken config file is a usage error naming the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-home-cfg-"));
    await Bun.write(join(dir, "config.json"), "{ nope");
    const r = await run(["status", "--config", join(dir, "config.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`config file ${join(dir, "config.json")} is not valid JSON`);
  });

  test("commands that need the agent say how to start it when it is not running", async () => {
    const r = await run(["status", "--state-dir", mkdtempSync(join(tmpdir(), "akash-home-empty-"))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the agent is not running");
  });

  test("SHA256SUMS lists every binary with its real hash", () => {
    const sums = readFileSync(join(DIST, "SHA256SUMS"), "utf8").trim().split("\n");
    const names = sums.map((l) => l.split(/\s+/)[1]);
    expect(names).toContain("akash-home-linux-x64");
    expect(names).toContain("akash-home-linux-arm64");
    for (const line of sums) {
      const [hash, name] = line.split(/\s+/);
      expect(createHash("sha256").update(readFileSync(join(DIST, name!))).digest("hex")).toBe(hash!);
    }
  });
});

describe("the arm64 binary", () => {
  test("is a 64-bit little-endian ELF executable for aarch64", () => {
    const fd = openSync(requireBinary(ARM64), "r");
    const header = Buffer.alloc(20);
    readSync(fd, header, 0, 20, 0);
    closeSync(fd);
    expect(header.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(header[4]).toBe(2); // ELFCLASS64
    expect(header[5]).toBe(1); // little-endian
    expect(header.readUInt16LE(18)).toBe(183); // EM_AARCH64
  });

  // qemu-user and Debian's arm64 C library are installed by scripts/test.
  const qemu = Bun.which("qemu-aarch64");
  const sysroot = "/usr/aarch64-linux-gnu";
  test.skipIf(!qemu || !existsSync(join(sysroot, "lib/ld-linux-aarch64.so.1")))("runs `version` under qemu-user (skipped only where qemu-user is not installed)", async () => {
    const child = Bun.spawn([qemu!, "-L", sysroot, ARM64, "version", "--json"], { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ version: pkgVersion, arch: "arm64" });
  }, 60_000);
});

