// The owner portal, the public network page and the admin portal in chromium against a real registry
// process with a seeded fleet (portal-seed.ts): every page walked as owners and operators use it, at
// desktop and phone sizes, screenshots kept in test-artifacts/screenshots/. The walk runs under Node
// (support/node-scenario.ts says why); this file starts the registry, runs it, reports each of its steps as
// a test, and then checks that the registry recorded what the pages did.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { REGISTRY_API, type AuditLog, type OwnerDeviceList } from "../../protocol/index.ts";
import { CHROMIUM_PATH, requireChromium } from "./support/chromium.ts";
import { runNodeScenario, SCREENSHOTS } from "./support/node-scenario.ts";
import { earningsSample } from "./portal-earnings-sample.ts";
import { seedPortalFleet, type PortalFleet } from "./portal-seed.ts";
import { STEPS, type PortalWalkInput, type Step, type StepResult } from "./portal-walk-steps.ts";

// Fail, never skip, when the browser is missing: a skipped browser test hides a broken page.
requireChromium();

let fleet: PortalFleet;
let results = new Map<Step, StepResult>();
let scenarioOutput = "";

beforeAll(async () => {
  fleet = await seedPortalFleet();
  const ref = (d: { id: string; name: string }) => ({ id: d.id, name: d.name });
  const input: PortalWalkInput = {
    chromiumPath: CHROMIUM_PATH,
    shots: SCREENSHOTS,
    url: fleet.registry.url,
    owner: { address: fleet.ownerWallet.address, mnemonic: fleet.ownerWallet.wallet.mnemonic },
    operator: { address: fleet.operatorWallet.address, mnemonic: fleet.operatorWallet.wallet.mnemonic },
    devices: { labPc: ref(fleet.labPc), denPc: ref(fleet.denPc), miniPc: ref(fleet.miniPc), officePc: ref(fleet.officePc), garageBox: ref(fleet.garageBox) },
    earningsSample: await earningsSample(fleet.ownerWallet.address),
  };
  ({ results, output: scenarioOutput } = await runNodeScenario<Step>(join(import.meta.dir, "portal-walk-scenario.ts"), input));
}, 300_000);

afterAll(async () => {
  await fleet?.stop();
});

const TITLES: Record<Step, string> = {
  network: "the public network page shows totals, regions, waiting areas and a map the registry drew",
  "session-expired": "an expired session sends the browser to sign in, saying so, and remembers where it was going",
  "sign-in-wallet": "signing in with the browser wallet (Keplr's signArbitrary) lands on the page the owner wanted",
  devices: "the device list shows every device with its state, region, hardware, agent, update notice and uptime strip; markup in a name is text",
  filter: "filtering by status swaps the table in place and keeps the filter in the address",
  bulk: "ticking every device on a filtered page pauses them all at once, and resumes them the same way",
  device: "a device page shows uptime with one mark per bucket, the downtime list, resource use, benchmark, history and the update command",
  "pause-resume": "the owner pauses and resumes a device from its page",
  "add-device": "adding a device shows the exact install command with a copy button and a QR code, and the device appears when it checks in",
  remove: "the owner removes a device; its page says it left the network",
  earnings: "the earnings page says when earnings appear; a populated one shows totals that open their ledger lines, a chart, devices, epochs, payouts and the payout address, on a phone too",
  "payout-address": "the owner sends payouts to another address: a mistyped one is refused in the form with the reason and nothing changes, a good one is saved and shown",
  "sign-out": "signing out ends the session: the old cookie opens nothing",
  "sign-in-by-hand": "without a wallet, the owner gets the exact message, a wrong paste is refused with a reason, a good signature signs in",
  admin: "the admin overview shows the operator's regions with load and health, waiting areas with ready marks, and recent actions",
  "admin-region": "a region's device table filters by owner",
  "admin-actions": "the operator approves one device and bans another, each with a reason",
  audit: "the audit log shows both actions with who, what and why; markup in a reason is text",
  "operator-offer": "the operator offers a planned region to an owner, who accepts it in their portal and gets the admin portal",
  "not-an-operator": "an owner with no role is refused the admin portal, and another owner's device reads as missing",
  "no-browser-problems": "the browser saw no CSP violation, script error or failed request",
};

describe("the portals in chromium against a real registry", () => {
  for (const step of STEPS) {
    test(TITLES[step], () => {
      const r = results.get(step);
      if (!r) throw new Error(`the browser scenario reported nothing for "${step}":\n${scenarioOutput}`);
      if (!r.ok) throw new Error(r.error?.startsWith("not run:") ? r.error : `${r.error}\n--- registry ---\n${fleet.registry.output().slice(-4000)}`);
      expect(r.ok).toBe(true);
    });
  }
});

describe("what the registry recorded", () => {
  test("the device added in the browser is removed, the approved one is assigned and the banned one banned", async () => {
    const { devices } = (await (await fleet.owner.call("GET", REGISTRY_API.ownerDevices)).json()) as OwnerDeviceList;
    expect(devices.find((d) => d.deviceId === fleet.officePc.id)?.state).toBe("assigned");
    expect(devices.some((d) => d.state === "removed")).toBe(true);
    const { devices: theirs } = (await (await fleet.neighbour.call("GET", REGISTRY_API.ownerDevices)).json()) as OwnerDeviceList;
    expect(theirs.find((d) => d.deviceId === fleet.garageBox.id)?.state).toBe("banned");
  });

  test("the audit log has the operator's actions with their reasons and the owner's removal", async () => {
    const { entries } = (await (await fleet.operator.call("GET", REGISTRY_API.adminAudit)).json()) as AuditLog;
    expect(entries).toContainEqual(expect.objectContaining({ actor: fleet.operatorWallet.address, action: "device.approve", target: fleet.officePc.id, detail: "known owner" }));
    expect(entries).toContainEqual(expect.objectContaining({ actor: fleet.operatorWallet.address, action: "device.ban", target: fleet.garageBox.id, regionId: "test-east" }));
    expect(entries.some((e) => e.action === "owner.device.remove" && e.actor === fleet.ownerWallet.address)).toBe(true);
  });
});
