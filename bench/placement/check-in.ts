// bench/placement/check-in: a whole check-in as the registry runs it, on SQLite: the signed device is already
// verified, so this is the devices service's transaction — claim redemption, reinstall lookup, insert,
// placement among 100 regions with in-memory counts, history — and the answer with its session.
// The store holds 20,000 devices placed in those regions first.
//   ./node_modules/.bin/bun bench/placement/check-in.ts [--devices 2000] [--placed 20000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AccountsService } from "../../registry/accounts/service.ts";
import { SqlAccountsRepo } from "../../registry/accounts/sql-accounts-repo.ts";
import { parseRegistryConfig } from "../../registry/config/registry-config.ts";
import { DeviceSessions } from "../../registry/devices/device-sessions.ts";
import { DevicesService } from "../../registry/devices/service.ts";
import { SqlDevicesRepo } from "../../registry/devices/sql-devices-repo.ts";
import { checkInBody, testDeviceKey, testHardware } from "../../registry/devices/testing.ts";
import { claimsPortFor, regionsPortFor } from "../../registry/main.ts";
import { RegionDirectory } from "../../registry/regions/directory.ts";
import { openStore } from "../../registry/store/open-store.ts";

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : def;
};
const measured = arg("devices", 2000);
const preplaced = arg("placed", 20_000);
const OWNER = "akash10fqy6g2060uvrmyjfrwvu030e5mezhqn2nmmx9";

const yaml = `regions:\n${Array.from({ length: 100 }, (_, i) => `  - id: region-${i}
    name: Region ${i}
    locationRegion: na-us-west
    countries: [US]
    latitude: ${(i % 60) - 30}
    longitude: ${(i * 3.3) % 360 - 180}
    probeUrl: https://probe-${i}.example.org/
    kubeconfig: /dev/null
    headscale: { url: "https://hs-${i}.example.org", apiKeyFile: /dev/null }
    capacity: 250
`).join("")}`;
const config = parseRegistryConfig(yaml, "bench");
const regions = new RegionDirectory(config);

const dir = mkdtempSync(join(tmpdir(), "akash-home-checkin-bench-"));
const store = await openStore(`sqlite:${join(dir, "registry.db")}`);
const db = store.driver;
const accounts = new AccountsService(new SqlAccountsRepo(db), { registryHost: "bench", installCommand: (c) => c, maxOpenClaimCodes: measured + 10 });
const repo = new SqlDevicesRepo(db);

// Devices already placed, spread over the regions, written straight to the store.
await db.transaction(async (tx) => {
  const now = Date.now();
  for (let i = 0; i < preplaced; i++) {
    const id = `ah-pre${String(i).padStart(13, "0")}`;
    await repo.insert(
      { id, publicKey: `pre-${i}`, owner: OWNER, machineIdHash: `pre-${i}`, hostname: "pre", state: "online", stateReason: null, stateChangedAt: now, regionId: `region-${i % 100}`, waitlistArea: null, waitlistedAt: null, agentVersion: "1", hardware: JSON.stringify(testHardware()), bench: null, rtts: "[]", share: null, regionChoice: "auto", predecessorId: null, replacedBy: null, createdAt: now, updatedAt: now },
      tx,
    );
  }
});
const devices = new DevicesService({ db, repo, regions: regionsPortFor(regions, config), claims: claimsPortFor(accounts), sessions: new DeviceSessions(Buffer.alloc(32, 1)), heartbeatIntervalS: 15 });
await devices.load();

const codes: string[] = [];
for (let i = 0; i < measured; i++) codes.push((await accounts.createClaimCode(OWNER)).code);
const bodies = codes.map((code, i) => ({
  key: testDeviceKey(),
  body: checkInBody({ claimCode: code, machine: `bench-${i}`, rtts: Array.from({ length: 100 }, (_, r) => ({ regionId: `region-${r}`, rttMs: 5 + ((r * 7 + i) % 200), error: null })) }),
}));

const times: number[] = [];
for (const { key, body } of bodies) {
  const t0 = performance.now();
  await devices.checkIn({ deviceId: key.id, publicKey: key.publicKey }, body, { country: null });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(JSON.stringify({ checkIns: measured, preplaced, regions: 100, medianMs: +q(0.5).toFixed(3), p99Ms: +q(0.99).toFixed(3), maxMs: +times.at(-1)!.toFixed(3) }));
await db.close();
rmSync(dir, { recursive: true, force: true });
