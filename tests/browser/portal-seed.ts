// A registry with a fleet worth looking at, for the portal's browser walk and screenshots: three regions
// (open, approval, planned with first-user bootstrap), an operator from the config, an owner with online,
// assigned and pending devices (one named with markup, one with an old agent), a neighbour whose devices
// wait for the planned region, and a month of uptime history and a day of resource samples written into
// the store the way telemetry would have. Devices check in and send heartbeats through the real API.
import { join } from "node:path";
import { REGISTRY_API, type CheckInRequest } from "../../protocol/index.ts";
import { testHardware } from "../../registry/devices/testing.ts";
import { SqliteDriver } from "../../registry/store/sqlite-driver.ts";
import { checkIn, heartbeat, metrics, newDevice, sessionFetch, type ApiDevice } from "../api/support/device-requests.ts";
import { RTX_4090, sampleBenchResult } from "../fixtures/reports.ts";
import { newOwnerWallet, signInOwner, type OwnerWallet, type TestOwner } from "../support/owner-wallet.ts";
import { PLACES, region, registryConfigYaml, UNCONNECTED } from "../support/regions-config.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** MARKUP_NAME is a hostname an owner chose, markup included: every page must show it as text. */
export const MARKUP_NAME = `den-pc <img src=x onerror=alert(1)>`;

export function portalRegionsYaml(operator: string, provider: string): string {
  return registryConfigYaml({
    admins: [operator],
    waitlistThreshold: 3,
    regions: [
      region("test-west", "Test West", PLACES.west, { ...UNCONNECTED, capacity: 250, admission: "open", providerAddress: provider }),
      region("test-east", "Test East", PLACES.east, { ...UNCONNECTED, capacity: 20, admission: "approval" }),
      region("test-north", "Test North", PLACES.north, { status: "planned", firstUserBootstraps: true }),
    ],
  });
}

export interface SeededDevice {
  device: ApiDevice;
  id: string;
  name: string;
  session: string;
}

export interface PortalFleet {
  registry: RegistryProcess;
  operatorWallet: OwnerWallet;
  ownerWallet: OwnerWallet;
  providerAddress: string;
  owner: TestOwner;
  operator: TestOwner;
  neighbour: TestOwner;
  /** Online, old agent (update available), a month of history, a day of samples, a benchmark. */
  labPc: SeededDevice;
  /** Online, an RTX 4090, a name with markup. */
  denPc: SeededDevice;
  /** Assigned, never heard from. */
  miniPc: SeededDevice;
  /** Pending approval in test-east. */
  officePc: SeededDevice;
  garageBox: SeededDevice;
  waiting: SeededDevice[];
  stop(): Promise<void>;
}

async function enrol(url: string, owner: TestOwner, name: string, over: Partial<CheckInRequest> = {}): Promise<SeededDevice> {
  const device = newDevice();
  const answer = await checkIn(url, device, await owner.claimCode(name.slice(0, 40)), { hostname: name, ...over });
  return { device, id: device.key.id, name, session: answer.session.token };
}

async function send(url: string, d: SeededDevice, records: Parameters<typeof heartbeat>[0][]): Promise<void> {
  const res = await sessionFetch(url, d.session, "POST", REGISTRY_API.telemetry, { records: records.map((seq) => heartbeat(seq, { agentVersion: "1.0.0" })) });
  if (res.status !== 200) throw new Error(`telemetry refused: ${res.status} ${await res.text()}`);
}

export async function seedPortalFleet(): Promise<PortalFleet> {
  const [operatorWallet, ownerWallet, providerWallet] = await Promise.all([newOwnerWallet(), newOwnerWallet(), newOwnerWallet()]);
  // A long grace keeps the devices online for the whole walk without heartbeats every few seconds.
  const registry = await startRegistryProcess({ regionsYaml: portalRegionsYaml(operatorWallet.address, providerWallet.address), flags: ["--ip-rate", "0", "--device-rate", "0", "--offline-grace", "3600"] });
  const url = registry.url;
  const owner = await signInOwner(url, ownerWallet);
  const operator = await signInOwner(url, operatorWallet);
  const neighbour = await signInOwner(url);

  const labPc = await enrol(url, owner, "lab-pc", { agentVersion: "0.0.0-alpha.1", bench: sampleBenchResult(false) });
  const denPc = await enrol(url, owner, MARKUP_NAME, { hardware: { ...testHardware(), hostname: MARKUP_NAME, gpus: [RTX_4090] }, bench: sampleBenchResult() });
  const miniPc = await enrol(url, owner, "mini-pc", { hardware: testHardware({ cores: 4, memoryGiB: 16 }) });
  const officePc = await enrol(url, owner, "office-pc", { regionChoice: "test-east" });
  const garageBox = await enrol(url, neighbour, "garage-box", { regionChoice: "test-east" });
  const waiting: SeededDevice[] = [];
  for (const n of ["cabin-pc", "attic-server", "den-nuc"]) waiting.push(await enrol(url, neighbour, n, { regionChoice: "test-north", rtts: [{ regionId: "test-north", rttMs: 30, error: null }] }));

  // The agent's seq grows with time: the live records come after the history written below (seq 1000 on).
  await send(url, labPc, [10_000]);
  await send(url, denPc, [10_000]);
  const sample = await sessionFetch(url, labPc.session, "POST", REGISTRY_API.telemetry, { records: [metrics(10_001)] });
  if (sample.status !== 200) throw new Error(`metrics refused: ${sample.status}`);

  // History the registry would have collected over the last month, written into its store directly.
  const db = new SqliteDriver(join(registry.dir, "state", "registry.db"));
  try {
    const now = Date.now();
    const intervals: [string, string, number, number][] = [
      [labPc.id, "online", now - 30 * DAY, now - 20 * DAY],
      [labPc.id, "online", now - 19.5 * DAY, now - 10 * DAY],
      [labPc.id, "paused", now - 10 * DAY, now - 9.7 * DAY],
      [labPc.id, "online", now - 9.7 * DAY, now - 2 * DAY],
      [labPc.id, "online", now - 2 * DAY + 3 * HOUR, now - 2 * HOUR],
      [denPc.id, "online", now - 8 * DAY, now - 3 * HOUR],
    ];
    await db.insertMany("uptime_intervals", ["device_id", "kind", "start_at", "end_at"], intervals, "error");
    // Devices older than their history, as they would be.
    await db.run("UPDATE devices SET created_at = $1 WHERE id = $2", [now - 31 * DAY, labPc.id]);
    await db.run("UPDATE devices SET created_at = $1 WHERE id = $2", [now - 9 * DAY, denPc.id]);
    const samples: (string | number)[][] = [];
    for (let i = 0; i < 96; i++) {
      const at = now - DAY + i * 15 * 60_000;
      samples.push([labPc.id, 1000 + i, at, at, 20 + 15 * Math.sin(i / 8) + (i % 7), (14 + 4 * Math.sin(i / 11)) * 2 ** 30, 64 * 2 ** 30, "[]", i % 5]);
    }
    await db.insertMany("metrics", ["device_id", "seq", "at", "received_at", "cpu_percent", "memory_used_bytes", "memory_total_bytes", "gpus", "pods"], samples, "error");
  } finally {
    await db.close();
  }

  return {
    registry,
    operatorWallet,
    ownerWallet,
    providerAddress: providerWallet.address,
    owner,
    operator,
    neighbour,
    labPc,
    denPc,
    miniPc,
    officePc,
    garageBox,
    waiting,
    stop: () => registry.stop(),
  };
}
