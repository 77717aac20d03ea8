// Device authentication against a real registry process, as an agent (or someone who captured its traffic)
// meets it: signed check-in, replays, clock skew, signatures over something else, the session credential a
// check-in returns — tampered or expired — and idempotent telemetry by (device, seq).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DEVICE_AUTH_HEADERS, REGISTRY_API, type CheckInResponse, type DeviceView, type TelemetryAck } from "../../protocol/index.ts";
import { DeviceSessions } from "../../registry/devices/device-sessions.ts";
import { signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { checkIn, checkInRequest, heartbeat, metrics, newDevice, sessionFetch, signFor, signedFetch } from "./support/device-requests.ts";

let registry: RegistryProcess;
let owner: TestOwner;

beforeAll(async () => {
  registry = await startRegistryProcess({ flags: ["--ip-rate", "0", "--device-rate", "0"] });
  owner = await signInOwner(registry.url);
}, 30_000);

afterAll(async () => {
  await registry?.stop();
}, 30_000);

const encoder = new TextEncoder();

async function refusal(res: Response): Promise<{ status: number; code: string; fix?: string }> {
  const body = (await res.json()) as { error: { code: string; fix?: string } };
  return { status: res.status, code: body.error.code, fix: body.error.fix };
}

describe("signed requests", () => {
  test("a correctly signed check-in registers the device under the claim code's owner and returns a session", async () => {
    const device = newDevice();
    const res = await signedFetch(registry.url, device, "POST", REGISTRY_API.checkIn, checkInRequest(device, await owner.claimCode()));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as CheckInResponse;
    expect(answer.device).toMatchObject({ deviceId: device.key.id, owner: owner.address, state: "assigned", region: { id: "test-west" } });
    expect(Date.parse(answer.session.expiresAt)).toBeGreaterThan(Date.now());
  });

  test("the same signed request sent again (same nonce) is refused as a replay, also after a registry restart", async () => {
    const device = newDevice();
    const body = encoder.encode(JSON.stringify(checkInRequest(device, await owner.claimCode())));
    const headers = { "content-type": "application/json", ...(await signFor(device, "POST", REGISTRY_API.checkIn, body)) };
    const send = () => fetch(registry.url + REGISTRY_API.checkIn, { method: "POST", headers, body });
    expect((await send()).status).toBe(200);
    expect(await refusal(await send())).toMatchObject({ status: 401, code: "replay" });
    await registry.kill();
    await registry.restart();
    expect(await refusal(await send())).toMatchObject({ status: 401, code: "replay" });
  }, 30_000);

  test("a request signed 6 minutes ago or 6 minutes ahead is refused for clock skew; 4 minutes either way is accepted", async () => {
    const device = newDevice();
    await checkIn(registry.url, device, await owner.claimCode());
    const minute = 60_000;
    for (const offset of [-6 * minute, 6 * minute]) {
      const res = await signedFetch(registry.url, device, "POST", REGISTRY_API.deviceSession, undefined, { now: Date.now() + offset });
      const r = await refusal(res);
      expect(r).toMatchObject({ status: 401, code: "clock_skew" });
      expect(r.fix).toContain("clock");
    }
    for (const offset of [-4 * minute, 4 * minute]) {
      expect((await signedFetch(registry.url, device, "POST", REGISTRY_API.deviceSession, undefined, { now: Date.now() + offset })).status).toBe(200);
    }
  });

  test("a signature over another body, another path or by another key is refused as bad_signature", async () => {
    const device = newDevice();
    const code = await owner.claimCode();
    const request = checkInRequest(device, code);
    const otherBody = encoder.encode(JSON.stringify({ ...request, hostname: "someone-else" }));
    const overOtherBody = await signedFetch(registry.url, device, "POST", REGISTRY_API.checkIn, request, { signedBody: otherBody });
    expect(await refusal(overOtherBody)).toMatchObject({ status: 401, code: "bad_signature" });
    const overOtherPath = await signedFetch(registry.url, device, "POST", REGISTRY_API.checkIn, request, { signedPath: REGISTRY_API.deviceSession });
    expect(await refusal(overOtherPath)).toMatchObject({ status: 401, code: "bad_signature" });
    const stranger = newDevice();
    const strangersSignature = await signFor(stranger, "POST", REGISTRY_API.checkIn, encoder.encode(JSON.stringify(request)));
    const byAnotherKey = await signedFetch(registry.url, device, "POST", REGISTRY_API.checkIn, request, {
      headers: { ...strangersSignature, [DEVICE_AUTH_HEADERS.key]: device.key.publicKey },
    });
    expect(await refusal(byAnotherKey)).toMatchObject({ status: 401, code: "bad_signature" });
    // None of those spent the claim code: the device itself can still use it.
    expect((await checkIn(registry.url, device, code)).device.owner).toBe(owner.address);
  });

  test("a refused signature does not spend its nonce, so nobody without the key can burn a device's nonces", async () => {
    const device = newDevice();
    await checkIn(registry.url, device, await owner.claimCode());
    const good = await signFor(device, "POST", REGISTRY_API.deviceSession, new Uint8Array(0));
    const forged = { ...good, [DEVICE_AUTH_HEADERS.signature]: Buffer.alloc(64, 1).toString("base64url") };
    expect(await refusal(await signedFetch(registry.url, device, "POST", REGISTRY_API.deviceSession, undefined, { headers: forged }))).toMatchObject({ status: 401, code: "bad_signature" });
    expect((await signedFetch(registry.url, device, "POST", REGISTRY_API.deviceSession, undefined, { headers: good })).status).toBe(200);
  });

  test("a request without the signature headers, or with a key that is not 32 bytes, says what to send", async () => {
    const unsigned = await fetch(registry.url + REGISTRY_API.deviceSession, { method: "POST" });
    const r = await refusal(unsigned);
    expect(r).toMatchObject({ status: 401, code: "unsigned" });
    expect(r.fix).toContain(DEVICE_AUTH_HEADERS.signature);
    const device = newDevice();
    const headers = { ...(await signFor(device, "POST", REGISTRY_API.deviceSession, new Uint8Array(0))), [DEVICE_AUTH_HEADERS.key]: Buffer.alloc(31).toString("base64url") };
    expect(await refusal(await signedFetch(registry.url, device, "POST", REGISTRY_API.deviceSession, undefined, { headers }))).toMatchObject({ status: 401, code: "bad_key" });
  });
});

describe("device sessions", () => {
  let device: ReturnType<typeof newDevice>;
  let session: string;

  beforeAll(async () => {
    device = newDevice();
    session = (await checkIn(registry.url, device, await owner.claimCode())).session.token;
  });

  test("the session from check-in reads the device's own view and sends telemetry", async () => {
    const self = await sessionFetch(registry.url, session, "GET", REGISTRY_API.deviceSelf);
    expect(self.status).toBe(200);
    expect((await self.json()) as DeviceView).toMatchObject({ deviceId: device.key.id, owner: owner.address, region: { id: "test-west" } });
    const sent = await sessionFetch(registry.url, session, "POST", REGISTRY_API.telemetry, { records: [heartbeat(1), metrics(2)] });
    expect(sent.status).toBe(200);
    expect((await sent.json()) as TelemetryAck).toMatchObject({ stored: 2, duplicates: 0, state: "online" });
  });

  test("a session obtained by a signed request to /devices/session works the same", async () => {
    const res = await signedFetch(registry.url, device, "POST", REGISTRY_API.deviceSession);
    const fresh = ((await res.json()) as { token: string }).token;
    expect((await sessionFetch(registry.url, fresh, "GET", REGISTRY_API.deviceSelf)).status).toBe(200);
  });

  test("a tampered session is refused with 401: another device id, a changed expiry, a changed MAC, another scheme", async () => {
    const [tag, id, expiry, mac] = session.split(".") as [string, string, string, string];
    const other = newDevice();
    const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.slice(-1);
    for (const token of [`${tag}.${other.key.id}.${expiry}.${mac}`, `${tag}.${id}.${Number(expiry) + 3_600_000}.${mac}`, `${tag}.${id}.${expiry}.${flip(mac)}`, `${tag}.${id}.${expiry}`, "", "ds1....."]) {
      for (const [method, path, body] of [["GET", REGISTRY_API.deviceSelf, undefined], ["POST", REGISTRY_API.telemetry, { records: [heartbeat(99)] }]] as const) {
        expect(await refusal(await sessionFetch(registry.url, token, method, path, body))).toMatchObject({ status: 401, code: "session_invalid" });
      }
    }
    const bearer = await fetch(registry.url + REGISTRY_API.deviceSelf, { headers: { authorization: `Bearer ${session}` } });
    expect(await refusal(bearer)).toMatchObject({ status: 401, code: "session_invalid" });
  });

  test("an expired session is refused with 401, though its MAC is the registry's own", async () => {
    // Mint one with the registry's secret, as the registry would have 31 minutes ago.
    const db = new Database(join(registry.dir, "state", "registry.db"), { readonly: true });
    const row = db.query<{ value: string }, []>("SELECT value FROM registry_meta WHERE key = 'device_session_secret'").get();
    db.close();
    const sessions = new DeviceSessions(Buffer.from(row!.value, "base64url"));
    const genuine = sessions.issue(device.key.id, Date.now());
    expect((await sessionFetch(registry.url, genuine.token, "GET", REGISTRY_API.deviceSelf)).status).toBe(200);
    const expired = sessions.issue(device.key.id, Date.now() - 31 * 60_000);
    expect(Date.parse(expired.expiresAt)).toBeLessThan(Date.now());
    for (const [method, path, body] of [["GET", REGISTRY_API.deviceSelf, undefined], ["POST", REGISTRY_API.telemetry, { records: [heartbeat(100)] }]] as const) {
      const r = await refusal(await sessionFetch(registry.url, expired.token, method, path, body));
      expect(r).toMatchObject({ status: 401, code: "session_invalid" });
      expect(r.fix).toContain(REGISTRY_API.deviceSession);
    }
  });
});

describe("telemetry is idempotent by (device, seq)", () => {
  test("a batch that repeats a seq is refused with 400 and stores nothing", async () => {
    const device = newDevice();
    const session = (await checkIn(registry.url, device, await owner.claimCode())).session.token;
    const res = await sessionFetch(registry.url, session, "POST", REGISTRY_API.telemetry, { records: [heartbeat(1), metrics(2), heartbeat(2)] });
    const r = await refusal(res);
    expect(r).toMatchObject({ status: 400, code: "duplicate_seq" });
    // Nothing of it went in: sent again without the repeat, all of it is new.
    const ok = await sessionFetch(registry.url, session, "POST", REGISTRY_API.telemetry, { records: [heartbeat(1), metrics(2)] });
    expect((await ok.json()) as TelemetryAck).toMatchObject({ stored: 2, duplicates: 0 });
  });

  test("the same batch sent twice is stored once: the second answer is stored 0, duplicates n", async () => {
    const device = newDevice();
    const session = (await checkIn(registry.url, device, await owner.claimCode())).session.token;
    const batch = { records: [heartbeat(10), metrics(11), heartbeat(12), metrics(13), heartbeat(14)] };
    const first = (await (await sessionFetch(registry.url, session, "POST", REGISTRY_API.telemetry, batch)).json()) as TelemetryAck;
    expect(first).toMatchObject({ stored: 5, duplicates: 0 });
    const second = (await (await sessionFetch(registry.url, session, "POST", REGISTRY_API.telemetry, batch)).json()) as TelemetryAck;
    expect(second).toMatchObject({ stored: 0, duplicates: 5 });
    // A batch overlapping the stored ones stores only what is new.
    const overlap = (await (await sessionFetch(registry.url, session, "POST", REGISTRY_API.telemetry, { records: [heartbeat(14), heartbeat(15)] })).json()) as TelemetryAck;
    expect(overlap).toMatchObject({ stored: 1, duplicates: 1 });
    // The registry's counter agrees: every record counted once.
    const text = await (await fetch(registry.url + REGISTRY_API.metrics)).text();
    expect(Number(/^akash_home_telemetry_duplicates_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(6);
  });
});
