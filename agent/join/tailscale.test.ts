import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tailscale } from "./tailscale.ts";

// The real tailscale and tailscaled are driven in tests/e2e/real-join.test.ts. What cannot be brought about
// there on demand is a tailscaled that logs in and then stays "Starting"; this CLI plays one, in the state
// the file `state` names, and keeps a trace of what it was asked.
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function fakeTailscale(state: "Starting" | "NeedsLogin") {
  const dir = mkdtempSync(join(tmpdir(), "akash-home-tailscale-"));
  roots.push(dir);
  const bin = join(dir, "tailscale");
  writeFileSync(join(dir, "state"), state);
  writeFileSync(
    bin,
    `#!/bin/sh
echo "$@" >> "${dir}/calls"
case "$1" in
  up) echo "timeout waiting for Tailscale service to enter a Running state; check health with \\"tailscale status\\"" >&2; exit 1 ;;
  status) echo "{\\"BackendState\\": \\"$(cat "${dir}/state")\\"}" ;;
  ping) [ "$(cat "${dir}/state")" = Starting ] && echo Running > "${dir}/state"; echo "pong from control (100.64.0.1) via DERP(home) in 31ms" ;;
  ip) echo 100.64.0.7 ;;
esac
`,
  );
  chmodSync(bin, 0o755);
  const secretsDir = join(dir, "secrets");
  mkdirSync(secretsDir, { mode: 0o700 });
  const tailscale = new Tailscale({ bin, socket: null, secretsDir });
  return { tailscale, secretsDir, calls: () => (existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").trim().split("\n") : []) };
}

const input = { loginServer: "http://hs.test:8080", authKey: "hskey-auth-secret", hostname: "ah-abcdefghijklmnop" };

describe("tailscale up", () => {
  test("a tailscaled stuck in Starting after logging in is woken by a ping to the k3s server, and the join goes on", async () => {
    const t = fakeTailscale("Starting");
    expect(await t.tailscale.up({ ...input, nudgePeer: "100.64.0.1" })).toEqual({ ipv4: "100.64.0.7" });
    expect(t.calls().filter((c) => c.startsWith("ping"))).toEqual(["ping --tsmp -c 1 --timeout=5s 100.64.0.1"]);
    // The key went through a file that is gone again, and never through argv.
    expect(t.calls().join("\n")).not.toContain(input.authKey);
    expect(readdirSync(t.secretsDir)).toEqual([]);
  });

  test("a failure in any other state is reported as tailscale said it, with no ping", async () => {
    const t = fakeTailscale("NeedsLogin");
    await expect(t.tailscale.up({ ...input, nudgePeer: "100.64.0.1" })).rejects.toThrow("tailscale up failed: timeout waiting for Tailscale service to enter a Running state");
    expect(t.calls().some((c) => c.startsWith("ping"))).toBe(false);
  });

  test("without a peer to ping, a stuck tailscaled is reported, not waited on", async () => {
    const t = fakeTailscale("Starting");
    await expect(t.tailscale.up(input)).rejects.toThrow("tailscale up failed");
    expect(t.calls().some((c) => c.startsWith("ping"))).toBe(false);
  });
});
