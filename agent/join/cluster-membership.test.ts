import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeviceRegistryClient, LeaveResult, UpEvent } from "../../protocol/index.ts";
import { fakeDeviceClient } from "../backend/testing/test-backend.ts";
import { ClusterMembership } from "./cluster-membership.ts";
import { K3sAgent } from "./k3s-agent.ts";
import { Tailscale } from "./tailscale.ts";

const dir = mkdtempSync(join(tmpdir(), "akash-home-membership-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tailscale CLI that records each command it is given, as the real one would leave a trace of a logout. */
const calls = join(dir, "tailscale-calls");
const tailscaleBin = join(dir, "tailscale");
writeFileSync(tailscaleBin, `#!/bin/sh\necho "$@" >> "${calls}"\n`);
chmodSync(tailscaleBin, 0o755);

function membership(): ClusterMembership {
  const log = () => {};
  return new ClusterMembership({
    tailscale: new Tailscale({ bin: tailscaleBin, socket: null, secretsDir: dir }),
    k3s: new K3sAgent({ bin: join(dir, "k3s"), dataDir: join(dir, "k3s-data"), log }),
    containerRuntime: async () => null,
    log,
  });
}

function answering(result: LeaveResult): DeviceRegistryClient {
  return { ...fakeDeviceClient("unreachable")("http://127.0.0.1:1"), leave: async () => result };
}

const left: LeaveResult = {
  device: { deviceId: "dev-7f3k2m9q", owner: "akash1testowner", state: "removed", region: null, waitlist: null, message: "", heartbeatIntervalS: 15, replaces: null },
  evicted: 0,
  remaining: [],
  nodeDeleted: false,
  tailnetNodeDeleted: false,
  cleanupPending: true,
};

describe("leaving", () => {
  test("when the region's cluster is down, the owner is told the registry finishes the removal there later, and the device still leaves the tailnet", async () => {
    rmSync(calls, { force: true });
    const events: UpEvent[] = [];
    const { result, problem } = await membership().leave(answering(left), (e) => events.push(e));
    expect(problem).toBeNull();
    expect(result?.cleanupPending).toBe(true);
    expect(events.map((e) => (e.type === "progress" ? e.message : e.type))).toContain("the region's cluster did not answer the registry: it removes this node there as soon as it does");
    expect(readFileSync(calls, "utf8")).toContain("logout");
  });

  test("a registry that cannot be reached does not keep the device in: it leaves the tailnet and says what was not done", async () => {
    rmSync(calls, { force: true });
    const events: UpEvent[] = [];
    const { result, problem } = await membership().leave(fakeDeviceClient("unreachable")("http://127.0.0.1:1"), (e) => events.push(e));
    expect(result).toBeNull();
    expect(problem).toContain("the registry could not be told");
    expect(events.some((e) => e.type === "progress" && e.message.includes("removes this node there"))).toBe(false);
    expect(existsSync(calls) && readFileSync(calls, "utf8")).toContain("logout");
  });
});
