// The region's tailnet for real: Headscale v0.29.2 running the generated ACL policy, and real tailscaled
// daemons (TUN mode, each in its own network namespace, the home devices behind a NAT) joined with keys the
// adapter minted. What the policy promises is checked on the wire, and what the adapter reports about
// nodes is checked against what the daemons themselves say.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startHeadscale, type Headscale } from "../../tests/infra/headscale.ts";
import { startNetworkLab, type NetworkLab } from "../../tests/infra/netns.ts";
import { waitUntil, type ManagedProcess } from "../../tests/infra/process.ts";
import { startTailscaled, type Tailscaled } from "../../tests/infra/tailscaled.ts";
import { probeTcp, startEchoServer } from "../../tests/infra/tcp-echo.ts";
import { makeWorkDir, removeWorkDir, withLogsOnFailure } from "../../tests/infra/work-dir.ts";
import { API_SERVER_PORT, CONTROL_TAG, DEVICE_TAG, KUBELET_PORT, regionAclPolicy, renderAclPolicy } from "./acl-policy.ts";
import { HeadscaleTailnet } from "./headscale-tailnet.ts";

const DEVICE_A = "ah-devicea00000000000";
const DEVICE_B = "ah-deviceb00000000000";
const OTHER_PORT = 2222;

let lab: NetworkLab;
let hs: Headscale;
let tailnet: HeadscaleTailnet;
let control: Tailscaled;
let deviceA: Tailscaled;
let deviceB: Tailscaled;
let dir: string;
const ips: Record<string, string> = {};
const servers: ManagedProcess[] = [];
let keyA: { keyId: string; key: string };

beforeAll(async () => {
  await withLogsOnFailure(async () => {
    lab = await startNetworkLab({ devices: 2, ingress: 1 });
    dir = makeWorkDir("acl-echo");
    hs = await startHeadscale({ netns: lab.region.netns, listenHost: lab.region.address, policyMode: "database", policyJson: renderAclPolicy(regionAclPolicy()) });
    tailnet = new HeadscaleTailnet({ url: hs.url, apiKeyFile: hs.apiKeyFile });
    const controlTailnet = new HeadscaleTailnet({ url: hs.url, apiKeyFile: hs.apiKeyFile, deviceTags: [CONTROL_TAG] });
    // The "control plane" is a machine on the region's side (the lab's ingress namespace) joined as a k3s server would be.
    [control, deviceA, deviceB] = await Promise.all([
      startTailscaled({ name: "control", netns: lab.ingress[0]!.netns }),
      startTailscaled({ name: "device-a", netns: lab.devices[0]!.netns }),
      startTailscaled({ name: "device-b", netns: lab.devices[1]!.netns }),
    ]);
    const controlKey = await controlTailnet.mintAuthKey({ deviceId: "control-0", ttlMs: 5 * 60_000 });
    keyA = await tailnet.mintAuthKey({ deviceId: DEVICE_A, ttlMs: 5 * 60_000 });
    const keyB = await tailnet.mintAuthKey({ deviceId: DEVICE_B, ttlMs: 5 * 60_000 });
    await Promise.all([
      control.up({ loginServer: hs.url, authKey: controlKey.key, hostname: "control-0" }),
      deviceA.up({ loginServer: hs.url, authKey: keyA.key, hostname: DEVICE_A }),
      // Device B announces a pod subnet, as k3s's tailscale flannel backend does.
      deviceB.up({ loginServer: hs.url, authKey: keyB.key, hostname: DEVICE_B, extraArgs: ["--advertise-routes=10.42.7.0/24"] }),
    ]);
    for (const d of [control, deviceA, deviceB]) ips[d.name] = await d.ipv4();
    servers.push(
      await startEchoServer({ netns: control.netns, dir, host: ips.control!, port: API_SERVER_PORT, name: "echo-control-6443" }),
      await startEchoServer({ netns: control.netns, dir, host: ips.control!, port: OTHER_PORT, name: "echo-control-other" }),
      await startEchoServer({ netns: deviceB.netns, dir, host: ips["device-b"]!, port: KUBELET_PORT, name: "echo-b-kubelet" }),
      await startEchoServer({ netns: deviceB.netns, dir, host: ips["device-b"]!, port: OTHER_PORT, name: "echo-b-other" }),
    );
  });
}, 240_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of [control, deviceA, deviceB]) await d?.stop();
  await hs?.stop();
  await lab?.stop();
  if (dir) removeWorkDir(dir);
});

describe("a device joined with a minted key", () => {
  test("shows up under its device id, tagged as a home device, with the address tailscale reports", async () => {
    const node = await tailnet.findNode(DEVICE_A);
    expect(node).not.toBeNull();
    expect(node!.tags).toEqual([DEVICE_TAG]);
    expect(node!.ipv4).toBe(ips["device-a"]!);
    expect(node!.ipv6).toContain(":");
    await waitUntil("device-a online in Headscale", async () => (await tailnet.findNode(DEVICE_A))?.online === true, { timeoutMs: 20_000 });
  });

  test("its key is used up: Headscale says so, and a second machine cannot join with it", async () => {
    expect((await tailnet.authKeyStatus(keyA.keyId))?.used).toBe(true);
    const intruder = await startTailscaled({ name: "intruder", netns: lab.devices[0]!.netns, tun: "tailscale9" });
    try {
      await expect(intruder.up({ loginServer: hs.url, authKey: keyA.key, hostname: "intruder", timeoutSeconds: 10 })).rejects.toThrow();
      expect(await tailnet.findNode("intruder")).toBeNull();
    } finally {
      await intruder.stop();
    }
  }, 60_000);

  test("a revoked, unused key joins nothing", async () => {
    const unused = await tailnet.mintAuthKey({ deviceId: "ah-neverjoined0000000", ttlMs: 5 * 60_000 });
    await tailnet.revokeAuthKey(unused.keyId);
    const late = await startTailscaled({ name: "late", netns: lab.devices[1]!.netns, tun: "tailscale9" });
    try {
      await expect(late.up({ loginServer: hs.url, authKey: unused.key, hostname: "ah-neverjoined0000000", timeoutSeconds: 10 })).rejects.toThrow();
      expect(await tailnet.findNode("ah-neverjoined0000000")).toBeNull();
    } finally {
      await late.stop();
    }
  }, 60_000);

  test("its pod route is approved exactly as asked, and only then", async () => {
    await waitUntil("device-b announces its route", async () => ((await tailnet.findNode(DEVICE_B))?.availableRoutes ?? []).includes("10.42.7.0/24"), { timeoutMs: 20_000 });
    expect((await tailnet.findNode(DEVICE_B))!.approvedRoutes).toEqual([]); // no auto-approval for devices
    const node = await tailnet.approveRoutes(DEVICE_B, ["10.42.7.0/24"]);
    expect(node.approvedRoutes).toEqual(["10.42.7.0/24"]);
  });
});

describe("the policy on the wire", () => {
  test("a device reaches the control plane's API port, but not its other ports", async () => {
    await waitUntil("device-a → control:6443", () => probeTcp({ netns: deviceA.netns, host: ips.control!, port: API_SERVER_PORT }), { timeoutMs: 30_000 });
    expect(await probeTcp({ netns: deviceA.netns, host: ips.control!, port: OTHER_PORT, timeoutMs: 3000 })).toBe(false);
  }, 60_000);

  test("the control plane reaches a device's kubelet, but not its other ports", async () => {
    await waitUntil("control → device-b:10250", () => probeTcp({ netns: control.netns, host: ips["device-b"]!, port: KUBELET_PORT }), { timeoutMs: 30_000 });
    expect(await probeTcp({ netns: control.netns, host: ips["device-b"]!, port: OTHER_PORT, timeoutMs: 3000 })).toBe(false);
  }, 60_000);

  test("one home device cannot reach another, on any port, and does not even see it as a peer", async () => {
    expect(await probeTcp({ netns: deviceA.netns, host: ips["device-b"]!, port: KUBELET_PORT, timeoutMs: 3000 })).toBe(false);
    expect(await probeTcp({ netns: deviceA.netns, host: ips["device-b"]!, port: OTHER_PORT, timeoutMs: 3000 })).toBe(false);
    const peers = Object.values((await deviceA.status()).Peer ?? {}).map((p) => p.HostName);
    expect(peers).toContain("control-0");
    expect(peers).not.toContain(DEVICE_B);
  }, 30_000);

  test("Headscale's own policy tests agree, with these nodes in the tailnet", async () => {
    const policy = {
      ...regionAclPolicy(),
      tests: [
        { src: DEVICE_TAG, accept: [`${CONTROL_TAG}:${API_SERVER_PORT}`], deny: [`${DEVICE_TAG}:${KUBELET_PORT}`, `${DEVICE_TAG}:22`, `${CONTROL_TAG}:22`] },
        { src: CONTROL_TAG, accept: [`${DEVICE_TAG}:${KUBELET_PORT}`], deny: [`${DEVICE_TAG}:22`] },
      ],
    };
    await tailnet.checkPolicy(JSON.stringify(policy));
    const wrong = { ...policy, tests: [{ src: DEVICE_TAG, accept: [`${DEVICE_TAG}:22`] }] };
    await expect(tailnet.checkPolicy(JSON.stringify(wrong))).rejects.toThrow(/test/i);
  });
});

describe("removing a device", () => {
  test("its node is gone from Headscale, the control plane can no longer reach it, and removing again is a no-op", async () => {
    expect(await tailnet.removeNode(DEVICE_B)).toBe(true);
    expect(await tailnet.findNode(DEVICE_B)).toBeNull();
    await waitUntil("control loses device-b", async () => !(await probeTcp({ netns: control.netns, host: ips["device-b"]!, port: KUBELET_PORT, timeoutMs: 2000 })), { timeoutMs: 30_000 });
    expect(await tailnet.removeNode(DEVICE_B)).toBe(false);
  }, 60_000);
});
