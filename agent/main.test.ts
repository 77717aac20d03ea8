import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./main.ts";
import type { Output } from "./cli/command.ts";

function capture() {
  let out = "";
  let err = "";
  const io: Output = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  return { io, out: () => out, err: () => err };
}

describe("argv dispatch", () => {
  test("--help at the top shows every command, not the agent's flags", async () => {
    const c = capture();
    expect(await runCli(["--help"], c.io, {})).toBe(0);
    expect(c.out()).toContain("Commands:");
    expect(c.out()).toMatch(/^ {2}doctor\b/m);
  });

  test("help for one command shows its usage", async () => {
    const c = capture();
    expect(await runCli(["help", "up"], c.io, {})).toBe(0);
    expect(c.out()).toContain("Usage: akash-home up");
  });

  test("the config file supplies values a flag did not, and a flag beats it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-home-main-"));
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ "state-dir": join(dir, "from-file") }));
    const fromFile = capture();
    expect(await runCli(["status", "--config", config], fromFile.io, {})).toBe(1);
    expect(fromFile.err()).toContain(join(dir, "from-file"));
    const fromEnv = capture();
    expect(await runCli(["status"], fromEnv.io, { AKASH_HOME_CONFIG: config, AKASH_HOME_STATE_DIR: join(dir, "from-env") })).toBe(1);
    expect(fromEnv.err()).toContain(join(dir, "from-env"));
    const fromFlag = capture();
    expect(await runCli(["status", "--config", config, "--state-dir", join(dir, "from-flag")], fromFlag.io, { AKASH_HOME_STATE_DIR: join(dir, "from-env") })).toBe(1);
    expect(fromFlag.err()).toContain(join(dir, "from-flag"));
  });

  test("an explicit config file that does not exist is a usage error", async () => {
    const c = capture();
    expect(await runCli(["status", "--config", "/nonexistent/config.json"], c.io, {})).toBe(2);
    expect(c.err()).toContain("config file /nonexistent/config.json does not exist");
  });

  test("a config file of the wrong shape says what it must hold", async () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-home-main-"));
    writeFileSync(join(dir, "c.json"), "[1,2]");
    const c = capture();
    expect(await runCli(["version", "--config", join(dir, "c.json")], c.io, {})).toBe(2);
    expect(c.err()).toContain("must hold a JSON object of flag names to values");
  });
});
