// The compiled binary in its second role: `akash-home registry` serves its API, install.sh with its own
// download address filled in, and the downloads, so `curl -fsSL <registry>/install.sh | sh` installs from
// the registry alone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { installEnv, makeDist, makeSandbox, runInstall, sha256, type Sandbox } from "../install/harness.ts";
import { freePort } from "../support/free-port.ts";
import { oneRegionYaml } from "../support/registry-process.ts";
import { ROOT, X64, requireBinary } from "./dist.ts";

const pkgVersion = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
let sb: Sandbox;
let registry: Subprocess;
let url: string;
let dist: string;

beforeAll(async () => {
  sb = makeSandbox();
  dist = join(sb.root, "dist");
  makeDist(dist, { version: "2.0.0" });
  mkdirSync(join(sb.root, "registry"));
  writeFileSync(join(sb.root, "registry", "regions.yaml"), oneRegionYaml());
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  registry = Bun.spawn(
    [requireBinary(X64), "registry", "--listen", `127.0.0.1:${port}`, "--config", join(sb.root, "registry", "regions.yaml"), "--state-dir", join(sb.root, "registry", "state"), "--downloads", dist, "--public-url", url],
    { stdout: "ignore", stderr: "pipe", env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AKASH_HOME_"))) },
  );
  for (let i = 0; i < 100 && !(await fetch(`${url}/healthz`).then((r) => r.ok, () => false)); i++) await Bun.sleep(100);
});

afterAll(async () => {
  registry.kill("SIGTERM");
  await registry.exited;
  sb.cleanup();
});

describe("akash-home registry (compiled)", () => {
  test("answers /healthz with the binary's version, on SQLite by default", async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, version: pkgVersion, store: "sqlite" });
  });

  test("serves SHA256SUMS and the binaries from its downloads folder", async () => {
    expect(await (await fetch(`${url}/downloads/SHA256SUMS`)).text()).toBe(readFileSync(join(dist, "SHA256SUMS"), "utf8"));
    const bin = new Uint8Array(await (await fetch(`${url}/downloads/akash-home-linux-x64`)).arrayBuffer());
    expect(sha256(bin)).toBe(sha256(readFileSync(join(dist, "akash-home-linux-x64"))));
  });

  test("curl <registry>/install.sh | sh installs the registry's binary with no download address given", async () => {
    const script = await (await fetch(`${url}/install.sh`)).text();
    expect(script).toContain(`DEFAULT_DOWNLOAD_URL='${url}/downloads'`);
    const env = installEnv(sb, { url: "unused", requests: [], stop() {} });
    delete env.AKASH_HOME_DOWNLOAD_URL;
    const r = await runInstall({ ...env, AKASH_HOME_SKIP_START: "1" }, { stdinScript: script });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(sb.bin, "utf8")).toBe(readFileSync(join(dist, "akash-home-linux-x64"), "utf8"));
  });

  test("a bad regions file stops start-up, naming the field and the reason", async () => {
    const bad = join(sb.root, "registry", "bad.yaml");
    writeFileSync(bad, oneRegionYaml().replace("capacity: 250", "capacity: -3").replace("countries: [US]", "countries: [UK]"));
    const child = Bun.spawn([X64, "registry", "--listen", "127.0.0.1:0", "--config", bad, "--state-dir", join(sb.root, "registry", "bad-state")], { stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(code).toBe(1);
    expect(stderr).toContain("regions[0].capacity");
    expect(stderr).toContain("regions[0].countries");
    expect(stderr).not.toContain("    at ");
  });

  test("stops cleanly on SIGTERM, having checkpointed SQLite on its worker thread (embedded in the binary)", async () => {
    registry.kill("SIGTERM");
    expect(await registry.exited).toBe(0);
    const log = await new Response(registry.stderr as ReadableStream).text();
    expect(log).toContain('"checkpoints":"worker thread"');
  });
});
