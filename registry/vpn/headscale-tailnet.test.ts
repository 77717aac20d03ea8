// HeadscaleTailnet against a real Headscale v0.29.2: the keys it mints are what the design promises (single
// use, tagged, expiring in minutes), the policy it generates is one Headscale accepts, and every failure an
// operator can cause reads as what to do, without the API key in it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHeadscale, type Headscale } from "../../tests/infra/headscale.ts";
import { freePort } from "../../tests/support/free-port.ts";
import { CONTROL_TAG, DEVICE_TAG, regionAclPolicy, renderAclPolicy } from "./acl-policy.ts";
import { HeadscaleError } from "./headscale-api.ts";
import { HeadscaleTailnet } from "./headscale-tailnet.ts";

interface CliKey {
  id: string | number;
  reusable?: boolean;
  ephemeral?: boolean;
  used?: boolean;
  expiration?: { seconds: number | string };
  acl_tags?: string[];
}

let hs: Headscale;
let tailnet: HeadscaleTailnet;

beforeAll(async () => {
  hs = await startHeadscale({ policyJson: renderAclPolicy(regionAclPolicy()), policyMode: "database" });
  tailnet = new HeadscaleTailnet({ url: hs.url, apiKeyFile: hs.apiKeyFile });
}, 60_000);

afterAll(async () => {
  await hs?.stop();
});

/** cliKey reads a key back through Headscale's own CLI, not through the adapter under test. */
async function cliKey(id: string): Promise<CliKey | undefined> {
  const keys = await hs.cliJson<CliKey[]>(["preauthkeys", "list"]);
  return keys.find((k) => String(k.id) === id);
}

describe("join keys", () => {
  test("a minted key is single-use, not ephemeral, tagged as a home device and expires after its TTL", async () => {
    const before = Date.now();
    const minted = await tailnet.mintAuthKey({ deviceId: "ah-aaaaaaaaaaaaaaaa", ttlMs: 10 * 60_000 });
    expect(minted.key).toStartWith("hskey-auth-");
    expect(minted.tags).toEqual([DEVICE_TAG]);
    const expires = Date.parse(minted.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 10 * 60_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 10 * 60_000 + 1000);

    const listed = await cliKey(minted.keyId);
    expect(listed).toBeDefined();
    expect(listed!.reusable ?? false).toBe(false);
    expect(listed!.ephemeral ?? false).toBe(false);
    expect(listed!.used ?? false).toBe(false);
    expect(listed!.acl_tags).toEqual([DEVICE_TAG]);
    expect(Number(listed!.expiration!.seconds) * 1000).toBeGreaterThan(Date.now() + 9 * 60_000);

    const status = await tailnet.authKeyStatus(minted.keyId);
    expect(status).toEqual({ keyId: minted.keyId, tags: [DEVICE_TAG], reusable: false, ephemeral: false, used: false, expiresAt: expect.any(String) });
  });

  test("each device gets its own key", async () => {
    const [a, b] = await Promise.all([
      tailnet.mintAuthKey({ deviceId: "ah-bbbbbbbbbbbbbbbb", ttlMs: 60_000 }),
      tailnet.mintAuthKey({ deviceId: "ah-cccccccccccccccc", ttlMs: 60_000 }),
    ]);
    expect(a.key).not.toBe(b.key);
    expect(a.keyId).not.toBe(b.keyId);
  });

  test("a revoked key has expired in Headscale's own records", async () => {
    const minted = await tailnet.mintAuthKey({ deviceId: "ah-dddddddddddddddd", ttlMs: 10 * 60_000 });
    expect(await tailnet.revokeAuthKey(minted.keyId)).toBe(true);
    const listed = await cliKey(minted.keyId);
    expect(Number(listed!.expiration!.seconds) * 1000).toBeLessThanOrEqual(Date.now() + 1000);
    const status = await tailnet.authKeyStatus(minted.keyId);
    expect(Date.parse(status!.expiresAt!)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test("an unknown key is reported as such", async () => {
    expect(await tailnet.authKeyStatus("999999")).toBeNull();
    expect(await tailnet.revokeAuthKey("999999")).toBe(false);
  });

  test("a TTL outside 1 s … 24 h is refused before Headscale is asked", async () => {
    await expect(tailnet.mintAuthKey({ deviceId: "ah-eeeeeeeeeeeeeeee", ttlMs: 0 })).rejects.toThrow("between 1 s and 24 h");
    await expect(tailnet.mintAuthKey({ deviceId: "ah-eeeeeeeeeeeeeeee", ttlMs: 2 * 24 * 3600_000 })).rejects.toThrow("between 1 s and 24 h");
  });

  test("a tag Headscale would refuse is caught when the adapter is made", () => {
    expect(() => new HeadscaleTailnet({ url: hs.url, apiKeyFile: hs.apiKeyFile, deviceTags: ["tag:Akash-Home"] })).toThrow("not a tailnet tag");
  });
});

describe("nodes", () => {
  test("a device that never joined has no node, and removing it is a no-op", async () => {
    expect(await tailnet.findNode("ah-ffffffffffffffff")).toBeNull();
    expect(await tailnet.removeNode("ah-ffffffffffffffff")).toBe(false);
    await expect(tailnet.approveRoutes("ah-ffffffffffffffff", ["10.42.3.0/24"])).rejects.toThrow("has not joined yet");
  });
});

describe("ACL policy", () => {
  test("Headscale accepts the generated policy (HuJSON with comments) and stores it as given", async () => {
    const text = renderAclPolicy(regionAclPolicy({ podCidr: "10.42.0.0/16" }));
    await tailnet.checkPolicy(text);
    await tailnet.checkPolicy(renderAclPolicy(regionAclPolicy({ podNetwork: "vxlan", autoApproveDevicePodRoutes: true })));
    await tailnet.setPolicy(text);
    expect((await hs.cli(["policy", "get"])).trim()).toBe(text.trim());
  });

  test("Headscale's check rejects a policy that uses a tag it does not declare, so the check is real", async () => {
    const policy = regionAclPolicy();
    delete policy.tagOwners[CONTROL_TAG];
    await expect(tailnet.checkPolicy(JSON.stringify(policy))).rejects.toThrow(/tag/i);
  });

  test("keys for every tag the policy declares can be minted", async () => {
    for (const tag of Object.keys(regionAclPolicy().tagOwners)) {
      const t = new HeadscaleTailnet({ url: hs.url, apiKeyFile: hs.apiKeyFile, deviceTags: [tag] });
      expect((await t.mintAuthKey({ deviceId: "ah-gggggggggggggggg", ttlMs: 60_000 })).tags).toEqual([tag]);
    }
  });
});

describe("failures an operator can cause", () => {
  test("a wrong API key says which file to fix and never shows the key", async () => {
    const wrongKeyFile = join(hs.dir, "wrong-api-key");
    const wrongKey = "hskey-api-notarealkey-0123456789abcdef";
    writeFileSync(wrongKeyFile, wrongKey, { mode: 0o600 });
    const wrong = new HeadscaleTailnet({ url: hs.url, apiKeyFile: wrongKeyFile });
    const err = (await wrong.mintAuthKey({ deviceId: "ah-hhhhhhhhhhhhhhhh", ttlMs: 60_000 }).catch((e: unknown) => e)) as HeadscaleError;
    expect(err).toBeInstanceOf(HeadscaleError);
    expect(err.status).toBe(401);
    expect(err.message).toContain(wrongKeyFile);
    expect(err.message).toContain("headscale apikeys create");
    expect(err.message).not.toContain(wrongKey);
    const health = await wrong.health();
    expect(health.ok).toBe(false);
    expect(health.message).toContain("refused the registry's API key");
  });

  test("a missing API key file is named", async () => {
    const missing = new HeadscaleTailnet({ url: hs.url, apiKeyFile: join(hs.dir, "nope") });
    await expect(missing.findNode("ah-iiiiiiiiiiiiiiii")).rejects.toThrow(`cannot read the Headscale API key file ${join(hs.dir, "nope")} (ENOENT)`);
  });

  test("a Headscale that is not there is reported as unreachable, with the URL to check", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const gone = new HeadscaleTailnet({ url, apiKeyFile: hs.apiKeyFile, timeoutMs: 2000 });
    const err = (await gone.findNode("ah-jjjjjjjjjjjjjjjj").catch((e: unknown) => e)) as HeadscaleError;
    expect(err.status).toBe(0);
    expect(err.message).toContain(`cannot reach Headscale at ${url}`);
    expect(err.message).not.toContain(hs.apiKey);
  });

  test("health is ok against a running Headscale with a good key", async () => {
    const health = await tailnet.health();
    expect(health).toMatchObject({ ok: true, message: "ok" });
  });
});
