// Crash safety of ingest: the registry process is killed with SIGKILL while devices send heartbeats; after
// a restart, every heartbeat that got a 2xx is in the store. On SQLite (WAL, synchronous=NORMAL) and on
// PostgreSQL, because an answer is only sent after the batch's transaction committed.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createDeviceRegistryClient, type DeviceRegistryClient, type Heartbeat } from "../../protocol/index.ts";
import { checkInBody, testDeviceKey } from "../../registry/devices/testing.ts";
import { openStore } from "../../registry/store/open-store.ts";
import { signInOwner } from "../support/owner-wallet.ts";
import { createDatabase } from "../support/postgres.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";

const running: RegistryProcess[] = [];
afterAll(async () => {
  for (const r of running) await r.stop();
});

function heartbeat(seq: number): Heartbeat {
  return { kind: "heartbeat", seq, at: new Date().toISOString(), paused: false, tailscale: { state: "absent", ip: null }, kubelet: { state: "absent" }, agentVersion: "1.0.0" };
}

async function crashDuringIngest(engine: "sqlite" | "postgres") {
  const pgUrl = engine === "postgres" ? await createDatabase() : undefined;
  const registry = await startRegistryProcess({ flags: ["--ip-rate", "0", "--device-rate", "0"], db: pgUrl });
  running.push(registry);
  const owner = await signInOwner(registry.url);
  // Eight devices sending at once, so the kill lands while batches are being committed.
  const devices: { client: DeviceRegistryClient; id: string; token: string; acked: number[] }[] = [];
  for (let i = 0; i < 8; i++) {
    const key = testDeviceKey();
    const client = createDeviceRegistryClient(registry.url, key);
    const res = await client.checkIn(checkInBody({ claimCode: await owner.claimCode(), machine: `crash-${engine}-${i}` }));
    devices.push({ client, id: key.id, token: res.session.token, acked: [] });
  }
  let killed = false;
  const senders = devices.map(async (d) => {
    for (let seq = 1; !killed; seq++) {
      try {
        await d.client.sendTelemetry(d.token, { records: [heartbeat(seq)] });
        d.acked.push(seq);
      } catch {
        return; // the registry is gone
      }
    }
  });
  await Bun.sleep(1500);
  await registry.kill();
  killed = true;
  await Promise.all(senders);
  const acked = devices.reduce((n, d) => n + d.acked.length, 0);
  expect(acked).toBeGreaterThan(100);

  await registry.restart();
  const store = await openStore(pgUrl ?? `sqlite:${join(registry.dir, "state", "registry.db")}`);
  try {
    for (const d of devices) {
      const rows = await store.driver.query<{ seq: number }>("SELECT seq FROM heartbeats WHERE device_id = $1", [d.id]);
      const stored = new Set(rows.map((r) => Number(r.seq)));
      const lost = d.acked.filter((s) => !stored.has(s));
      expect(lost).toEqual([]);
    }
  } finally {
    await store.driver.close();
  }
  // And the restarted registry takes the devices' heartbeats again, counting a resent one once.
  const d = devices[0]!;
  const last = d.acked.at(-1)!;
  const again = await d.client.sendTelemetry(d.token, { records: [heartbeat(last), heartbeat(last + 1000)] });
  expect(again).toMatchObject({ stored: 1, duplicates: 1 });
  return acked;
}

describe("SIGKILL during ingest", () => {
  test("SQLite: every acknowledged heartbeat survives", async () => {
    console.log(`sqlite: ${await crashDuringIngest("sqlite")} heartbeats acknowledged before the kill, none lost`);
  }, 60_000);
  test("PostgreSQL: every acknowledged heartbeat survives", async () => {
    console.log(`postgres: ${await crashDuringIngest("postgres")} heartbeats acknowledged before the kill, none lost`);
  }, 60_000);
});
