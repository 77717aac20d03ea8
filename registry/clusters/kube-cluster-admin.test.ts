// KubeClusterAdmin against a real control plane (etcd, kube-apiserver with bootstrap-token auth, the real
// scheduler and controller-manager) with KWOK keeping fake Nodes Ready, acting as the registry does: through
// the ServiceAccount whose RBAC `akash-home registry region manifest` prints, applied as an operator would.
// Everything the adapter does is checked through the admin's eyes, never through the adapter itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { KubeConfig } from "@kubernetes/client-node";
import { startKubeCluster, type KubeCluster } from "../../tests/infra/kube-cluster.ts";
import { FAKE_NODE_ANNOTATION } from "../../tests/infra/kwok.ts";
import { CuttableLink } from "../../tests/infra/cuttable-link.ts";
import { waitUntil } from "../../tests/infra/process.ts";
import { applyManifest, kubeconfigWithToken as kubeconfigWithTokenFor, registryToken } from "../../tests/infra/registry-credentials.ts";
import { withLogsOnFailure } from "../../tests/infra/work-dir.ts";
import { freePort } from "../../tests/support/free-port.ts";
import { regionManifest } from "../cli/region-manifest.ts";
import type { NodeSnapshot } from "./cluster-admin.ts";
import { BOOTSTRAP_GROUP } from "./k3s-token.ts";
import { ClusterError, KubeClusterAdmin } from "./kube-cluster-admin.ts";
import { kubeFetch } from "./kube-transport.ts";
import { deviceNodeLabels, EDGE_SELECTOR } from "./node-labels.ts";
import { REGISTRY_NAMESPACE, REGISTRY_TOKEN_SECRET } from "./registry-rbac.ts";

let cluster: KubeCluster;
let registryKc: KubeConfig;
let clusterAdmin: KubeClusterAdmin;

const OWNER = "akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63";
/**
 * How long to wait for KWOK (fake Nodes Ready, pods Running, deleted pods gone). It can lag a minute: its
 * client's streaming lists are refused by this API server on Debian's etcd 3.4, and it retries with backoff.
 */
const KWOK_MS = 150_000;

/** admin calls the API server as cluster admin and returns the parsed body (throws on an unexpected status). */
async function admin<T = any>(method: string, path: string, body?: unknown, expectStatus: number[] = [200, 201]): Promise<T> {
  const init: RequestInit = { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) };
  const res = await cluster.adminFetch(path, init);
  const text = await res.text();
  if (!expectStatus.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** kubeconfigWithToken is a kubeconfig for this cluster (or an address in front of it) with a bearer token. */
const kubeconfigWithToken = (token: string, server = cluster.apiServerUrl) => kubeconfigWithTokenFor(cluster, token, server);

/** createNode makes a KWOK-kept Node carrying a device's labels. */
async function createNode(name: string, labels: Record<string, string> = {}): Promise<void> {
  await admin("POST", "/api/v1/nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value, "node.alpha.kubernetes.io/ttl": "0" },
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", ...labels },
    },
    status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" }, allocatable: { cpu: "8", memory: "32Gi", pods: "110" } },
  });
}

async function node(name: string): Promise<any> {
  return admin("GET", `/api/v1/nodes/${name}`);
}

/** createPod makes a pod the real scheduler places on node (by its hostname label). */
async function createPod(name: string, nodeName: string, labels: Record<string, string> = {}, requests = { cpu: "500m", memory: "128Mi" }): Promise<void> {
  await admin("POST", "/api/v1/namespaces/default/pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels },
    spec: {
      nodeSelector: { "kubernetes.io/hostname": nodeName },
      containers: [{ name: "app", image: "registry.invalid/app:1", resources: { requests } }],
    },
  });
}

async function podsOn(nodeName: string): Promise<{ name: string; phase: string; deleting: boolean }[]> {
  const list = await admin("GET", `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${nodeName}`)}`);
  return list.items.map((p: any) => ({ name: p.metadata.name, phase: p.status?.phase, deleting: Boolean(p.metadata.deletionTimestamp) }));
}

async function waitRunning(nodeName: string, names: string[]): Promise<void> {
  try {
    await waitUntil(
      `${names.join(", ")} Running on ${nodeName}`,
      async () => {
        const pods = await podsOn(nodeName);
        return names.every((n) => pods.some((p) => p.name === n && p.phase === "Running"));
      },
      { timeoutMs: KWOK_MS, intervalMs: 250 },
    );
  } catch (err) {
    // Say why: the scheduler's and KWOK's view of those pods and the node.
    const events = await admin("GET", "/api/v1/namespaces/default/events");
    const why = events.items.filter((e: any) => names.includes(e.involvedObject.name) || e.involvedObject.name === nodeName).map((e: any) => `${e.involvedObject.name}: ${e.reason}: ${e.message}`);
    const n = await node(nodeName);
    throw new Error(`${(err as Error).message.split("\n")[0]}\nnode: ${JSON.stringify({ spec: n.spec, conditions: n.status?.conditions?.map((c: any) => `${c.type}=${c.status}`) })}\n${why.join("\n")}`);
  }
}

beforeAll(async () => {
  cluster = await withLogsOnFailure(() => startKubeCluster({ kwok: true }));
  // The operator's step: apply the printed manifest (comments and all), then build a kubeconfig from its token.
  const manifest = regionManifest({ regionId: "test", regionName: "Test", headscaleUrl: "http://127.0.0.1:1", podCidr: "10.42.0.0/16" });
  expect(await applyManifest(cluster, manifest)).toEqual(["ServiceAccount", "Secret", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);
  const token = await registryToken(cluster);
  registryKc = kubeconfigWithToken(token);
  clusterAdmin = new KubeClusterAdmin(registryKc);
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("join tokens", () => {
  test("a minted token is k3s's secure form, pinned to the cluster CA, and stored as a bootstrap token for the device", async () => {
    const minted = await clusterAdmin.mintBootstrapToken({ deviceId: "ah-aaaaaaaaaaaaaaaa", ttlMs: 10 * 60_000 });
    expect(minted.token).toMatch(/^K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(minted.token.slice(3, 67)).toBe(cluster.caPemSha256Hex);
    expect(minted.token).toContain(`::${minted.tokenId}.`);
    const secret = await admin("GET", `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${minted.tokenId}`);
    const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
    expect(secret.type).toBe("bootstrap.kubernetes.io/token");
    expect(data["token-id"]).toBe(minted.tokenId);
    expect(`${data["token-id"]}.${data["token-secret"]}`).toBe(minted.token.split("::")[1]!);
    expect(data.expiration).toBe(minted.expiresAt);
    expect(Date.parse(data.expiration!)).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(data["usage-bootstrap-authentication"]).toBe("true");
    expect(data["auth-extra-groups"]).toBe(BOOTSTRAP_GROUP);
    expect(data.description).toContain("ah-aaaaaaaaaaaaaaaa");
  }, 30_000);

  /** whoAmI authenticates with a bearer token and returns the status and the user the API server saw. */
  async function whoAmI(bearer: string): Promise<{ status: number; username?: string; groups?: string[] }> {
    const res = await fetch(`${cluster.apiServerUrl}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
      tls: { ca: cluster.caCertPem },
    } as RequestInit);
    const body = (await res.json().catch(() => ({}))) as { status?: { userInfo?: { username?: string; groups?: string[] } } };
    return { status: res.status, username: body.status?.userInfo?.username, groups: body.status?.userInfo?.groups };
  }

  // The API server keeps a successful token authentication for 10 s (its token cache), so a token that was
  // just used is refused at most that long after it is revoked or expires.
  const TOKEN_CACHE_MS = 10_000;

  test("the API server accepts the token as a bootstrapper until it is revoked, then answers 401", async () => {
    const minted = await clusterAdmin.mintBootstrapToken({ deviceId: "ah-bbbbbbbbbbbbbbbb", ttlMs: 10 * 60_000 });
    const bearer = minted.token.split("::")[1]!;
    await waitUntil("the fresh token accepted", async () => (await whoAmI(bearer)).status === 201, { timeoutMs: 3000, intervalMs: 100 });
    const before = await whoAmI(bearer);
    const usedAt = Date.now();
    expect(before.status).toBe(201);
    expect(before.username).toBe(`system:bootstrap:${minted.tokenId}`);
    expect(before.groups).toEqual(expect.arrayContaining(["system:bootstrappers", BOOTSTRAP_GROUP]));
    expect(await clusterAdmin.revokeBootstrapToken(minted.tokenId)).toBe(true);
    await waitUntil("the revoked token refused", async () => (await whoAmI(bearer)).status === 401, { timeoutMs: TOKEN_CACHE_MS + 5000, intervalMs: 250 });
    expect(Date.now() - usedAt).toBeLessThan(TOKEN_CACHE_MS + 3000);
    expect(await clusterAdmin.revokeBootstrapToken(minted.tokenId)).toBe(false);

  }, 30_000);

  test("the API server refuses the token once it has expired", async () => {
    // Long enough to be used first on a busy machine: the expiry is rounded down to whole seconds, and the
    // API server sees a new token Secret through its informer, a moment after it is created.
    const minted = await clusterAdmin.mintBootstrapToken({ deviceId: "ah-cccccccccccccccc", ttlMs: 5000 });
    const bearer = minted.token.split("::")[1]!;
    await waitUntil("the fresh token accepted", async () => (await whoAmI(bearer)).status === 201, { timeoutMs: 3000, intervalMs: 100 });
    const usedAt = Date.now();
    await waitUntil("the expired token refused", async () => (await whoAmI(bearer)).status === 401, { timeoutMs: TOKEN_CACHE_MS + 8000, intervalMs: 250 });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(minted.expiresAt));
    expect(Date.now() - usedAt).toBeLessThan(TOKEN_CACHE_MS + 3000);

    // One that expires before anyone used it is refused from the first try.
    const late = await clusterAdmin.mintBootstrapToken({ deviceId: "ah-cccccccccccccccc", ttlMs: 1000 });
    await Bun.sleep(Math.max(0, Date.parse(late.expiresAt) - Date.now()) + 1100);
    expect((await whoAmI(late.token.split("::")[1]!)).status).toBe(401);
  }, 40_000);

  test("a token's TTL must be between 1 s and 24 h", async () => {
    await expect(clusterAdmin.mintBootstrapToken({ deviceId: "ah-dddddddddddddddd", ttlMs: 25 * 3600_000 })).rejects.toThrow("between 1 s and 24 h");
  });
});

describe("device Nodes", () => {
  const labels = deviceNodeLabels({
    deviceId: "ah-eeeeeeeeeeeeeeee",
    owner: OWNER,
    regionId: "test",
    locationRegion: "na-us-west",
    gpus: [{ vendor: "nvidia", akashModel: "rtx4090", akashMemory: "24Gi", akashInterface: "pcie", supported: true }],
  });

  test("the watcher sees a device Node appear, go Ready, take a scheduled pod, be cordoned, and go away", async () => {
    const seen: NodeSnapshot[] = [];
    let synced = 0;
    const watch = await clusterAdmin.watch({ onNode: (s) => seen.push(s), onSynced: () => synced++ }, { nodeSelector: EDGE_SELECTOR });
    try {
      expect(synced).toBe(1);
      const name = "ah-eeeeeeeeeeeeeeee";
      await createNode(name, labels);
      await createNode("not-a-device"); // no edge label: never reported
      const last = () => [...seen].reverse().find((s) => s.name === name);
      await waitUntil("the Node reported Ready", () => last()?.ready === true, { timeoutMs: KWOK_MS });
      expect(last()!.labels).toMatchObject(labels);
      expect(last()!.exists).toBe(true);

      await createPod("lease-web", name, { "akash.network": "true" }, { cpu: "1500m", memory: "2Gi" });
      await waitUntil("the pod reported Running on the Node", () => last()?.pods.some((p) => p.name === "lease-web" && p.phase === "Running") === true, { timeoutMs: KWOK_MS });
      const pod = last()!.pods.find((p) => p.name === "lease-web")!;
      expect(pod).toMatchObject({ namespace: "default", node: name, requests: { cpuCores: 1.5, memoryBytes: 2 * 2 ** 30, gpus: 0 }, labels: { "akash.network": "true" } });
      expect(Date.parse(pod.startedAt!)).toBeGreaterThan(Date.now() - 60_000);
      expect(watch.snapshot(name)?.pods.map((p) => p.name)).toEqual(["lease-web"]);

      expect(await clusterAdmin.cordon(name)).toBe(true);
      await waitUntil("the cordon reported", () => last()?.unschedulable === true, { timeoutMs: 10_000 });

      await admin("DELETE", `/api/v1/namespaces/default/pods/lease-web?gracePeriodSeconds=0`);
      await waitUntil("the pod's departure reported", () => last()?.pods.length === 0, { timeoutMs: KWOK_MS });
      await admin("DELETE", `/api/v1/nodes/${name}`);
      await waitUntil("the Node's deletion reported", () => last()?.exists === false, { timeoutMs: 10_000 });
      expect(watch.snapshot(name)).toBeNull();
      expect(seen.some((s) => s.name === "not-a-device")).toBe(false);
    } finally {
      await watch.stop();
    }
  }, 4 * KWOK_MS);

  test("the watcher rides out a network outage: it reports the loss, reconnects by itself and misses nothing", async () => {
    const link = new CuttableLink(new URL(cluster.apiServerUrl));
    const errors: string[] = [];
    const seen: NodeSnapshot[] = [];
    const throughLink = new KubeClusterAdmin(kubeconfigWithToken(registryKc.getCurrentUser()!.token!, link.url));
    const watch = await throughLink.watch({ onNode: (s) => seen.push(s), onError: (e) => errors.push(e.message) }, { nodeSelector: EDGE_SELECTOR });
    try {
      link.cut();
      await waitUntil("the lost watch reported", () => errors.length > 0, { timeoutMs: 30_000 });
      expect(errors[0]).toContain("lost the watch");
      // Made while the registry cannot see the cluster.
      await createNode("ah-outage000000000", deviceNodeLabels({ deviceId: "ah-outage000000000", owner: OWNER, regionId: "test", locationRegion: "na-us-west", gpus: [] }));
      await Bun.sleep(2000);
      expect(seen.some((s) => s.name === "ah-outage000000000")).toBe(false);
      link.restore();
      await waitUntil("the Node made during the outage reported", () => seen.some((s) => s.name === "ah-outage000000000" && s.exists), { timeoutMs: 60_000 });
      expect(watch.snapshot("ah-outage000000000")?.labels[EDGE_SELECTOR.split("=")[0]!]).toBe("true");
    } finally {
      await watch.stop();
      link.stop();
      await admin("DELETE", "/api/v1/nodes/ah-outage000000000", undefined, [200, 404]);
    }
  }, 120_000);

  test("labels are set and removed, and a missing Node is reported as such", async () => {
    await createNode("label-target");
    expect(await clusterAdmin.labelNode("label-target", { "home.akash.network/owner": OWNER, "home.akash.network/edge": "true" })).toBe(true);
    expect((await node("label-target")).metadata.labels).toMatchObject({ "home.akash.network/owner": OWNER, "home.akash.network/edge": "true", "kubernetes.io/hostname": "label-target" });
    expect(await clusterAdmin.labelNode("label-target", { "home.akash.network/owner": null })).toBe(true);
    expect((await node("label-target")).metadata.labels["home.akash.network/owner"]).toBeUndefined();
    expect((await node("label-target")).metadata.labels["home.akash.network/edge"]).toBe("true");
    expect(await clusterAdmin.labelNode("no-such-node", { a: "b" })).toBe(false);
  }, 30_000);

  test("cordon and uncordon flip schedulability, and the scheduler obeys", async () => {
    await createNode("cordon-target");
    expect(await clusterAdmin.cordon("cordon-target")).toBe(true);
    expect((await node("cordon-target")).spec.unschedulable).toBe(true);
    await createPod("waits-for-uncordon", "cordon-target");
    // The scheduler says why it cannot place the pod: the cordon.
    await waitUntil(
      "the scheduler refusing the cordoned node",
      async () => (await admin("GET", "/api/v1/namespaces/default/events")).items.some((e: any) => e.involvedObject.name === "waits-for-uncordon" && e.reason === "FailedScheduling" && /unschedulable/.test(e.message)),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect((await podsOn("cordon-target")).map((p) => p.name)).not.toContain("waits-for-uncordon");
    expect(await clusterAdmin.uncordon("cordon-target")).toBe(true);
    expect((await node("cordon-target")).spec.unschedulable).toBeUndefined();
    await waitUntil("the scheduler binds the waiting pod", async () => (await podsOn("cordon-target")).some((p) => p.name === "waits-for-uncordon"), { timeoutMs: 60_000 });
    expect(await clusterAdmin.cordon("no-such-node")).toBe(false);
  }, 120_000);

  test("drain evicts what must leave, keeps DaemonSet pods, waits on a disruption budget and reports what it could not move", async () => {
    const name = "drain-target";
    await createNode(name);
    await admin("POST", "/apis/apps/v1/namespaces/default/daemonsets", {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "node-agent", namespace: "default" },
      spec: {
        selector: { matchLabels: { app: "node-agent" } },
        template: {
          metadata: { labels: { app: "node-agent" } },
          spec: { nodeSelector: { "kubernetes.io/hostname": name }, tolerations: [{ operator: "Exists" }], containers: [{ name: "a", image: "registry.invalid/agent:1" }] },
        },
      },
    });
    await createPod("free-0", name);
    await createPod("guarded-0", name, { app: "guarded" });
    await createPod("guarded-1", name, { app: "guarded" });
    await admin("POST", "/apis/policy/v1/namespaces/default/poddisruptionbudgets", {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "guarded", namespace: "default" },
      spec: { minAvailable: 2, selector: { matchLabels: { app: "guarded" } } },
    });
    await waitRunning(name, ["free-0", "guarded-0", "guarded-1"]);
    await waitUntil("the DaemonSet pod on the node", async () => (await podsOn(name)).some((p) => p.name.startsWith("node-agent-") && p.phase === "Running"), { timeoutMs: KWOK_MS });
    await waitUntil(
      "the disruption budget observed",
      async () => (await admin("GET", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/guarded")).status?.currentHealthy === 2,
      { timeoutMs: 60_000 },
    );

    const blocked = await clusterAdmin.drain(name, { timeoutMs: 3000 });
    expect((await node(name)).spec.unschedulable).toBe(true);
    expect(blocked.evicted).toEqual(["default/free-0"]);
    expect(blocked.remaining.map((r) => r.pod)).toEqual(["default/guarded-0", "default/guarded-1"]);
    expect(blocked.remaining[0]!.reason).toMatch(/disruption budget/i);
    await waitUntil("free-0 gone", async () => !(await podsOn(name)).some((p) => p.name === "free-0"), { timeoutMs: KWOK_MS });

    // The budget relaxed: the same drain now empties the node of everything but the DaemonSet's pod.
    const patched = await cluster.adminFetch("/apis/policy/v1/namespaces/default/poddisruptionbudgets/guarded", {
      method: "PATCH",
      body: JSON.stringify({ spec: { minAvailable: 0 } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    expect(patched.status).toBe(200);
    await waitUntil(
      "the budget allows disruptions",
      async () => ((await admin("GET", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/guarded")).status?.disruptionsAllowed ?? 0) >= 2,
      { timeoutMs: 60_000 },
    );
    const allowed = await clusterAdmin.drain(name, { timeoutMs: 10_000 });
    expect(allowed.evicted).toEqual(["default/guarded-0", "default/guarded-1"]);
    expect(allowed.remaining).toEqual([]);
    await waitUntil("only the DaemonSet pod left", async () => (await podsOn(name)).every((p) => p.name.startsWith("node-agent-")), { timeoutMs: KWOK_MS }).catch(async (err) => {
      throw new Error(`${(err as Error).message.split("\n")[0]}: ${JSON.stringify(await podsOn(name))}`);
    });
    expect((await podsOn(name)).length).toBe(1);
  }, 5 * KWOK_MS);

  test("deleteNode removes the Node and k3s's node-password Secret, and a second delete finds neither", async () => {
    await createNode("leaving-device");
    await admin("POST", "/api/v1/namespaces/kube-system/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "leaving-device.node-password.k3s", namespace: "kube-system" },
      stringData: { hash: "not-a-real-hash" },
    });
    expect(await clusterAdmin.deleteNode("leaving-device")).toEqual({ nodeDeleted: true, passwordDeleted: true });
    await admin("GET", "/api/v1/nodes/leaving-device", undefined, [404]);
    await admin("GET", "/api/v1/namespaces/kube-system/secrets/leaving-device.node-password.k3s", undefined, [404]);
    expect(await clusterAdmin.deleteNode("leaving-device")).toEqual({ nodeDeleted: false, passwordDeleted: false });
  }, 30_000);

  test("who deployed a lease is read from its Namespace's labels (the provider labels the Namespace, not the pods); others are left out", async () => {
    const tenant = "akash1szns0tmacalwzg50jyn3sreevjp4ukltnxfx09";
    const leaseLabels = { "akash.network/lease.id.owner": tenant, "akash.network/lease.id.dseq": "5100001", "akash.network/lease.id.gseq": "1", "akash.network/lease.id.oseq": "1" };
    await admin("POST", "/api/v1/namespaces", { metadata: { name: "lease-ns-owned", labels: leaseLabels } });
    await admin("POST", "/api/v1/namespaces", { metadata: { name: "plain-ns" } });
    const owners = await clusterAdmin.leaseOwners(["lease-ns-owned", "plain-ns", "lease-ns-owned", "no-such-ns"]);
    expect([...owners]).toEqual([["lease-ns-owned", tenant]]);
  });
});

describe("the registry's RBAC is exactly enough", () => {
  async function registryCall(method: string, path: string, body?: unknown): Promise<number> {
    const res = await kubeFetch(registryKc, path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
    await res.body?.cancel();
    return res.status;
  }

  test("it cannot read any Secret, not even its own token or a join token it made", async () => {
    const minted = await clusterAdmin.mintBootstrapToken({ deviceId: "ah-ffffffffffffffff", ttlMs: 60_000 });
    expect(await registryCall("GET", `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${minted.tokenId}`)).toBe(403);
    expect(await registryCall("GET", `/api/v1/namespaces/${REGISTRY_NAMESPACE}/secrets/${REGISTRY_TOKEN_SECRET}`)).toBe(403);
    expect(await registryCall("GET", "/api/v1/namespaces/kube-system/secrets")).toBe(403);
    expect(await registryCall("GET", "/api/v1/secrets")).toBe(403);
  }, 30_000);

  test("it cannot touch Secrets outside kube-system", async () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "x", namespace: "default" }, stringData: { a: "b" } };
    expect(await registryCall("POST", "/api/v1/namespaces/default/secrets", secret)).toBe(403);
    expect(await registryCall("DELETE", "/api/v1/namespaces/default/secrets/x")).toBe(403);
  }, 30_000);

  test("it cannot run workloads, change RBAC, or create Nodes", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "x" }] } };
    expect(await registryCall("POST", "/api/v1/namespaces/default/pods", pod)).toBe(403);
    expect(await registryCall("DELETE", "/api/v1/namespaces/default/pods/p")).toBe(403);
    expect(await registryCall("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", { metadata: { name: "x" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [] })).toBe(403);
    expect(await registryCall("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "rogue" } })).toBe(403);
    expect(await registryCall("PATCH", "/api/v1/nodes/rogue/status", {})).toBe(403);
  }, 30_000);

  test("a credential without the RBAC gets errors that say which permission is missing and where to get it", async () => {
    await admin("POST", "/api/v1/namespaces/default/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "nobody", namespace: "default" } });
    const tokenRequest = await admin("POST", "/api/v1/namespaces/default/serviceaccounts/nobody/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600 } });
    const bare = new KubeClusterAdmin(kubeconfigWithToken(tokenRequest.status.token));
    await createNode("permission-target");
    const err = (await bare.cordon("permission-target").catch((e: unknown) => e)) as ClusterError;
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.status).toBe(403);
    expect(err.message).toContain("patch nodes");
    expect(err.message).toContain("akash-home registry region manifest");
    await expect(bare.mintBootstrapToken({ deviceId: "ah-gggggggggggggggg", ttlMs: 60_000 })).rejects.toThrow("create secrets in kube-system");
    await expect(bare.watch({ onNode: () => {} })).rejects.toThrow("(403)");
  }, 30_000);

  test("health is ok for a live API server and says what to check for a dead one", async () => {
    expect(await clusterAdmin.health()).toMatchObject({ ok: true, message: "ok" });
    const deadKc = new KubeConfig();
    deadKc.loadFromOptions({
      clusters: [{ name: "c", server: `https://127.0.0.1:${await freePort()}`, caData: Buffer.from(cluster.caCertPem).toString("base64") }],
      users: [{ name: "u", token: "x" }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
    const dead = await new KubeClusterAdmin(deadKc).health();
    expect(dead.ok).toBe(false);
    expect(dead.message).toContain("cannot reach the API server");
    expect(dead.message).toContain("kubeconfig");
  }, 30_000);
});
