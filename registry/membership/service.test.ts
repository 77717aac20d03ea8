import { describe, expect, test } from "bun:test";
import { describeEachEngine } from "../../tests/support/engines.ts";
import { DeviceSessions } from "../devices/device-sessions.ts";
import { DevicesService, type PlacementOutcome, type RegionsPort } from "../devices/service.ts";
import { SqlDevicesRepo } from "../devices/sql-devices-repo.ts";
import { checkInBody, testDeviceKey } from "../devices/testing.ts";
import { PublicError } from "../public-error.ts";
import { SqlJoinTokensRepo } from "./join-tokens.ts";
import { SqlPendingLeavesRepo } from "./pending-leaves.ts";
import type { ClusterPort, RegionInfra, TailnetPort } from "./region-infra.ts";
import { MembershipService } from "./service.ts";

// The region's Headscale and API server as far as membership can tell: what was minted, revoked,
// cordoned, drained and deleted. The adapters themselves are tested against the real servers.
function fakeRegion() {
  const calls: string[] = [];
  const keyIds: string[] = [];
  let n = 0;
  // While down, every call fails as a request to an address nobody answers on does.
  const reach = { down: false };
  const answer = () => {
    if (reach.down) throw new Error("connect ECONNREFUSED 10.0.0.1:6443");
  };
  const tailnet: TailnetPort = {
    async mintAuthKey({ deviceId, ttlMs }) {
      answer();
      calls.push(`mintAuthKey ${deviceId}`);
      keyIds.push(String(++n));
      return { key: `hskey-auth-${n}`, keyId: String(n), expiresAt: new Date(Date.now() + ttlMs).toISOString(), tags: ["tag:akash-home"] };
    },
    async revokeAuthKey(keyId) {
      answer();
      calls.push(`revokeAuthKey ${keyId}`);
      return true;
    },
    async removeNode(deviceId) {
      answer();
      calls.push(`removeNode ${deviceId}`);
      return true;
    },
  };
  const cluster: ClusterPort = {
    async mintBootstrapToken({ deviceId, ttlMs }) {
      answer();
      calls.push(`mintToken ${deviceId}`);
      const id = `tok${String(++n).padStart(3, "0")}`;
      return { token: `K10${"a".repeat(64)}::${id}.0123456789abcdef`, tokenId: id, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
    },
    async revokeBootstrapToken(id) {
      answer();
      calls.push(`revokeToken ${id}`);
      return true;
    },
    async labelNode(name) {
      answer();
      calls.push(`label ${name}`);
      return true;
    },
    async cordon(name) {
      answer();
      calls.push(`cordon ${name}`);
      return true;
    },
    async uncordon(name) {
      answer();
      calls.push(`uncordon ${name}`);
      return true;
    },
    async drain(name) {
      answer();
      calls.push(`drain ${name}`);
      return { evicted: ["default/a", "default/b", "default/c"], remaining: [] };
    },
    async deleteNode(name) {
      answer();
      calls.push(`deleteNode ${name}`);
      return { nodeDeleted: true, passwordDeleted: true };
    },
  };
  const infra: RegionInfra = { regionId: "r1", tailnet, cluster, loginServer: "http://hs.test", server: "https://100.64.0.1:6443", tags: ["tag:akash-home"], taints: [], flannelIface: "tailscale0" };
  return { calls, keyIds, infra, reach };
}

const oneRegion: RegionsPort = {
  place: (): PlacementOutcome => ({ kind: "assigned", regionId: "r1", why: "nearest" }),
  region: (id) => (id === "r1" ? { id: "r1", name: "Region One", locationRegion: "na-us-west", capacity: 10 } : null),
  threshold: () => 3,
};

describeEachEngine("membership", (db) => {
  const setup = async (opts: { infra?: boolean } = {}) => {
    await db().run("DELETE FROM devices");
    await db().run("DELETE FROM join_tokens");
    await db().run("DELETE FROM pending_leaves");
    const devices = new DevicesService({
      db: db(),
      repo: new SqlDevicesRepo(db()),
      regions: oneRegion,
      claims: { redeem: async () => ({ ok: true, owner: "akash1alice" }) },
      sessions: new DeviceSessions(Buffer.alloc(32, 7)),
      heartbeatIntervalS: 15,
    });
    await devices.load();
    const region = fakeRegion();
    const options = { devices, tokens: new SqlJoinTokensRepo(db()), pending: new SqlPendingLeavesRepo(db()), infra: (id: string) => (opts.infra !== false && id === "r1" ? region.infra : null), labelsFor: (d: { id: string }) => ({ "akash-home.io/device-id": d.id }) };
    const membership = new MembershipService(options);
    const key = testDeviceKey();
    await devices.checkIn({ deviceId: key.id, publicKey: key.publicKey }, checkInBody({ claimCode: "CODE-0001" }), { country: "US" });
    // restarted is the same registry after a restart: nothing but the store carries over.
    return { devices, membership, region, id: key.id, key, restarted: () => new MembershipService(options) };
  };

  test("a placed device gets fresh single-use credentials and is joining; asking again revokes the earlier token", async () => {
    const { devices, membership, region, id } = await setup();
    const first = await membership.issue(id);
    expect(first).toMatchObject({ nodeName: id, regionId: "r1", tailnet: { loginServer: "http://hs.test", tags: ["tag:akash-home"] }, cluster: { server: "https://100.64.0.1:6443", labels: { "akash-home.io/device-id": id } } });
    expect(first.cluster.token).toMatch(/^K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(Date.parse(first.cluster.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect((await devices.device(id))!.state).toBe("joining");
    const second = await membership.issue(id);
    expect(second.cluster.token).not.toBe(first.cluster.token);
    expect(region.calls).toContain(`revokeToken ${first.cluster.token.split("::")[1]!.split(".")[0]}`);
    expect(region.calls.filter((c) => c.startsWith("revokeAuthKey"))).toEqual([`revokeAuthKey ${region.keyIds[0]}`]);
    expect(first.tailnet.authKey).not.toBe(second.tailnet.authKey);
  });

  test("the token is revoked once the node registers, and a paused device's node is cordoned", async () => {
    const { membership, region, id } = await setup();
    const creds = await membership.issue(id);
    await membership.pause(id, true);
    await membership.nodeRegistered(id);
    const tokenId = creds.cluster.token.split("::")[1]!.split(".")[0];
    expect(region.calls).toEqual(expect.arrayContaining([`revokeToken ${tokenId}`, `label ${id}`, `cordon ${id}`]));
    // The tailnet key was spent bringing the device onto the tailnet; the joined device is left alone there.
    expect(region.calls.filter((c) => c.startsWith("revokeAuthKey"))).toEqual([]);
  });

  test("a registry restarted between issuing and the node registering still revokes the token, once", async () => {
    const { membership, region, id, restarted } = await setup();
    const creds = await membership.issue(id);
    const tokenId = creds.cluster.token.split("::")[1]!.split(".")[0];
    const after = restarted();
    await after.nodeRegistered(id);
    await after.nodeRegistered(id);
    expect(region.calls.filter((c) => c === `revokeToken ${tokenId}`)).toHaveLength(1);
  });

  test("leaving drains, deletes the node and the tailnet node, and removes the device; leaving again is harmless", async () => {
    const { devices, membership, region, id } = await setup();
    await membership.issue(id);
    const left = await membership.leave(id);
    expect(left).toMatchObject({ evicted: 3, remaining: [], nodeDeleted: true, tailnetNodeDeleted: true, device: { state: "removed" } });
    // The unused credentials go first, so the device cannot come back in while its Node goes.
    expect(region.calls.slice(-5)).toEqual([expect.stringMatching(/^revokeToken /), expect.stringMatching(/^revokeAuthKey \d+$/), `drain ${id}`, `deleteNode ${id}`, `removeNode ${id}`]);
    expect((await devices.device(id))!.state).toBe("removed");
    expect((await membership.leave(id)).device.state).toBe("removed");
    const refused = await membership.issue(id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PublicError);
    expect((refused as PublicError).code).toBe("device_removed");
  });

  test("a ban leaves the same way, so the join credentials it was given die with it; the device ends banned and gets no new ones", async () => {
    const { devices, membership, region, id } = await setup();
    const creds = await membership.issue(id);
    const tokenId = creds.cluster.token.split("::")[1]!.split(".")[0];
    const [keyId] = region.keyIds;
    const banned = await membership.leave(id, "banned by operator akash1op (abuse)", "banned");
    expect(banned).toMatchObject({ evicted: 3, nodeDeleted: true, tailnetNodeDeleted: true, device: { state: "banned" } });
    expect(region.calls.slice(-5)).toEqual([`revokeToken ${tokenId}`, `revokeAuthKey ${keyId}`, `drain ${id}`, `deleteNode ${id}`, `removeNode ${id}`]);
    expect((await devices.device(id))!.state).toBe("banned");
    // The device itself leaving afterwards does not turn the ban into a plain removal.
    expect((await membership.leave(id)).device.state).toBe("banned");
    expect(await membership.issue(id).catch((e: unknown) => e)).toMatchObject({ status: 409, code: "device_banned" });
  });

  test("a region that does not answer does not keep a banned device in: it is banned at once, and its Node and tailnet node go once the region answers, restart or not", async () => {
    const { devices, membership, region, id, restarted } = await setup();
    const creds = await membership.issue(id);
    region.reach.down = true;
    const banned = await membership.leave(id, "banned by operator akash1op (abuse)", "banned");
    expect(banned).toMatchObject({ device: { state: "banned" }, cleanupPending: true, nodeDeleted: false, tailnetNodeDeleted: false });
    expect((await devices.device(id))!.state).toBe("banned");
    const [pending] = await membership.pendingLeaves();
    expect(pending).toMatchObject({ deviceId: id, regionId: "r1", attempts: 1 });
    expect(pending!.lastError).toBe("the region's cluster did not answer: connect ECONNREFUSED 10.0.0.1:6443");

    // Still down: the retry is counted and nothing is lost.
    expect(await membership.finishPendingLeaves()).toBe(1);
    expect((await membership.pendingLeaves())[0]).toMatchObject({ attempts: 2, since: pending!.since });
    expect(region.calls.filter((c) => c.startsWith("deleteNode"))).toEqual([]);

    region.reach.down = false;
    const after = restarted();
    expect(await after.finishPendingLeaves()).toBe(0);
    // The credentials it was handed are revoked first, so it cannot come back in while its Node goes.
    const tokenId = creds.cluster.token.split("::")[1]!.split(".")[0];
    expect(region.calls.slice(-5)).toEqual([`revokeToken ${tokenId}`, `revokeAuthKey ${region.keyIds[0]}`, `drain ${id}`, `deleteNode ${id}`, `removeNode ${id}`]);
    expect(await after.pendingLeaves()).toEqual([]);
    expect(await after.finishPendingLeaves()).toBe(0);
    expect(region.calls.filter((c) => c.startsWith("deleteNode"))).toHaveLength(1);
    expect((await devices.device(id))!.state).toBe("banned");
  });

  test("a device back before its region heard it leave gets new credentials only after its old Node and tailnet node are gone", async () => {
    const { devices, membership, region, id, key } = await setup();
    const old = await membership.issue(id);
    region.reach.down = true;
    expect(await membership.leave(id)).toMatchObject({ device: { state: "removed" }, cleanupPending: true });
    await devices.checkIn({ deviceId: id, publicKey: key.publicKey }, checkInBody({ claimCode: "CODE-0002" }), { country: "US" });
    expect((await devices.device(id))!.state).toBe("assigned");
    // The region still does not answer: no credentials, a retryable refusal, and the pending leave kept.
    expect(await membership.issue(id).catch((e: unknown) => e)).toMatchObject({ status: 503, code: "region_unavailable" });
    expect(await membership.pendingLeaves()).toHaveLength(1);
    region.reach.down = false;
    const calls = region.calls.length;
    const creds = await membership.issue(id);
    expect(creds.nodeName).toBe(id);
    const oldTokenId = old.cluster.token.split("::")[1]!.split(".")[0];
    expect(region.calls.slice(calls, calls + 5)).toEqual([`revokeToken ${oldTokenId}`, `revokeAuthKey ${region.keyIds[0]}`, `drain ${id}`, `deleteNode ${id}`, `removeNode ${id}`]);
    expect(region.calls.slice(calls + 5).some((c) => c.startsWith("mintToken"))).toBe(true);
    expect(await membership.pendingLeaves()).toEqual([]);
    // The sweep that follows finds nothing to do, so the new Node is never touched.
    await membership.finishPendingLeaves();
    expect(region.calls.filter((c) => c.startsWith("deleteNode"))).toHaveLength(1);
  });

  test("a region without a connected cluster says so, with what happens next", async () => {
    const { membership, id } = await setup({ infra: false });
    const refused = (await membership.issue(id).catch((e: unknown) => e)) as PublicError;
    expect(refused).toBeInstanceOf(PublicError);
    expect(refused).toMatchObject({ status: 409, code: "region_not_ready" });
    expect(refused.fix).toContain("keeps its place");
  });
});

describe("membership errors", () => {
  test("an unreachable region component is a retryable 503, not a crash", async () => {
    const failing = fakeRegion();
    failing.infra.tailnet.mintAuthKey = async () => {
      throw new Error("connect ECONNREFUSED");
    };
    const devices = { device: async () => ({ id: "ah-x", state: "assigned", regionId: "r1" }), startJoin: async () => {} } as unknown as DevicesService;
    const tokens = { get: async () => null, put: async () => {}, delete: async () => {} };
    const pending = { list: async () => [], get: async () => null, put: async () => {}, delete: async () => {} };
    const membership = new MembershipService({ devices, tokens, pending, infra: () => failing.infra, labelsFor: () => ({}) });
    const err = (await membership.issue("ah-x").catch((e: unknown) => e)) as PublicError;
    expect(err).toMatchObject({ status: 503, code: "region_unavailable" });
    expect(err.message).toContain("Headscale");
  });
});
