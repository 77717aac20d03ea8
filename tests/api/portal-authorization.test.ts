// Who may see and do what in the portals, against a real registry process, through both doors (the JSON
// API and the HTML pages with their forms): an owner sees only their own devices, an operator only the
// regions they operate, every admin action is refused without the role (and changes nothing), and every
// admin action taken with the role is in the audit log with who, where and why. Also: the public provider
// and network answers are cacheable, page forms refuse other sites, expired sessions go back to sign-in,
// and markup in device names reaches the pages as text.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { ErrorEnvelope, NetworkStats, ProviderAttributes, ProviderInfo, REGISTRY_API, type AuditLog, type DeviceActionOutcome, type DeviceDetail, type OperatorOffer, type OwnerDeviceList, type RegionOverviewList } from "../../protocol/index.ts";
import { newOwnerWallet, signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";
import { PLACES, region, registryConfigYaml, UNCONNECTED } from "../support/regions-config.ts";
import { checkIn, heartbeat, newDevice, sessionFetch } from "./support/device-requests.ts";

const MARKUP = `<img src=x onerror=alert(1)>`;

function regionsYaml(admin: string, provider: string): string {
  return registryConfigYaml({
    admins: [admin],
    waitlistThreshold: 3,
    regions: [
      region("west", "West", PLACES.west, { ...UNCONNECTED, admission: "open", providerAddress: provider }),
      region("east", "East", PLACES.east, { ...UNCONNECTED, admission: "approval" }),
      region("north", "North", PLACES.north, { status: "planned", firstUserBootstraps: true }),
    ],
  });
}

let registry: RegistryProcess;
let global: TestOwner;
let northOp: TestOwner;
let alice: TestOwner;
let bob: TestOwner;
let provider: string;
const ids: Record<string, string> = {};

const page = (who: TestOwner | null, path: string, init: RequestInit = {}) =>
  fetch(registry.url + path, { redirect: "manual", ...init, headers: { accept: "text/html", ...(who ? { cookie: who.cookie } : {}), ...(init.headers as Record<string, string>) } });
const form = (who: TestOwner | null, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  page(who, path, { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin", ...headers } });

async function envelope(res: Response) {
  expect(res.headers.get("content-type")).toStartWith("application/json");
  return { status: res.status, ...v.parse(ErrorEnvelope, await res.json()).error };
}

async function stateOf(owner: TestOwner, id: string): Promise<string | undefined> {
  const { devices } = (await (await owner.call("GET", REGISTRY_API.ownerDevices)).json()) as OwnerDeviceList;
  return devices.find((d) => d.deviceId === id)?.state;
}

async function auditEntries(): Promise<AuditLog["entries"]> {
  return ((await (await global.call("GET", REGISTRY_API.adminAudit)).json()) as AuditLog).entries;
}

beforeAll(async () => {
  const [g, p] = await Promise.all([newOwnerWallet(), newOwnerWallet()]);
  provider = p.address;
  registry = await startRegistryProcess({ regionsYaml: regionsYaml(g.address, provider), flags: ["--ip-rate", "0", "--device-rate", "0", "--offline-grace", "3600"] });
  global = await signInOwner(registry.url, g);
  [northOp, alice, bob] = await Promise.all([signInOwner(registry.url), signInOwner(registry.url), signInOwner(registry.url)]);
  // northOp becomes North's operator the way a first user does: an offer, accepted.
  const offer = (await (await global.call("POST", REGISTRY_API.adminOperatorOffers.replace(":id", "north"), { owner: northOp.address })).json()) as OperatorOffer;
  expect((await northOp.call("POST", `${REGISTRY_API.operatorOffers}/${offer.id}/accept`)).status).toBe(200);
  // Re-sign in so the session carries the new role.
  const enrol = async (who: TestOwner, name: string, over: Parameters<typeof checkIn>[3] = {}) => {
    const device = newDevice();
    const answer = await checkIn(registry.url, device, await who.claimCode(), { hostname: name, rtts: [{ regionId: "west", rttMs: 12, error: null }], ...over });
    ids[name] = device.key.id;
    return answer.session.token;
  };
  const aliceWest = await enrol(alice, `alice-west ${MARKUP}`);
  ids.aliceWest = ids[`alice-west ${MARKUP}`]!;
  await enrol(alice, "alice-east", { regionChoice: "east" });
  const bobWest = await enrol(bob, "bob-west");
  await enrol(bob, "bob-east-1", { regionChoice: "east" });
  await enrol(bob, "bob-east-2", { regionChoice: "east" });
  await enrol(bob, "bob-west-2");
  for (const s of [aliceWest, bobWest]) expect((await sessionFetch(registry.url, s, "POST", REGISTRY_API.telemetry, { records: [heartbeat(1)] })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await registry?.stop();
});

describe("owners see only their own devices", () => {
  test("the JSON detail and actions of another owner's device answer 404, as for a device that does not exist", async () => {
    expect((await alice.call("GET", REGISTRY_API.ownerDevice.replace(":id", ids.aliceWest!))).status).toBe(200);
    const detail = (await (await alice.call("GET", REGISTRY_API.ownerDevice.replace(":id", ids.aliceWest!))).json()) as DeviceDetail;
    expect(detail.device.owner).toBe(alice.address);
    const theirs = await alice.call("GET", REGISTRY_API.ownerDevice.replace(":id", ids["bob-west"]!));
    const missing = await alice.call("GET", REGISTRY_API.ownerDevice.replace(":id", "ah-doesnotexist00"));
    expect(await envelope(theirs)).toMatchObject({ status: 404, code: "device_unknown" });
    expect((await envelope(missing)).status).toBe(404);
    for (const action of ["pause", "resume", "remove"]) {
      const res = await alice.call("POST", REGISTRY_API.ownerDeviceAction.replace(":id", ids["bob-west"]!).replace(":action", action));
      expect(await envelope(res)).toMatchObject({ status: 404, code: "device_unknown" });
    }
    expect(await stateOf(bob, ids["bob-west"]!)).toBe("online");
  });

  test("the device list page shows only the signed-in owner's devices, names with markup as text", async () => {
    const html = await (await page(alice, "/portal")).text();
    expect(html).toContain("alice-east");
    expect(html).not.toContain("bob-west");
    expect(html).not.toContain(MARKUP);
    expect(html).toContain("alice-west &lt;img src=x onerror=alert(1)&gt;");
  });

  test("another owner's device page and its forms answer 404 and change nothing", async () => {
    expect((await page(alice, `/portal/devices/${ids["bob-west"]}`)).status).toBe(404);
    expect((await form(alice, `/portal/devices/${ids["bob-west"]}/pause`, {})).status).toBe(404);
    expect(await stateOf(bob, ids["bob-west"]!)).toBe("online");
  });

  test("an owner's pause through the API is done and recorded under the owner", async () => {
    const out = (await (await bob.call("POST", REGISTRY_API.ownerDeviceAction.replace(":id", ids["bob-west-2"]!).replace(":action", "pause"))).json()) as DeviceActionOutcome;
    expect(out).toMatchObject({ state: "paused", cluster: { configured: false } });
    expect(await auditEntries()).toContainEqual(expect.objectContaining({ actor: bob.address, action: "owner.device.pause", target: ids["bob-west-2"], regionId: "west" }));
  });

  test("a bulk resume acts on the owner's ticked devices only; another owner's id, and a device not paused, are left as they are and counted", async () => {
    const body = new URLSearchParams([["action", "resume"], ["back", "/portal?state=all"], ["device", ids["bob-west-2"]!], ["device", ids["bob-west"]!], ["device", ids.aliceWest!]]);
    const res = await page(bob, "/portal/bulk-action", { method: "POST", body: body.toString(), headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" } });
    expect(res.status).toBe(303);
    const back = res.headers.get("location")!;
    expect(back).toBe("/portal?state=all&done=bulk-resume&ok=1&skipped=2");
    // Resumed, bob-west-2 is offline: it has never sent a heartbeat.
    expect([await stateOf(bob, ids["bob-west-2"]!), await stateOf(bob, ids["bob-west"]!), await stateOf(alice, ids.aliceWest!)]).toEqual(["offline", "online", "online"]);
    expect(await auditEntries()).toContainEqual(expect.objectContaining({ actor: bob.address, action: "owner.device.resume", target: ids["bob-west-2"] }));
    expect((await auditEntries()).some((e) => e.target === ids.aliceWest && e.actor === bob.address)).toBe(false);
    const html = await (await page(bob, back)).text();
    expect(html).toContain("Resumed 1 device. 2 devices left as they were: only a paused device can be resumed.");
    // A form from another site, or with nothing ticked, changes nothing.
    const crossSite = await page(bob, "/portal/bulk-action", { method: "POST", body: body.toString(), headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect((await form(bob, "/portal/bulk-action", { action: "pause" })).status).toBe(400);
    expect(await stateOf(bob, ids["bob-west-2"]!)).toBe("offline");
  });
});

describe("operators see only the regions they operate", () => {
  test("a regional operator's region list and pages hold their region only", async () => {
    const mine = (await (await northOp.call("GET", REGISTRY_API.adminRegions)).json()) as RegionOverviewList;
    expect(mine.regions.map((r) => r.id)).toEqual(["north"]);
    const all = (await (await global.call("GET", REGISTRY_API.adminRegions)).json()) as RegionOverviewList;
    expect(all.regions.map((r) => r.id)).toEqual(["west", "east", "north"]);
    expect(await envelope(await northOp.call("GET", REGISTRY_API.adminRegionDevices.replace(":id", "west")))).toMatchObject({ status: 403, code: "not_operator" });
    expect((await page(northOp, "/admin/regions/west")).status).toBe(403);
    expect((await page(northOp, "/admin/regions/north")).status).toBe(200);
    const overview = await (await page(northOp, "/admin")).text();
    expect(overview).toContain("North");
    expect(overview).not.toContain(">West<");
    expect((await page(northOp, "/admin/audit?region=west")).status).toBe(403);
  });

  test("an operator opens the page of a device in their region, without the owner's controls or earnings; another region's operator may not", async () => {
    const html = await (await page(global, `/portal/devices/${ids["bob-west-2"]}`)).text();
    expect(html).toContain("bob-west-2");
    expect(html).not.toContain("Remove from the network");
    expect(html).not.toContain('id="dev-earn-title"');
    expect((await page(northOp, `/portal/devices/${ids["bob-west-2"]}`)).status).toBe(404);
  });

  test("an owner without a role is refused the admin portal and the operator API", async () => {
    expect((await page(alice, "/admin")).status).toBe(403);
    expect(await envelope(await alice.call("GET", REGISTRY_API.adminRegions))).toMatchObject({ status: 403, code: "not_operator" });
  });
});

describe("admin actions", () => {
  const ACTIONS = ["approve", "pause", "resume", "drain", "remove", "ban"] as const;
  const apiPath = (id: string, action: string) => (action === "approve" ? REGISTRY_API.adminApprove.replace(":id", id) : REGISTRY_API.adminDeviceAction.replace(":id", id).replace(":action", action));

  test("every action is refused without the role — to an owner, and to an operator of another region — by the API and by the page, and changes nothing", async () => {
    const before = (await auditEntries()).length;
    for (const who of [alice, northOp]) {
      for (const action of ACTIONS) {
        for (const target of [ids["bob-west"]!, ids["bob-east-1"]!]) {
          const api = await who.call("POST", apiPath(target, action), { reason: "not mine to do" });
          expect(await envelope(api), `${action} by ${who === alice ? "an owner" : "another region's operator"}`).toMatchObject({ status: 403, code: "not_operator" });
          const html = await form(who, `/admin/devices/${target}/action`, { action, reason: "not mine to do" });
          expect(html.status, `${action} page form`).toBe(403);
        }
      }
    }
    // Without a session at all: the API says sign in; the page sends the browser to sign in.
    expect((await envelope(await fetch(registry.url + apiPath(ids["bob-west"]!, "ban"), { method: "POST", body: "{}" }))).status).toBe(401);
    const signedOut = await form(null, `/admin/devices/${ids["bob-west"]}/action`, { action: "ban" });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toStartWith("/sign-in");
    expect(await stateOf(bob, ids["bob-west"]!)).toBe("online");
    expect(await stateOf(bob, ids["bob-east-1"]!)).toBe("pending_approval");
    expect((await auditEntries()).length).toBe(before);
  });

  test("with the role every action is done and logged with the operator, the region and the reason", async () => {
    const west = ids["bob-west"]!;
    for (const action of ["pause", "resume", "drain"] as const) {
      const res = await global.call("POST", apiPath(west, action), { reason: `${action} for maintenance` });
      expect(res.status, action).toBe(200);
    }
    // The page's form does the same as the API.
    const removed = await form(global, `/admin/devices/${west}/action`, { action: "remove", reason: "owner asked" });
    expect(removed.status).toBe(303);
    expect(removed.headers.get("location")).toBe("/admin/regions/west?done=remove");
    expect((await global.call("POST", apiPath(ids["bob-east-1"]!, "approve"), { reason: "known owner" })).status).toBe(200);
    expect((await form(global, `/admin/devices/${ids["bob-east-2"]}/action`, { action: "ban", reason: "abuse" })).status).toBe(303);
    expect(await stateOf(bob, west)).toBe("removed");
    expect(await stateOf(bob, ids["bob-east-1"]!)).toBe("assigned");
    expect(await stateOf(bob, ids["bob-east-2"]!)).toBe("banned");
    const entries = await auditEntries();
    const find = (action: string, target: string) => entries.find((e) => e.action === action && e.target === target);
    for (const [action, target, region, reason] of [
      ["device.pause", west, "west", "pause for maintenance"],
      ["device.resume", west, "west", "resume for maintenance"],
      ["device.drain", west, "west", "drain for maintenance"],
      ["device.remove", west, "west", "owner asked"],
      ["device.approve", ids["bob-east-1"], "east", "known owner"],
      ["device.ban", ids["bob-east-2"], "east", "abuse"],
    ] as const) {
      const e = find(action, target!);
      expect(e, action).toBeDefined();
      expect(e).toMatchObject({ actor: global.address, regionId: region });
      expect(e!.detail).toContain(reason);
    }
  });

  test("a page form from another site is refused before anything happens", async () => {
    const res = await form(global, `/admin/devices/${ids["alice-east"]}/action`, { action: "ban" }, { "sec-fetch-site": "cross-site" });
    expect(res.status).toBe(403);
    expect(await stateOf(alice, ids["alice-east"]!)).toBe("pending_approval");
  });
});

describe("sessions", () => {
  test("an expired or unknown session cookie sends the page to sign in, saying it expired, and clears the cookie", async () => {
    const res = await fetch(registry.url + "/portal/devices", { redirect: "manual", headers: { cookie: "akash_home_session=gone", accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/sign-in?notice=expired");
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
  });
});

describe("refused forms", () => {
  test("a refused form answers 400 with its reason on its page; its address, opened again, is that page, not an error", async () => {
    const cases: { action: string; fields: Record<string, string>; says: string; page: string }[] = [
      { action: "/portal/claim-codes", fields: { label: "x".repeat(81) }, says: "A label has at most 80 characters", page: "/portal/add-device" },
      { action: "/portal/earnings/payout-address", fields: { address: "akash1notanaddress" }, says: "copy the address from Keplr or Leap", page: "/portal/earnings#payout" },
    ];
    for (const c of cases) {
      const refused = await form(alice, c.action, c.fields);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain(c.says);
      const reopened = await page(alice, c.action);
      expect(reopened.status).toBe(303);
      expect(reopened.headers.get("location")).toBe(c.page);
    }
  });
});

describe("public answers", () => {
  test("the OpenAPI document describes the deploy console's provider API: what edge means, the reliability sample, each attribute", async () => {
    const doc = (await (await fetch(registry.url + REGISTRY_API.openapi)).json()) as { paths: Record<string, { get?: { tags: string[]; responses: Record<string, { content?: Record<string, { schema: any }> }> } }> };
    const info = doc.paths["/api/v1/providers/{address}"]!.get!;
    const attrs = doc.paths["/api/v1/providers/{address}/attributes"]!.get!;
    expect(info.tags).toEqual(["public"]);
    const infoSchema = info.responses["200"]!.content!["application/json"]!.schema;
    expect(infoSchema.description).toContain("edge compute");
    expect(infoSchema.properties.edge.description).toContain("home devices");
    expect(infoSchema.properties.reliability.properties.p10.description).toContain("nine in ten devices");
    const attrsSchema = attrs.responses["200"]!.content!["application/json"]!.schema;
    for (const key of ["host=akash", "tier=community", "location-type=home", "location-region", "capabilities/gpu/vendor/<vendor>/model/<model>"]) expect(attrsSchema.properties.attributes.description).toContain(key);
    expect(attrs.responses["404"]).toBeDefined();
  });

  test("the provider API says the provider is edge compute, with regions, devices and reliability; cacheable, with an ETag", async () => {
    const res = await fetch(`${registry.url}/api/v1/providers/${provider}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    const info = v.parse(ProviderInfo, await res.json());
    expect(info).toMatchObject({ address: provider, edge: true, locationType: "home", regions: [{ id: "west", locationRegion: "na-us-west" }] });
    const again = await fetch(`${registry.url}/api/v1/providers/${provider}`, { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
    const attrs = v.parse(ProviderAttributes, await (await fetch(`${registry.url}/api/v1/providers/${provider}/attributes`)).json());
    const map = Object.fromEntries(attrs.attributes.map((a) => [a.key, a.value]));
    expect(map).toMatchObject({ host: "akash", tier: "community", "location-type": "home", "location-region": "na-us-west", "capabilities/cpu": "amd", "capabilities/cpu/arch": "x86-64" });
  });

  test("an address that is no provider here is a 404, and one that is no address a 400, each with the envelope", async () => {
    expect(await envelope(await fetch(`${registry.url}/api/v1/providers/${alice.address}`))).toMatchObject({ status: 404, code: "provider_unknown" });
    expect(await envelope(await fetch(`${registry.url}/api/v1/providers/not-an-address/attributes`))).toMatchObject({ status: 400, code: "invalid_address" });
  });

  test("the network numbers are public and cacheable, and no map cell holds fewer devices than the floor", async () => {
    const res = await fetch(registry.url + REGISTRY_API.network);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    const stats = v.parse(NetworkStats, await res.json());
    for (const c of stats.cells) expect(c.devices).toBeGreaterThanOrEqual(stats.privacy.minDevicesPerCell);
    const map = await fetch(registry.url + "/network/map.svg");
    expect(map.headers.get("content-type")).toStartWith("image/svg+xml");
    expect((await fetch(registry.url + "/network/map.svg", { headers: { "if-none-match": map.headers.get("etag")! } })).status).toBe(304);
  });
});
