// A home device behind a NAT joins a region's cluster for real and leaves it again. Everything is real but
// the k3s binary (tests/infra/k3s-shim): Headscale and tailscaled (in network namespaces: region, ingress,
// a NAT router, devices behind it), etcd, kube-apiserver, kube-scheduler, kube-controller-manager, KWOK,
// the registry, and the compiled agent running `akash-home up` headless inside the device's namespace.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CoreV1Api, AppsV1Api } from "@kubernetes/client-node";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AgentStatus, OwnerDeviceList } from "../../protocol/index.ts";
import { requireBinary, X64 } from "../binary/dist.ts";
import { startHeadscale, type Headscale } from "../infra/headscale.ts";
import { startKubeCluster, type KubeCluster } from "../infra/kube-cluster.ts";
import { startNetworkLab, type NetworkLab } from "../infra/netns.ts";
import { startProcess, runCommand, type ManagedProcess } from "../infra/process.ts";
import { startTailscaled, type Tailscaled } from "../infra/tailscaled.ts";
import { probeTcp, startEchoServer } from "../infra/tcp-echo.ts";
import { registryKubeconfigFile } from "../infra/registry-credentials.ts";
import { tool } from "../infra/tools.ts";
import { makeWorkDir } from "../infra/work-dir.ts";
import { signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { regionAclPolicy, renderAclPolicy } from "../../registry/vpn/acl-policy.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";

const ROOT = resolve(import.meta.dir, "../..");
const K3S_SHIM = join(ROOT, "tests/infra/k3s-shim/k3s");

let lab: NetworkLab;
let headscale: Headscale;
let control: Tailscaled;
let ingress: Tailscaled;
let deviceDaemon: Tailscaled;
let spareDaemon: Tailscaled;
let cluster: KubeCluster;
let registry: RegistryProcess;
let owner: TestOwner;
let agent: ManagedProcess;
let dir: string;
const stateDir = () => join(dir, "agent-state");
const extra: ManagedProcess[] = [];

async function tagKey(tag: string): Promise<string> {
  const out = await headscale.cli(["preauthkeys", "create", "--expiration", "10m", "--tags", tag, "-o", "json"]);
  return (JSON.parse(out) as { key: string }).key;
}

/** akash runs the compiled agent's CLI inside the device's namespace, against the daemon's state dir. */
function akash(args: string[]) {
  return runCommand([requireBinary(X64), ...args, "--state-dir", stateDir(), "--config", join(dir, "agent-config.json")], { netns: lab.devices[0]!.netns, allowFailure: true, timeoutMs: 240_000 });
}

beforeAll(async () => {
  dir = makeWorkDir("real-join");
  lab = await startNetworkLab({ devices: 2, ingress: 1 });
  // The region's tailnet runs the policy the registry generates, plus one rule opening the two echo ports:
  // what is under test here is the tunnel through the NAT both ways; what the policy allows and refuses is
  // tested in registry/vpn (ingress reaches pods on devices, not their hosts).
  const policy = regionAclPolicy();
  policy.acls.push({ action: "accept", proto: "tcp", src: ["tag:akash-ingress", "tag:akash-home"], dst: ["tag:akash-home:18081", "tag:akash-ingress:18080"] });
  headscale = await startHeadscale({ netns: lab.region.netns, listenHost: lab.region.address, policyJson: renderAclPolicy(policy) });
  // The control node is on the tailnet too: devices reach the API server at its tailnet address.
  control = await startTailscaled({ name: "control", netns: lab.region.netns });
  await control.up({ loginServer: headscale.url, authKey: await tagKey("tag:akash-control"), hostname: "control-0" });
  const controlIp = await control.ipv4();
  ingress = await startTailscaled({ name: "ingress", netns: lab.ingress[0]!.netns });
  await ingress.up({ loginServer: headscale.url, authKey: await tagKey("tag:akash-ingress"), hostname: "ingress-0" });
  cluster = await startKubeCluster({ netns: lab.region.netns, bindAddress: lab.region.address, extraSans: [controlIp], kwok: true });
  // The API server listens on the region's lab address; the tailnet address reaches it through a port
  // forward in the region namespace, as a k3s server with --node-ip on the tailnet would listen there itself.
  extra.push(lab.spawn(lab.region.netns, { name: "apiserver-on-tailnet", dir, argv: [process.execPath, join(ROOT, "tests/infra/tcp-forward.ts"), `${controlIp}:6443`, `${lab.region.address}:${new URL(cluster.apiServerUrl).port}`] }));
  deviceDaemon = await startTailscaled({ name: "device-0", netns: lab.devices[0]!.netns });
  spareDaemon = await startTailscaled({ name: "device-1", netns: lab.devices[1]!.netns });

  registry = await startRegistryProcess({
    listenHost: lab.host.address,
    regionsYaml: `regions:
  - id: lab-west
    name: Lab West
    locationRegion: na-us-west
    countries: [US]
    latitude: 45.5
    longitude: -122.6
    probeUrl: \${REGISTRY_URL}/healthz
    kubeconfig: ${await registryKubeconfigFile(cluster)}
    headscale: { url: "${headscale.url}", apiKeyFile: ${headscale.apiKeyFile} }
    join: { server: "https://${controlIp}:6443" }
`,
  });
  owner = await signInOwner(registry.url);

  mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "agent-config.json"), "{}\n");
  writeFileSync(join(dir, "machine-id"), "lab-device-0\n");
  chmodSync(K3S_SHIM, 0o755);
  agent = startProcess({
    name: "agent",
    dir,
    netns: lab.devices[0]!.netns,
    argv: [
      requireBinary(X64),
      "agent",
      "--state-dir", stateDir(),
      "--config", join(dir, "agent-config.json"),
      "--listen", "127.0.0.1:7777",
      "--ignore-checks", "all",
      "--machine-id-file", join(dir, "machine-id"),
      "--tailscale-bin", await tool("tailscale"),
      "--tailscale-socket", deviceDaemon.socketPath,
      "--k3s-bin", K3S_SHIM,
    ],
  });
  for (let i = 0; i < 100 && !(await akash(["status", "--json"])).stdout.includes("deviceId"); i++) await Bun.sleep(200);
}, 300_000);

afterAll(async () => {
  await agent?.stop();
  for (const p of extra) await p.stop();
  await registry?.stop();
  for (const d of [spareDaemon, deviceDaemon, ingress, control]) await d?.stop();
  await cluster?.stop();
  await headscale?.stop();
  await lab?.stop();
});

const status = async (): Promise<AgentStatus> => JSON.parse((await akash(["status", "--json"])).stdout) as AgentStatus;

async function eventually<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(500);
  }
}

describe("a device behind a NAT joins the region's cluster and leaves it", () => {
  let deviceId: string;
  let token: string;

  test("`akash-home up` checks in, joins the tailnet with its tag and registers its Node", async () => {
    const up = await akash(["up", "--registry", registry.url, "--claim", await owner.claimCode("lab device"), "--yes"]);
    expect(up.code, `${up.stdout}\n${up.stderr}\n${agent.logTail(60)}`).toBe(0);
    expect(up.stdout + up.stderr).toMatch(/joined region lab-west as node ah-[a-z2-7]{16}/);
    const s = await status();
    deviceId = s.deviceId;
    const nodes = JSON.parse(await headscale.cli(["nodes", "list", "-o", "json"])) as { name: string; given_name?: string; tags?: string[]; forced_tags?: string[]; valid_tags?: string[] }[];
    const mine = nodes.find((n) => n.name === deviceId || n.given_name === deviceId);
    expect(mine, JSON.stringify(nodes)).toBeDefined();
    expect(JSON.stringify(mine)).toContain("tag:akash-home");
  }, 300_000);

  test("TCP over the tailnet works between the device and the ingress node, both ways, through the NAT", async () => {
    const deviceIp = await deviceDaemon.ipv4();
    const ingressIp = await ingress.ipv4();
    extra.push(await startEchoServer({ netns: lab.ingress[0]!.netns, dir, host: ingressIp, port: 18080, name: "ingress-echo" }));
    extra.push(await startEchoServer({ netns: lab.devices[0]!.netns, dir, host: deviceIp, port: 18081, name: "device-echo" }));
    expect(await probeTcp({ netns: lab.devices[0]!.netns, host: ingressIp, port: 18080, timeoutMs: 15_000 })).toBe(true);
    expect(await probeTcp({ netns: lab.ingress[0]!.netns, host: deviceIp, port: 18081, timeoutMs: 15_000 })).toBe(true);
    // Without the tailnet nobody reaches the device: it is behind the NAT.
    expect(await probeTcp({ netns: lab.ingress[0]!.netns, host: lab.devices[0]!.address, port: 18081, timeoutMs: 2_000 })).toBe(false);
  }, 120_000);

  test("the Node carries the device's labels and its tailnet IP, goes Ready, and its join token is spent", async () => {
    const core = cluster.api(CoreV1Api);
    const node = await eventually("the Node to be Ready", async () => {
      const n = await core.readNode({ name: deviceId });
      return n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? n : null;
    });
    expect(node.metadata?.labels).toMatchObject({ "home.akash.network/edge": "true", "home.akash.network/device-id": deviceId, "home.akash.network/owner": owner.address, "home.akash.network/region": "lab-west" });
    expect(node.status?.addresses).toContainEqual({ type: "InternalIP", address: await deviceDaemon.ipv4() });
    // Once the Node exists the registry revokes the bootstrap token: no Secret is left for this device.
    await eventually("the token to be revoked", async () => {
      const secrets = await core.listNamespacedSecret({ namespace: "kube-system", labelSelector: `home.akash.network/device-id=${deviceId}` });
      return secrets.items.length === 0;
    });
    token = (await Bun.file(join(stateDir(), "k3s", "token")).text()).trim();
    expect(token).toMatch(/^K10[0-9a-f]{64}::/);
  }, 120_000);

  test("the registry shows the device online in its region", async () => {
    const device = await eventually("online", async () => {
      const list = (await (await owner.call("GET", "/api/v1/owner/devices")).json()) as OwnerDeviceList;
      return list.devices.find((d) => d.deviceId === deviceId && d.state === "online");
    });
    expect(device.region?.id).toBe("lab-west");
  }, 90_000);

  test("the real scheduler places a Deployment's pods on the device", async () => {
    const apps = cluster.api(AppsV1Api);
    const core = cluster.api(CoreV1Api);
    await apps.createNamespacedDeployment({
      namespace: "default",
      body: {
        metadata: { name: "on-device" },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: "on-device" } },
          template: {
            metadata: { labels: { app: "on-device" } },
            spec: { nodeSelector: { "home.akash.network/device-id": deviceId }, containers: [{ name: "web", image: "nginx", resources: { requests: { cpu: "100m", memory: "64Mi" } } }] },
          },
        },
      },
    });
    const pods = await eventually("3 Running pods", async () => {
      const list = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=on-device" });
      return list.items.length === 3 && list.items.every((p) => p.status?.phase === "Running") ? list.items : null;
    }, 90_000);
    expect(pods.map((p) => p.spec?.nodeName)).toEqual([deviceId, deviceId, deviceId]);
  }, 120_000);

  test("a spent, a forged and an expired credential are refused by the servers they are presented to", async () => {
    const shim = async (tokenText: string, name: string) => {
      const d = makeWorkDir("shim");
      writeFileSync(join(d, "token"), tokenText, { mode: 0o600 });
      return runCommand([K3S_SHIM, "agent", `--server=${cluster.apiServerUrl}`, `--token-file=${join(d, "token")}`, `--node-name=${name}`, "--node-ip=198.19.0.99", `--data-dir=${d}`], { allowFailure: true, timeoutMs: 60_000 });
    };
    const spent = await shim(token, "reuse-attempt");
    expect(spent.code).not.toBe(0);
    expect(spent.stderr).toContain("Unauthorized");
    const forged = await shim(token.replace(/\.[a-z0-9]{16}$/, ".aaaaaaaaaaaaaaaa"), "forged-attempt");
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toContain("Unauthorized");
    // An expired one: minted for one second, as the registry's adapter does for devices.
    const { KubeClusterAdmin } = await import("../../registry/clusters/kube-cluster-admin.ts");
    const admin = new KubeClusterAdmin(cluster.kubeConfig());
    const short = await admin.mintBootstrapToken({ deviceId: "ah-expiredtoken0000", ttlMs: 1000 });
    await Bun.sleep(2500);
    const expired = await shim(short.token, "expired-attempt");
    expect(expired.code).not.toBe(0);
    expect(expired.stderr).toContain("Unauthorized");
    // The device's Headscale key was single use: a second machine cannot join with a fresh key's twin.
    const key = await tagKey("tag:akash-home");
    await spareDaemon.up({ loginServer: headscale.url, authKey: key, hostname: "first-use" });
    const again = await startTailscaled({ name: "reuse", netns: lab.devices[1]!.netns, tun: "ts-reuse" });
    try {
      const r = await again.tailscale(["up", `--login-server=${headscale.url}`, `--auth-key=${key}`, "--hostname=second-use", "--timeout=20s"], { allowFailure: true, timeoutMs: 40_000 });
      expect(r.code).not.toBe(0);
    } finally {
      await again.stop();
    }
  }, 180_000);

  test("`akash-home pause` cordons the Node; resume uncordons it", async () => {
    const core = cluster.api(CoreV1Api);
    const paused = await akash(["pause"]);
    expect(paused.code, paused.stderr).toBe(0);
    expect((await core.readNode({ name: deviceId })).spec?.unschedulable).toBe(true);
    const resumed = await akash(["resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await core.readNode({ name: deviceId })).spec?.unschedulable ?? false).toBe(false);
  }, 60_000);

  test("`akash-home down` drains, deletes the Node, its node-password Secret and the tailnet node, and the registry shows it removed", async () => {
    const core = cluster.api(CoreV1Api);
    // The k3s server keeps each agent's node password in this Secret; the stand-in has no server, so the test puts it where k3s would.
    await core.createNamespacedSecret({ namespace: "kube-system", body: { metadata: { name: `${deviceId}.node-password.k3s` }, type: "k3s.cattle.io/node-password", stringData: { hash: "stand-in" } } });
    const down = await akash(["down"]);
    expect(down.code, `${down.stdout}\n${down.stderr}\n${agent.logTail(40)}`).toBe(0);
    await expect(core.readNode({ name: deviceId })).rejects.toThrow();
    await expect(core.readNamespacedSecret({ namespace: "kube-system", name: `${deviceId}.node-password.k3s` })).rejects.toThrow();
    const nodes = JSON.parse(await headscale.cli(["nodes", "list", "-o", "json"])) as { name: string; given_name?: string }[];
    expect(nodes.some((n) => n.name === deviceId || n.given_name === deviceId)).toBe(false);
    const list = (await (await owner.call("GET", "/api/v1/owner/devices")).json()) as OwnerDeviceList;
    expect(list.devices.find((d) => d.deviceId === deviceId)?.state).toBe("removed");
    // The pods it ran went back to Pending: nowhere else matches their node selector.
    const pods = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=on-device" });
    expect(pods.items.every((p) => p.spec?.nodeName !== deviceId || p.metadata?.deletionTimestamp)).toBe(true);
  }, 180_000);
});
