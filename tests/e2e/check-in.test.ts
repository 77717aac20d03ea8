// The agent end to end against a real registry process: an owner signs in with a wallet and makes claim
// codes; real agent daemons run `akash-home up --registry … --claim … --yes`, check in with their device
// keys, and `akash-home status` shows what the registry decided. The test machine has no systemd and no
// cgroup v2 delegation, so the daemons run with --ignore-checks all (the checks' output is not under test here).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentStatus, OwnerDeviceList } from "../../protocol/index.ts";
import { startAgentDaemon, type AgentDaemon } from "../browser/support/agent-daemon.ts";
import { signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { oneRegionYaml, startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";

let registry: RegistryProcess;
let owner: TestOwner;
const agents: AgentDaemon[] = [];

async function agent(machine: string): Promise<AgentDaemon> {
  // Each daemon gets its own machine id: on one test host they would otherwise all be one machine.
  const a = await startAgentDaemon(
    (dir) => writeFileSync(join(dir, "machine-id"), `${machine}\n`),
    (dir) => ["--ignore-checks", "all", "--machine-id-file", join(dir, "machine-id")],
  );
  agents.push(a);
  return a;
}

beforeAll(async () => {
  registry = await startRegistryProcess({ regionsYaml: oneRegionYaml({ capacity: 1 }) });
  owner = await signInOwner(registry.url);
}, 30_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await registry.stop();
});

const status = async (a: AgentDaemon): Promise<AgentStatus> => JSON.parse((await a.cli(["status", "--json"])).stdout) as AgentStatus;

describe("headless setup against a real registry", () => {
  test("the first device is assigned to the region; the second, with the region full, is waitlisted with its position", async () => {
    const first = await agent("machine-one");
    const code1 = await owner.claimCode("first");
    const up1 = await first.cli(["up", "--registry", registry.url, "--claim", code1, "--yes"]);
    expect(up1.code, up1.stdout + up1.stderr + first.output()).toBe(0);
    expect(up1.stdout + up1.stderr).toContain("assigned to Test West (test-west)");
    const s1 = await status(first);
    // Telemetry starts right after check-in, so the first heartbeat may already have made it online.
    expect(s1).toMatchObject({ owner: owner.address, region: { id: "test-west" }, standing: { owner: owner.address } });
    expect(["assigned", "online"]).toContain(s1.standing!.state);
    expect((await first.cli(["status"])).stdout).toMatch(/Registry view: (assigned|online)/);

    const second = await agent("machine-two");
    const up2 = await second.cli(["up", "--registry", registry.url, "--claim", await owner.claimCode("second"), "--yes"]);
    expect(up2.code, up2.stdout + up2.stderr).toBe(0);
    const s2 = await status(second);
    expect(s2.phase).toBe("waitlisted");
    expect(s2.standing?.waitlist).toMatchObject({ position: 1, waiting: 1 });
    expect((await second.cli(["status"])).stdout).toMatch(/Waitlist: +area .+, position 1 of 1/);

    // The first device's heartbeats arrive through its outbox: the registry marks it online, and the agent
    // learns that from the answer to its telemetry.
    const deadline = Date.now() + 20_000;
    while ((await status(first)).phase !== "online" && Date.now() < deadline) await Bun.sleep(250);
    expect((await status(first)).phase).toBe("online");
    expect((await first.cli(["status"])).stdout).toMatch(/Telemetry: 0 queued, last sent/);

    // The owner sees both devices with the registry's decision.
    const devices = (await (await owner.call("GET", "/api/v1/owner/devices")).json()) as OwnerDeviceList;
    expect(devices.devices.map((d) => d.state).sort()).toEqual(["online", "waitlisted"]);
  }, 90_000);

  test("a claim code cannot be used twice: the second device is told to make a new one", async () => {
    const code = await owner.claimCode();
    const a = await agent("machine-three");
    expect((await a.cli(["up", "--registry", registry.url, "--claim", code, "--yes"])).code).toBe(0);
    const b = await agent("machine-four");
    const r = await b.cli(["up", "--registry", registry.url, "--claim", code, "--yes"]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("already used");
    expect(r.stdout + r.stderr).toContain("new claim code");
  }, 90_000);
});
