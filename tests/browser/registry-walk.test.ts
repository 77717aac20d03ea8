// The setup wizard in chromium against a real registry process: an owner signs in with a wallet and
// makes claim codes; two real agent daemons are set up through their pages. The first is refused with a
// mistyped code and sent back to the claim step, then takes the region's only place and comes online;
// the second finds the region full and waits in line. Desktop and phone screenshots of each new state go
// to test-artifacts/screenshots/. The browser walk runs under Node (support/node-scenario.ts says why);
// this file starts the processes, runs it, reports each of its steps as a test, and then checks that the
// registry recorded what the pages showed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DoctorReport, REGISTRY_API, type AgentStatus, type ClaimCodeList, type OwnerDeviceList, type RegionList } from "../../protocol/index.ts";
import { JsonFile } from "../../agent/state/json-file.ts";
import { sampleDoctorReport } from "../fixtures/reports.ts";
import { signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { oneRegionYaml, startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { startAgentDaemon, type AgentDaemon } from "./support/agent-daemon.ts";
import { CHROMIUM_PATH, requireChromium } from "./support/chromium.ts";
import { runNodeScenario, SCREENSHOTS } from "./support/node-scenario.ts";
import { STEPS, type RegistryWalkInput, type Step, type StepResult } from "./registry-walk-steps.ts";

// Fail, never skip, when the browser is missing: a skipped browser test hides a broken page.
requireChromium();

/** A hostname is whatever the owner named the machine; markup in it must reach the page as text. */
const MARKUP_HOSTNAME = `den-pc <img src=x onerror=alert(1)>`;

let registry: RegistryProcess;
let owner: TestOwner;
let first: AgentDaemon;
let second: AgentDaemon;
let results = new Map<Step, StepResult>();
let scenarioOutput = "";

/**
 * device starts a daemon whose saved hardware report passes (this build machine fails some blocking
 * checks) and whose machine id is its own: on one test host they would otherwise be one machine twice.
 */
function device(machine: string, hostname: string): Promise<AgentDaemon> {
  return startAgentDaemon(
    (dir) => {
      new JsonFile(join(dir, "doctor.json"), DoctorReport, 1).write(sampleDoctorReport({ ready: true, hostname }));
      writeFileSync(join(dir, "machine-id"), `${machine}\n`);
    },
    (dir) => ["--machine-id-file", join(dir, "machine-id")],
  );
}

beforeAll(async () => {
  // One place in the region: the first computer takes it, the second waits in line.
  registry = await startRegistryProcess({ regionsYaml: oneRegionYaml({ capacity: 1 }) });
  owner = await signInOwner(registry.url);
  [first, second] = await Promise.all([device("walk-machine-one", "lab-pc"), device("walk-machine-two", MARKUP_HOSTNAME)]);
  const { regions } = (await (await fetch(registry.url + REGISTRY_API.regions)).json()) as RegionList;
  const region = regions[0]!;
  const input: RegistryWalkInput = {
    chromiumPath: CHROMIUM_PATH,
    shots: SCREENSHOTS,
    registry: { url: registry.url, regionId: region.id, regionName: region.name, locationRegion: region.locationRegion },
    owner: owner.address,
    // Well-formed, never issued.
    wrongClaimCode: "7K3Q-X9MA-2F0D",
    first: { url: first.url, setupCode: await first.setupCode(), claimCode: await owner.claimCode("first"), hostname: "lab-pc" },
    second: { url: second.url, setupCode: await second.setupCode(), claimCode: await owner.claimCode("second"), hostname: MARKUP_HOSTNAME },
  };
  ({ results, output: scenarioOutput } = await runNodeScenario<Step>(join(import.meta.dir, "registry-walk-scenario.ts"), input));
}, 300_000);

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await registry?.stop();
});

const TITLES: Record<Step, string> = {
  "to-claim": "welcome, hardware and the quick benchmark lead to the claim step, with no registry set yet",
  "claim-and-region": "with the registry's address typed, the region step lists the registry's own region, open, nearest chosen",
  share: "the default share leads to the join step, which repeats the registry, the saved claim and the nearest region",
  "wrong-claim": "a mistyped claim code: the join shows the registry's refusal with its fix and links back to the claim step, where the registry shows reachable",
  "join-assigned": "with the right code the join says where the computer went, and the dashboard shows the region, the registry and the owner",
  online: "once its telemetry arrives, the dashboard shows the computer online",
  waitlisted: "a second computer finds the region full: the region step says so, the join says it checked in to wait in line, and the dashboard shows its place on the waiting list",
  "no-browser-problems": "the browser saw no CSP violation, script error or failed request",
};

const failureDetails = () =>
  `--- registry ---\n${registry.output()}\n--- first agent ---\n${first.output()}\n--- second agent ---\n${second.output()}`;

describe("the setup wizard in chromium against a real registry", () => {
  for (const step of STEPS) {
    test(TITLES[step], () => {
      const r = results.get(step);
      if (!r) throw new Error(`the browser scenario reported nothing for "${step}":\n${scenarioOutput}`);
      if (!r.ok) throw new Error(`${r.error}\n${failureDetails()}`);
      expect(r.ok).toBe(true);
    });
  }
});

describe("what the registry and the agents recorded", () => {
  const status = async (a: AgentDaemon): Promise<AgentStatus> => JSON.parse((await a.cli(["status", "--json"])).stdout) as AgentStatus;

  test("the owner's devices are the two computers set up on their pages: one online, one waiting first in line", async () => {
    const [one, two] = await Promise.all([status(first), status(second)]);
    const { devices } = (await (await owner.call("GET", REGISTRY_API.ownerDevices)).json()) as OwnerDeviceList;
    const byId = new Map(devices.map((d) => [d.deviceId, d]));
    expect(devices).toHaveLength(2);
    expect(byId.get(one.deviceId)).toMatchObject({ owner: owner.address, state: "online", region: { id: "test-west" } });
    expect(byId.get(two.deviceId)).toMatchObject({ owner: owner.address, state: "waitlisted", region: null, waitlist: { position: 1, waiting: 1 } });
    expect(one).toMatchObject({ phase: "online", owner: owner.address });
    expect(two).toMatchObject({ phase: "waitlisted", owner: owner.address });
  });

  test("each claim code went to the computer it was typed into; the mistyped one claimed nothing", async () => {
    const [one, two] = await Promise.all([status(first), status(second)]);
    const { claimCodes } = (await (await owner.call("GET", REGISTRY_API.claimCodes)).json()) as ClaimCodeList;
    const usedBy = Object.fromEntries(claimCodes.map((c) => [c.label, c.usedByDevice]));
    expect(usedBy).toEqual({ first: one.deviceId, second: two.deviceId });
  });
});
