import { describe, expect, test } from "bun:test";
import type { RegionRtt } from "../../protocol/index.ts";
import { describeEachEngine } from "../../tests/support/engines.ts";
import { PublicError } from "../public-error.ts";
import type { SqlExecutor } from "../store/sql-driver.ts";
import { DeviceSessions } from "./device-sessions.ts";
import { DevicesService, type ClaimOutcome, type PlacementOutcome, type RegionsPort } from "./service.ts";
import { SqlDevicesRepo } from "./sql-devices-repo.ts";
import { checkInBody, testDeviceKey } from "./testing.ts";

// Claim codes as the accounts domain answers them: single use, bound to the machine that used them.
function fakeClaims() {
  const codes = new Map<string, { owner: string; usedBy: string | null; expired?: boolean }>();
  return {
    codes,
    port: {
      async redeem(code: string, device: { deviceId: string; machineIdHash: string }, _ex: SqlExecutor): Promise<ClaimOutcome> {
        const c = codes.get(code);
        if (!c) return { ok: false, reason: "unknown", sameMachine: false, owner: null };
        if (c.expired) return { ok: false, reason: "expired", sameMachine: false, owner: c.owner };
        if (c.usedBy) return { ok: false, reason: "used", sameMachine: c.usedBy === device.machineIdHash, owner: c.owner };
        c.usedBy = device.machineIdHash;
        return { ok: true, owner: c.owner };
      },
    },
  };
}

// Two regions: r1 open with room for 2, r2 needs approval. RTT above 100 ms means "too far".
function fakeRegions(): RegionsPort {
  const regions = { r1: { id: "r1", name: "Region One", locationRegion: "na-us-west", capacity: 2, admission: "open" }, r2: { id: "r2", name: "Region Two", locationRegion: "eu-central", capacity: 5, admission: "approval" } } as const;
  return {
    place({ rtts, choice, placed }): PlacementOutcome {
      const usable = rtts.filter((r: RegionRtt) => r.rttMs !== null && r.rttMs <= 100 && (choice === "auto" || r.regionId === choice)).sort((a, b) => a.rttMs! - b.rttMs!);
      for (const r of usable) {
        const region = regions[r.regionId as keyof typeof regions];
        if (!region || (placed.get(region.id) ?? 0) >= region.capacity) continue;
        return { kind: region.admission === "open" ? "assigned" : "pending_approval", regionId: region.id, why: `nearest at ${r.rttMs} ms` };
      }
      return { kind: "waitlisted", area: "US", reason: "every region within 100 ms is full" };
    },
    region: (id) => regions[id as keyof typeof regions] ?? null,
    threshold: () => 3,
  };
}

describeEachEngine("devices service", (db) => {
  let clock = 1_700_000_000_000;
  const setup = async () => {
    await db().run("DELETE FROM devices");
    await db().run("DELETE FROM device_events");
    const claims = fakeClaims();
    const service = new DevicesService({ db: db(), repo: new SqlDevicesRepo(db()), regions: fakeRegions(), claims: claims.port, sessions: new DeviceSessions(Buffer.alloc(32, 7)), heartbeatIntervalS: 15, now: () => clock });
    await service.load();
    for (let i = 1; i <= 9; i++) claims.codes.set(`CODE-000${i}`, { owner: i <= 6 ? "akash1alice" : "akash1bob", usedBy: null });
    return { service, claims };
  };
  const asSigned = (k: { id: string; publicKey: string }) => ({ deviceId: k.id, publicKey: k.publicKey });

  test("a new device with a valid code is placed in the nearest region with room and gets a session", async () => {
    const { service } = await setup();
    const key = testDeviceKey();
    const res = await service.checkIn(asSigned(key), checkInBody(), { country: null });
    expect(res.device).toMatchObject({ deviceId: key.id, owner: "akash1alice", state: "assigned", region: { id: "r1" }, waitlist: null });
    expect(res.session.token.startsWith("ds1.")).toBe(true);
    expect(service.stateOf(key.id)).toBe("assigned");
  });

  test("a new device without a claim code, or with an unknown or used one, is refused with what to do", async () => {
    const { service } = await setup();
    const refusal = async (body: Parameters<typeof checkInBody>[0]) => service.checkIn(asSigned(testDeviceKey()), checkInBody(body), { country: null }).then(() => null, (e: PublicError) => e.code);
    expect(await refusal({ claimCode: null })).toBe("claim_required");
    expect(await refusal({ claimCode: "NOPE-NOPE" })).toBe("claim_code_unknown");
    await service.checkIn(asSigned(testDeviceKey()), checkInBody({ claimCode: "CODE-0002", machine: "a" }), { country: null });
    expect(await refusal({ claimCode: "CODE-0002", machine: "b" })).toBe("claim_code_used");
  });

  test("a full region waitlists devices with increasing positions, and a freed place promotes the oldest", async () => {
    const { service } = await setup();
    const keys = [1, 2, 3, 4].map(() => testDeviceKey());
    const views = [];
    for (const [i, k] of keys.entries()) {
      clock += 1000;
      views.push((await service.checkIn(asSigned(k), checkInBody({ claimCode: `CODE-000${i + 1}`, machine: `m${i}` }), { country: null })).device);
    }
    expect(views.map((v) => v.state)).toEqual(["assigned", "assigned", "waitlisted", "waitlisted"]);
    expect(views[2]!.waitlist).toMatchObject({ area: "US", position: 1, threshold: 3 });
    expect(views[3]!.waitlist).toMatchObject({ area: "US", position: 2, waiting: 2 });
    expect((await service.waitlistAreas())[0]).toMatchObject({ area: "US", waiting: 2, readyToBootstrap: false });
    // Reinstalling device 0's machine with a new key retires the old record; the new key takes its place
    // ahead of the queue, because the place belonged to that machine.
    const reinstalled = testDeviceKey();
    clock += 1000;
    const re = await service.checkIn(asSigned(reinstalled), checkInBody({ claimCode: "CODE-0001", machine: "m0" }), { country: null });
    expect(re.device).toMatchObject({ state: "assigned", region: { id: "r1" }, replaces: keys[0]!.id });
    expect((await service.self(keys[0]!.id)).state).toBe("removed");
    expect(await service.promoteWaitlisted()).toBe(0);
  });

  test("when a region gains room, waiting devices are promoted oldest first", async () => {
    const { service } = await setup();
    const keys = [1, 2, 3, 4].map(() => testDeviceKey());
    for (const [i, k] of keys.entries()) {
      clock += 1000;
      await service.checkIn(asSigned(k), checkInBody({ claimCode: `CODE-000${i + 1}`, machine: `p${i}` }), { country: null });
    }
    // The second device's machine is re-claimed by another owner, which retires its record and frees its place.
    clock += 1000;
    await service.checkIn(asSigned(testDeviceKey()), checkInBody({ claimCode: "CODE-0007", machine: "p1", rtts: [] }), { country: null });
    expect(service.stateOf(keys[1]!.id)).toBe("removed");
    expect(await service.promoteWaitlisted()).toBe(1);
    expect(service.stateOf(keys[2]!.id)).toBe("assigned");
    expect((await service.self(keys[3]!.id)).waitlist).toMatchObject({ position: 1 });
  });

  test("a reinstall (same machine and owner, new key) replaces the old record on purpose; a cloned key on another machine is refused", async () => {
    const { service } = await setup();
    const first = testDeviceKey();
    await service.checkIn(asSigned(first), checkInBody({ claimCode: "CODE-0001", machine: "home" }), { country: null });
    const second = testDeviceKey();
    const res = await service.checkIn(asSigned(second), checkInBody({ claimCode: "CODE-0003", machine: "home" }), { country: null });
    expect(res.device.replaces).toBe(first.id);
    expect((await service.ownerDevices("akash1alice")).map((d) => d.deviceId)).toEqual([second.id]);
    const clone = await service.checkIn(asSigned(second), checkInBody({ claimCode: null, machine: "other" }), { country: null }).catch((e: PublicError) => e);
    expect(clone).toBeInstanceOf(PublicError);
    expect((clone as PublicError).code).toBe("device_key_copied");
    // The original machine still checks in fine.
    expect((await service.checkIn(asSigned(second), checkInBody({ claimCode: null, machine: "home" }), { country: null })).device.state).toBe("assigned");
  });

  test("an approval region keeps devices pending until an operator approves", async () => {
    const { service } = await setup();
    const key = testDeviceKey();
    const res = await service.checkIn(asSigned(key), checkInBody({ rtts: [{ regionId: "r2", rttMs: 10, error: null }] }), { country: null });
    expect(res.device).toMatchObject({ state: "pending_approval", region: { id: "r2" } });
    const approved = await service.approve(key.id, "akash1operator");
    expect(approved.state).toBe("assigned");
    const again = await service.approve(key.id, "akash1operator").catch((e: PublicError) => e.code);
    expect(again).toBe("not_pending");
  });

  test("a transaction that fails changes neither the store nor what the registry holds in memory", async () => {
    const { service } = await setup();
    const key = testDeviceKey();
    await service.checkIn(asSigned(key), checkInBody({ rtts: [{ regionId: "r2", rttMs: 10, error: null }] }), { country: null });
    const failingAudit = async () => {
      throw new Error("audit store down");
    };
    await expect(service.approve(key.id, "akash1operator", failingAudit)).rejects.toThrow("audit store down");
    expect(service.stateOf(key.id)).toBe("pending_approval");
    expect((await service.self(key.id)).state).toBe("pending_approval");
    expect((await service.placedCounts()).get("r2") ?? 0).toBe(0);
    await service.approve(key.id, "akash1operator");
    expect((await service.placedCounts()).get("r2")).toBe(1);
  });

  test("the per-region counts held in memory always match the store", async () => {
    const { service } = await setup();
    for (let i = 1; i <= 5; i++) {
      clock += 1000;
      await service.checkIn(asSigned(testDeviceKey()), checkInBody({ claimCode: `CODE-000${i}`, machine: `c${i}` }), { country: null });
    }
    // A reinstall frees one place and takes it again in the same transaction.
    await service.checkIn(asSigned(testDeviceKey()), checkInBody({ claimCode: "CODE-0006", machine: "c1" }), { country: null });
    await service.promoteWaitlisted();
    expect(await service.placedCounts()).toEqual(await new SqlDevicesRepo(db()).placedCounts());
    expect((await service.placedCounts()).get("r1")).toBe(2);
  });

  test("heartbeats move a placed device online, their absence offline, and a pause is followed", async () => {
    const { service } = await setup();
    const key = testDeviceKey();
    await service.checkIn(asSigned(key), checkInBody(), { country: null });
    await service.presence({ deviceId: key.id, presence: "online", at: clock });
    expect(service.stateOf(key.id)).toBe("online");
    await service.reportedPause(key.id, true);
    expect(service.stateOf(key.id)).toBe("paused");
    await service.presence({ deviceId: key.id, presence: "offline", at: clock });
    expect(service.stateOf(key.id)).toBe("paused");
    await service.reportedPause(key.id, false);
    await service.presence({ deviceId: key.id, presence: "offline", at: clock });
    expect(service.stateOf(key.id)).toBe("offline");
    const events = await db().query<{ to_state: string }>("SELECT to_state FROM device_events WHERE device_id = $1 ORDER BY id", [key.id]);
    expect(events.map((e) => e.to_state)).toEqual(["assigned", "online", "paused", "online", "offline"]);
  });

  test("a heartbeat's 'not paused' lifts only a pause made on the device: a portal pause stays, and the device's own resume lifts it", async () => {
    const { service } = await setup();
    const key = testDeviceKey();
    await service.checkIn(asSigned(key), checkInBody(), { country: null });
    await service.presence({ deviceId: key.id, presence: "online", at: clock });
    await service.pauseFor(key.id, true, "paused by its owner in the portal");
    await service.reportedPause(key.id, false);
    expect(service.stateOf(key.id)).toBe("paused");
    expect((await service.setPaused(key.id, false)).state).toBe("online");
  });

  test("a heartbeat from a device that has since left changes nothing and does not fail", async () => {
    const { service } = await setup();
    const key = testDeviceKey();
    await service.checkIn(asSigned(key), checkInBody(), { country: null });
    await service.presence({ deviceId: key.id, presence: "online", at: clock });
    await service.reportedPause(key.id, true);
    await service.remove(key.id, "left its region");
    await service.reportedPause(key.id, false);
    await service.reportedPause(key.id, true);
    expect(service.stateOf(key.id)).toBe("removed");
  });

  test("at start-up, an online device telemetry has not heard from goes offline, and one it has goes online", async () => {
    const { service } = await setup();
    const [a, b] = [testDeviceKey(), testDeviceKey()];
    await service.checkIn(asSigned(a), checkInBody({ claimCode: "CODE-0001", machine: "ra" }), { country: null });
    await service.checkIn(asSigned(b), checkInBody({ claimCode: "CODE-0002", machine: "rb" }), { country: null });
    await service.presence({ deviceId: a.id, presence: "online", at: clock });
    expect(await service.reconcilePresence(new Set([b.id]), clock)).toBe(2);
    expect([service.stateOf(a.id), service.stateOf(b.id)]).toEqual(["offline", "online"]);
    expect(await service.reconcilePresence(new Set([b.id]), clock)).toBe(0);
  });

  test("a removed device returns only with a new claim code, under that code's owner", async () => {
    const { service } = await setup();
    const key = testDeviceKey();
    await service.checkIn(asSigned(key), checkInBody({ machine: "x" }), { country: null });
    const replacement = testDeviceKey();
    await service.checkIn(asSigned(replacement), checkInBody({ claimCode: "CODE-0002", machine: "x" }), { country: null });
    expect(service.stateOf(key.id)).toBe("removed");
    const noCode = await service.checkIn(asSigned(key), checkInBody({ claimCode: null, machine: "x" }), { country: null }).catch((e: PublicError) => e.code);
    expect(noCode).toBe("claim_required");
    const back = await service.checkIn(asSigned(key), checkInBody({ claimCode: "CODE-0007", machine: "x" }), { country: null });
    expect(back.device).toMatchObject({ owner: "akash1bob", state: "assigned" });
  });
});

describe("device sessions", () => {
  test("a session is accepted until it expires and refused when tampered with or signed by another secret", () => {
    const sessions = new DeviceSessions(Buffer.alloc(32, 1), 60_000);
    const { token } = sessions.issue("ah-abc", 1000);
    expect(sessions.verify(token, 2000)).toBe("ah-abc");
    expect(sessions.verify(token, 61_001)).toBeNull();
    expect(sessions.verify(token.replace("ah-abc", "ah-abd"), 2000)).toBeNull();
    expect(new DeviceSessions(Buffer.alloc(32, 2)).verify(token, 2000)).toBeNull();
    expect(sessions.verify("garbage", 2000)).toBeNull();
  });
});
