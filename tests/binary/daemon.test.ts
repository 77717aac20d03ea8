// The compiled agent as its owner meets it: start it, ask it, break its state file, stop it.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X64, requireBinary, run } from "./dist.ts";
import { freePort } from "../support/free-port.ts";

interface Daemon {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  stateDir: string;
  listen: string;
  stdout: () => string;
}

const running: Daemon[] = [];
afterEach(async () => {
  for (const d of running.splice(0)) {
    d.proc.kill("SIGKILL");
    await d.proc.exited;
  }
});

async function startDaemon(stateDir = mkdtempSync(join(tmpdir(), "akash-home-daemon-")), port?: number): Promise<Daemon> {
  const listen = `127.0.0.1:${port ?? (await freePort())}`;
  const proc = Bun.spawn([requireBinary(X64), "agent", "--state-dir", stateDir, "--listen", listen], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let out = "";
  (async () => {
    const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value;
  })();
  const d: Daemon = { proc, stateDir, listen, stdout: () => out };
  running.push(d);
  for (let i = 0; i < 100 && !existsSync(join(stateDir, "akash-home.sock")); i++) await Bun.sleep(50);
  return d;
}

async function status(stateDir: string) {
  const r = await run(["status", "--json", "--state-dir", stateDir]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe("the agent daemon", () => {
  test("serves the page and the CLI, keeps the setup code out of its non-terminal output", async () => {
    const d = await startDaemon();
    const s = await status(d.stateDir);
    expect(s.phase).toBe("setup");
    expect(s.pageUrl).toBe(`http://${d.listen}`);
    expect(s.setupCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(d.stdout()).toContain(`setup page: http://${d.listen}`);
    expect(d.stdout()).not.toContain(s.setupCode);
    expect(statSync(d.stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(d.stateDir, "device-key.json")).mode & 0o777).toBe(0o600);
    const page = await fetch(`http://${d.listen}/`, { redirect: "manual" });
    expect(page.status).toBeLessThan(500);
  });

  test("signing in on the page starts the hardware check, in a child process of its own binary", async () => {
    const d = await startDaemon();
    expect((await status(d.stateDir)).doctor).toBeNull();
    const signIn = await fetch(`http://${d.listen}/welcome`, {
      method: "POST",
      headers: { "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      body: `code=${(await status(d.stateDir)).setupCode}`,
      redirect: "manual",
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get("set-cookie")).toContain("HttpOnly");
    let s = await status(d.stateDir);
    for (let i = 0; i < 120 && !s.doctor; i++) {
      await Bun.sleep(250);
      s = await status(d.stateDir);
    }
    expect(s.doctor).not.toBeNull();
    expect(existsSync(join(d.stateDir, "doctor.json"))).toBe(true);
  }, 45_000);

  test("stops cleanly on SIGTERM, removing its socket, and keeps its identity across restarts", async () => {
    const d = await startDaemon();
    const before = await status(d.stateDir);
    d.proc.kill("SIGTERM");
    expect(await d.proc.exited).toBe(0);
    expect(existsSync(join(d.stateDir, "akash-home.sock"))).toBe(false);
    const again = await startDaemon(d.stateDir);
    expect((await status(again.stateDir)).deviceId).toBe(before.deviceId);
  });

  test("a corrupt state file is kept aside and the agent starts anyway", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "akash-home-daemon-"));
    writeFileSync(join(stateDir, "state.json"), "\u0000garbage{");
    const d = await startDaemon(stateDir);
    const s = await status(d.stateDir);
    expect(s.setupStep).toBe("welcome");
    expect(readdirSync(stateDir).some((n) => n.startsWith("state.json.bad-"))).toBe(true);
    // The owner is told, in `status` and on the page, not only in the log.
    expect(s.notices.join("\n")).toMatch(/state\.json is not valid JSON .* kept it as .*state\.json\.bad-/);
    const text = await run(["status", "--state-dir", stateDir]);
    expect(text.stdout).toContain("Notice:    ");
  });

  test("a second agent on a busy address fails with a clear message instead of a stack trace", async () => {
    const first = await startDaemon();
    const port = Number(first.listen.split(":")[1]);
    const r = await run(["agent", "--state-dir", mkdtempSync(join(tmpdir(), "akash-home-daemon-")), "--listen", `127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already in use");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a second agent on the same state dir refuses to start and leaves the first one working", async () => {
    const first = await startDaemon();
    const r = await run(["agent", "--state-dir", first.stateDir, "--listen", `127.0.0.1:${await freePort()}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already running with the state dir");
    expect((await status(first.stateDir)).phase).toBe("setup");
  });

  test("pause before joining is refused with what to do", async () => {
    const d = await startDaemon();
    const r = await run(["pause", "--state-dir", d.stateDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("has not joined");
    expect(r.stderr).toContain("fix: finish setup first");
  });

  test("up without a reachable registry walks the steps and says why it cannot join", async () => {
    const d = await startDaemon();
    const r = await run(["up", "--state-dir", d.stateDir, "--registry", "http://127.0.0.1:9", "--claim", "K7QX-3MPA", "--yes"]);
    // Either the checks block this machine (small CI box) or the registry is unreachable; both say why.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/registry not reachable|cannot join/i);
    expect(r.stderr).toContain("fix:");
    expect((await status(d.stateDir)).doctor).not.toBeNull();
  }, 60_000);
});
