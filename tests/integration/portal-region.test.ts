// The portals against a connected region's real parts: a Kubernetes control plane (etcd, kube-apiserver,
// scheduler, controller-manager) and Headscale with an ingress machine joined by a real tailscaled. The
// registry runs as its own process with one region connected (kubeconfig, headscale, join) and one not.
// What an owner and an operator see: the pods on a device's Node listed on its page, Headscale and ingress
// health read from the region, a plain "not connected" for the other (configured, but without a join
// section, so the registry does not act in its cluster), an owner's remove taking the device out of
// the cluster through the membership service, and an operator's ban leaving no join credential alive.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { REGISTRY_API, type DeviceActionOutcome, type DeviceDetail, type JoinCredentials, type RegionOverviewList } from "../../protocol/index.ts";
import { EDGE_LABEL } from "../../registry/clusters/node-labels.ts";
import { INGRESS_TAG, regionAclPolicy, renderAclPolicy } from "../../registry/vpn/acl-policy.ts";
import { HeadscaleTailnet } from "../../registry/vpn/headscale-tailnet.ts";
import { checkIn, newDevice, signedFetch, type ApiDevice } from "../api/support/device-requests.ts";
import { startHeadscale, type Headscale } from "../infra/headscale.ts";
import { CuttableLink } from "../infra/cuttable-link.ts";
import { startKubeCluster, type KubeCluster } from "../infra/kube-cluster.ts";
import { registryKubeconfigFile } from "../infra/registry-credentials.ts";
import { startTailscaled, type Tailscaled } from "../infra/tailscaled.ts";
import { waitUntil } from "../infra/process.ts";
import { withLogsOnFailure } from "../infra/work-dir.ts";
import { newOwnerWallet, signInOwner, type TestOwner } from "../support/owner-wallet.ts";
import { PLACES, region, registryConfigYaml, UNCONNECTED } from "../support/regions-config.ts";
import { startRegistryProcess, type RegistryProcess } from "../support/registry-process.ts";

const TENANT = "akash1szns0tmacalwzg50jyn3sreevjp4ukltnxfx09";

let cluster: KubeCluster;
/** The kubeconfig the registry gets: its own ServiceAccount under the printed least-privilege RBAC. */
let registryKubeconfig: string;
/** The registry reaches the region's API server through this relay, so a test can cut the region off. */
let clusterLink: CuttableLink;
let hs: Headscale;
let ingress: Tailscaled;
let registry: RegistryProcess;
let operator: TestOwner;
let owner: TestOwner;
let connected: string;
let unconnected: string;
/** A device that was handed join credentials and has not used them yet. */
let joining: ApiDevice;
/** A joined device taken out while the registry cannot reach its region's cluster. */
let stranded: string;

function regionsYaml(admin: string): string {
  return registryConfigYaml({
    admins: [admin],
    regions: [
      region("west", "West", PLACES.west, { kubeconfig: registryKubeconfig, headscale: { url: hs.url, apiKeyFile: hs.apiKeyFile }, join: { server: cluster.apiServerUrl } }),
      region("east", "East", PLACES.east, UNCONNECTED),
    ],
  });
}

/** admin calls the API server as cluster admin: the test's own eyes, not the registry's. */
async function admin(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<Response> {
  return cluster.adminFetch(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": contentType } }) });
}

async function createNode(name: string, labels: Record<string, string>): Promise<void> {
  const created = await admin("POST", "/api/v1/nodes", { metadata: { name, labels } });
  if (!created.ok) throw new Error(`create node ${name}: ${created.status} ${await created.text()}`);
}

/** markReady writes a Ready condition as a kubelet would (no kubelet runs here). */
async function markReady(name: string): Promise<void> {
  const now = new Date().toISOString();
  const patched = await admin("PATCH", `/api/v1/nodes/${name}/status`, { status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "test", lastHeartbeatTime: now, lastTransitionTime: now }] } }, "application/merge-patch+json");
  if (!patched.ok) throw new Error(`mark ${name} Ready: ${patched.status} ${await patched.text()}`);
}

/** bindPod puts a pod straight onto a Node, as the scheduler would. */
async function bindPod(namespace: string, name: string, node: string, gpus: number): Promise<void> {
  const resources = gpus ? { requests: { "nvidia.com/gpu": String(gpus) }, limits: { "nvidia.com/gpu": String(gpus) } } : { requests: { cpu: "100m" } };
  const created = await admin("POST", `/api/v1/namespaces/${namespace}/pods`, { metadata: { name }, spec: { nodeName: node, containers: [{ name: "app", image: "registry.invalid/app:1", resources }] } });
  if (!created.ok) throw new Error(`create pod ${name}: ${created.status} ${await created.text()}`);
}

beforeAll(
  () =>
    withLogsOnFailure(async () => {
      [cluster, hs] = await Promise.all([startKubeCluster(), startHeadscale({ policyJson: renderAclPolicy(regionAclPolicy()), policyMode: "database" })]);
      // The region's ingress machine joins the tailnet with a key tagged as ingress, as its operator would.
      const key = await new HeadscaleTailnet({ url: hs.url, apiKeyFile: hs.apiKeyFile, deviceTags: [INGRESS_TAG] }).mintAuthKey({ deviceId: "ingress-1", ttlMs: 10 * 60_000 });
      ingress = await startTailscaled({ name: "ingress-1" });
      await ingress.up({ loginServer: hs.url, authKey: key.key, hostname: "ingress-1" });
      await createNode("ingress-1", {});
      await markReady("ingress-1");
      clusterLink = new CuttableLink(new URL(cluster.apiServerUrl));
      registryKubeconfig = await registryKubeconfigFile(cluster, clusterLink.url);

      const op = await newOwnerWallet();
      registry = await startRegistryProcess({ regionsYaml: regionsYaml(op.address), flags: ["--ip-rate", "0", "--device-rate", "0"] });
      [operator, owner] = await Promise.all([signInOwner(registry.url, op), signInOwner(registry.url)]);
      const west = newDevice();
      const east = newDevice();
      await checkIn(registry.url, west, await owner.claimCode(), { hostname: "lab-pc", rtts: [{ regionId: "west", rttMs: 10, error: null }] });
      await checkIn(registry.url, east, await owner.claimCode(), { hostname: "den-pc", regionChoice: "east" });
      connected = west.key.id;
      unconnected = east.key.id;
      joining = newDevice();
      await checkIn(registry.url, joining, await owner.claimCode(), { hostname: "attic-pc", rtts: [{ regionId: "west", rttMs: 12, error: null }] });
      const far = newDevice();
      await checkIn(registry.url, far, await owner.claimCode(), { hostname: "cabin-pc", rtts: [{ regionId: "west", rttMs: 40, error: null }] });
      stranded = far.key.id;
      await createNode(stranded, { [EDGE_LABEL]: "true" });
      // The device's Node in the cluster, with a GPU deployment and a small one on it.
      await createNode(connected, { [EDGE_LABEL]: "true" });
      // Labelled as Akash's provider labels a lease's Namespace (its pods carry no lease labels).
      await admin("POST", "/api/v1/namespaces", { metadata: { name: "lease-a", labels: { "akash.network/lease.id.owner": TENANT, "akash.network/lease.id.dseq": "5100001" } } });
      await bindPod("lease-a", "inference-0", connected, 1);
      await bindPod("lease-a", "sidecar-0", connected, 0);
    }),
  240_000,
);

afterAll(async () => {
  await registry?.stop();
  clusterLink?.stop();
  await ingress?.stop();
  await Promise.all([hs?.stop(), cluster?.stop()]);
});

const detailOf = async (id: string) => (await (await owner.call("GET", REGISTRY_API.ownerDevice.replace(":id", id))).json()) as DeviceDetail;

describe("a device page", () => {
  test("lists what runs on the device's Node as the region's cluster reports it, GPU work first, with who deployed it", async () => {
    const detail = await detailOf(connected);
    expect(detail.workloadsSource).toBe("cluster");
    expect(detail.workloads).toEqual([
      { namespace: "lease-a", name: "inference-0", leaseOwner: TENANT, since: null, gpus: 1 },
      { namespace: "lease-a", name: "sidecar-0", leaseOwner: TENANT, since: null, gpus: 0 },
    ]);
    const html = await (await fetch(`${registry.url}/portal/devices/${connected}`, { headers: { cookie: owner.cookie, accept: "text/html" } })).text();
    expect(html).toContain("inference-0");
    expect(html).toContain(`deployed by ${TENANT}`);
    expect(html).toContain("As the region's cluster lists them now.");
  });

  test("says plainly when the device's region has no connected cluster", async () => {
    const detail = await detailOf(unconnected);
    expect(detail).toMatchObject({ workloadsSource: "no_cluster", workloads: null });
    const html = await (await fetch(`${registry.url}/portal/devices/${unconnected}`, { headers: { cookie: owner.cookie, accept: "text/html" } })).text();
    expect(html).toContain("The registry is not connected to this region");
  });
});

describe("the admin portal", () => {
  test("reads Headscale, the cluster API and the ingress machine from the region, and says the other region is not connected", async () => {
    await markReady("ingress-1"); // fresh, so the node controller has not yet marked it unknown for want of a kubelet
    const { regions } = (await (await operator.call("GET", REGISTRY_API.adminRegions)).json()) as RegionOverviewList;
    const west = regions.find((r) => r.id === "west")!;
    const east = regions.find((r) => r.id === "east")!;
    expect(west.headscale).toMatchObject({ status: "ok", detail: "ok: 0 of 0 device nodes online" });
    expect(west.cluster.status).toBe("ok");
    expect(west.ingress).toMatchObject({ status: "ok", detail: "ok: 1 ingress machine online on the tailnet and Ready in the cluster" });
    for (const part of [east.headscale, east.cluster, east.ingress]) expect(part).toMatchObject({ status: "not_configured", detail: "the registry is not connected to this region's cluster" });
    const html = await (await fetch(`${registry.url}/admin/regions/east`, { headers: { cookie: operator.cookie, accept: "text/html" } })).text();
    expect(html).toContain("The registry is not connected to this region");
  });
});

describe("removing a device", () => {
  test("in a connected region goes through membership: pods evicted, the Node deleted, the device removed", async () => {
    const out = (await (await owner.call("POST", REGISTRY_API.ownerDeviceAction.replace(":id", connected).replace(":action", "remove"))).json()) as DeviceActionOutcome;
    expect(out).toMatchObject({ state: "removed", cluster: { configured: true, evicted: 2, remaining: [], nodeDeleted: true, tailnetNodeDeleted: false } });
    expect((await admin("GET", `/api/v1/nodes/${connected}`)).status).toBe(404);
    expect((await detailOf(connected)).device.state).toBe("removed");
  });

  test("in a region without a connected cluster is the registry's alone, and says so", async () => {
    const out = (await (await owner.call("POST", REGISTRY_API.ownerDeviceAction.replace(":id", unconnected).replace(":action", "remove"))).json()) as DeviceActionOutcome;
    expect(out).toMatchObject({ state: "removed", cluster: { configured: false, nodeDeleted: false } });
    expect(out.message).toContain("not connected to its region's cluster");
  });
});

describe("banning a device", () => {
  test("takes back the join credentials it was handed: the bootstrap token no longer authenticates and the tailnet key joins nothing", async () => {
    const issued = await signedFetch(registry.url, joining, "POST", REGISTRY_API.deviceJoin);
    expect(issued.status).toBe(200);
    const creds = (await issued.json()) as JoinCredentials;
    const bearer = creds.cluster.token.split("::")[1]!;
    const asDevice = () => fetch(`${cluster.apiServerUrl}/api/v1/namespaces/default`, { headers: { Authorization: `Bearer ${bearer}` }, tls: { ca: cluster.caCertPem } } as RequestInit);
    // The token authenticates now (it is only allowed to bootstrap, so the answer is 403, not 401).
    expect((await asDevice()).status).toBe(403);

    const banned = await operator.call("POST", REGISTRY_API.adminDeviceAction.replace(":id", joining.key.id).replace(":action", "ban"), { reason: "abuse report" });
    const out = (await banned.json()) as DeviceActionOutcome;
    expect(out).toMatchObject({ state: "banned", cluster: { configured: true } });
    expect(out.message).toStartWith("Banned: the machine cannot check in again");

    const tokenId = bearer.split(".")[0];
    expect((await admin("GET", `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${tokenId}`)).status).toBe(404);
    // The API server keeps a token it has seen authenticate for up to 10 s (its token success cache).
    await waitUntil("the banned device's token stops authenticating", async () => (await asDevice()).status === 401, { timeoutMs: 20_000 });
    const machine = await startTailscaled({ name: "banned-1" });
    try {
      await expect(machine.up({ loginServer: hs.url, authKey: creds.tailnet.authKey, hostname: joining.key.id, timeoutSeconds: 10 })).rejects.toThrow();
    } finally {
      await machine.stop();
    }
    const again = await signedFetch(registry.url, joining, "POST", REGISTRY_API.deviceJoin);
    expect(again.status).toBe(409);
  }, 60_000);
});

describe("a region cut off from the registry", () => {
  test("does not keep a device in: it is removed at once, and its Node is deleted once the region answers again", async () => {
    clusterLink.cut();
    try {
      const res = await owner.call("POST", REGISTRY_API.ownerDeviceAction.replace(":id", stranded).replace(":action", "remove"));
      expect(res.status).toBe(200);
      const out = (await res.json()) as DeviceActionOutcome;
      expect(out).toMatchObject({ state: "removed", cluster: { configured: true, cleanupPending: true, nodeDeleted: false } });
      expect(out.message).toContain("Its region's cluster did not answer: the registry deletes its node and tailnet node there as soon as it does.");
      expect((await detailOf(stranded)).device.state).toBe("removed");
      // The cluster itself (seen past the cut) still has the Node: nothing there was done.
      expect((await admin("GET", `/api/v1/nodes/${stranded}`)).status).toBe(200);
      // The operator sees what is left to do in the region.
      const { regions } = (await (await operator.call("GET", REGISTRY_API.adminRegions)).json()) as RegionOverviewList;
      expect(regions.find((r) => r.id === "west")!.cluster.detail).toContain("1 removed device still has its node and tailnet node here, deleted as soon as the region answers");
    } finally {
      clusterLink.restore();
    }
    // The registry retries on its own; no one has to press anything again. The admin line clears once the
    // whole leave is done (the Node goes first, then the tailnet node, then the record).
    const westCluster = async () => ((await (await operator.call("GET", REGISTRY_API.adminRegions)).json()) as RegionOverviewList).regions.find((r) => r.id === "west")!.cluster.detail;
    await waitUntil("the registry's retry finished the stranded device's leave", async () => !(await westCluster()).includes("removed device"), { timeoutMs: 45_000, intervalMs: 500 });
    expect((await admin("GET", `/api/v1/nodes/${stranded}`)).status).toBe(404);
    expect((await detailOf(stranded)).device.state).toBe("removed");
  }, 60_000);
});
