// The harness's own proof that each real part works as the product's tests will use it: a Kubernetes control
// plane that schedules onto KWOK nodes and lets a node join with a bootstrap token the way a kubelet does;
// Headscale whose API key works; and a network lab where devices behind a NAT and an ingress reach each other
// over a real tailnet while nobody reaches the devices over the underlay.
// Logs of a failing test stay under the folder it prints (AKASH_HOME_KEEP_LOGS=1 keeps them always).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppsV1Api, CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { startHeadscale, type Headscale } from "./headscale.ts";
import { startKubeCluster, type KubeCluster } from "./kube-cluster.ts";
import { FAKE_POD_CIDR } from "./kwok.ts";
import { startNetworkLab, type NetworkLab } from "./netns.ts";
import { runCommand, waitUntil, type ManagedProcess } from "./process.ts";
import { startTailscaled, type Tailscaled } from "./tailscaled.ts";
import { probeTcp, startEchoServer } from "./tcp-echo.ts";
import { makeWorkDir, removeWorkDir, withLogsOnFailure } from "./work-dir.ts";

const randomName = (length: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const toInt = (a: string) => a.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = bits === "0" ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toInt(ip) & mask) === (toInt(base!) & mask);
}

describe("Kubernetes control plane with KWOK nodes", () => {
  let cluster: KubeCluster;
  beforeAll(async () => {
    cluster = await withLogsOnFailure(() => startKubeCluster({ kwok: true }));
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  test(
    "a Deployment of 3 replicas runs on 2 fake nodes, placed by the real scheduler",
    () =>
      withLogsOnFailure(async () => {
                const nodes = await cluster.kwok!.createFakeNodes(2, { namePrefix: "kwok", labels: { "example.test/pool": "home" }, capacity: { cpu: "4", memory: "8Gi", pods: "20" } });
        await cluster.api(AppsV1Api).createNamespacedDeployment({
          namespace: "default",
          body: {
            metadata: { name: "web" },
            spec: {
              replicas: 3,
              selector: { matchLabels: { app: "web" } },
              template: {
                metadata: { labels: { app: "web" } },
                spec: {
                  nodeSelector: { "example.test/pool": "home" },
                  containers: [{ name: "web", image: "registry.invalid/web:1", resources: { requests: { cpu: "100m", memory: "64Mi" } } }],
                },
              },
            },
          },
        });
        const core = cluster.api(CoreV1Api);
        let pods: V1Pod[] = [];
        await waitUntil(
          "3 running pods",
          async () => {
            pods = (await core.listNamespacedPod({ namespace: "default", labelSelector: "app=web" })).items;
            return pods.length === 3 && pods.every((p) => p.status?.phase === "Running" && p.status.podIP);
          },
          { timeoutMs: 60_000, intervalMs: 250, processes: [...cluster.processes] },
        );
        for (const pod of pods) {
          expect(nodes).toContain(pod.spec!.nodeName!);
          expect(inCidr(pod.status!.podIP!, FAKE_POD_CIDR)).toBe(true);
        }
        // The Deployment controller in kube-controller-manager sees them ready.
        await waitUntil(
          "Deployment ready",
          async () => (await cluster.api(AppsV1Api).readNamespacedDeployment({ namespace: "default", name: "web" })).status?.readyReplicas === 3,
          { timeoutMs: 30_000, intervalMs: 250 },
        );
      }),
    120_000,
  );

  test(
    "a bootstrap token authenticates like a joining kubelet: its node CSR is approved and signed, and the node registers itself",
    () =>
      withLogsOnFailure(async () => {
        const core = cluster.api(CoreV1Api);
        const id = randomName(6);
        const secret = randomName(16);
        await core.createNamespacedSecret({
          namespace: "kube-system",
          body: {
            metadata: { name: `bootstrap-token-${id}` },
            type: "bootstrap.kubernetes.io/token",
            stringData: {
              "token-id": id,
              "token-secret": secret,
              "usage-bootstrap-authentication": "true",
              "usage-bootstrap-signing": "true",
              expiration: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, "Z"),
            },
          },
        });
        const ca = cluster.caCertPem;
        const asToken = (token: string, path: string, init: RequestInit = {}) =>
          fetch(`${cluster.apiServerUrl}${path}`, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` }, tls: { ca } } as RequestInit);

        // Authenticated but not authorized for secrets: 403, not 401.
        expect((await asToken(`${id}.${secret}`, "/api/v1/namespaces/kube-system/secrets")).status).toBe(403);
        // A wrong secret for a real id is not authenticated at all.
        expect((await asToken(`${id}.${randomName(16)}`, "/api/v1/namespaces/kube-system/secrets")).status).toBe(401);

        // The kubelet's TLS bootstrap: a CSR for system:node:<name>, approved and signed by kube-controller-manager.
        const nodeName = `joined-${randomName(5)}`;
        const dir = makeWorkDir("csr");
        const keyPath = join(dir, "node.key");
        await runCommand(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyPath]);
        const csrPem = (await runCommand(["openssl", "req", "-new", "-key", keyPath, "-subj", `/O=system:nodes/CN=system:node:${nodeName}`])).stdout;
        const csrName = `node-csr-${randomName(8)}`;
        const created = await asToken(`${id}.${secret}`, "/apis/certificates.k8s.io/v1/certificatesigningrequests", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            apiVersion: "certificates.k8s.io/v1",
            kind: "CertificateSigningRequest",
            metadata: { name: csrName },
            spec: {
              request: Buffer.from(csrPem).toString("base64"),
              signerName: "kubernetes.io/kube-apiserver-client-kubelet",
              usages: ["digital signature", "client auth"],
            },
          }),
        });
        expect(created.status).toBe(201);
        let certPem = "";
        await waitUntil(
          "the node CSR approved and signed",
          async () => {
            const res = await asToken(`${id}.${secret}`, `/apis/certificates.k8s.io/v1/certificatesigningrequests/${csrName}`);
            const csr = (await res.json()) as { status?: { certificate?: string } };
            certPem = csr.status?.certificate ? Buffer.from(csr.status.certificate, "base64").toString() : "";
            return certPem !== "";
          },
          { timeoutMs: 30_000, intervalMs: 250, processes: [...cluster.processes] },
        );

        // With the issued cert the node registers itself; NodeRestriction keeps it off other nodes.
        const asNode = (path: string, init: RequestInit = {}) =>
          fetch(`${cluster.apiServerUrl}${path}`, { ...init, tls: { ca, cert: certPem, key: readFileSync(keyPath, "utf8") } } as RequestInit);
        const register = (name: string) =>
          asNode("/api/v1/nodes", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name } } }),
          });
        expect((await register(nodeName)).status).toBe(201);
        expect((await register(`${nodeName}-other`)).status).toBe(403);
        removeWorkDir(dir);

        // The bootstrapsigner controller signs cluster-info for the token, readable without credentials.
        await waitUntil(
          "cluster-info signed for the token",
          async () => {
            const res = await fetch(`${cluster.apiServerUrl}/api/v1/namespaces/kube-public/configmaps/cluster-info`, { tls: { ca } } as RequestInit);
            const cm = (await res.json()) as { data?: Record<string, string> };
            return Boolean(cm.data?.[`jws-kubeconfig-${id}`]);
          },
          { timeoutMs: 30_000, intervalMs: 250 },
        );
      }),
    120_000,
  );
});

describe("Headscale on loopback", () => {
  let headscale: Headscale;
  beforeAll(async () => {
    headscale = await startHeadscale();
  }, 60_000);
  afterAll(async () => {
    await headscale?.stop();
  });

  test("its API key (file 0600) opens the REST API; no key is refused", async () => {
    expect(readFileSync(headscale.apiKeyFile, "utf8")).toBe(headscale.apiKey);
    expect((await Bun.file(headscale.apiKeyFile).stat()).mode & 0o777).toBe(0o600);
    await headscale.cli(["users", "create", "someone"]);
    const withKey = await fetch(`${headscale.url}/api/v1/user`, { headers: { Authorization: `Bearer ${headscale.apiKey}` } });
    expect(withKey.status).toBe(200);
    expect(((await withKey.json()) as { users: { name: string }[] }).users.map((u) => u.name)).toContain("someone");
    expect((await fetch(`${headscale.url}/api/v1/user`)).status).toBe(401);
  });
});

describe("network lab: devices behind a NAT join Headscale and reach the ingress over the tailnet", () => {
  let lab: NetworkLab;
  let headscale: Headscale;
  let dir: string;
  const daemons: Tailscaled[] = [];
  const servers: ManagedProcess[] = [];
  const resolvConf = readFileSync("/etc/resolv.conf", "utf8");

  beforeAll(async () => {
    await withLogsOnFailure(async () => {
      lab = await startNetworkLab({ devices: 2, ingress: 1 });
      dir = makeWorkDir("echo");
      headscale = await startHeadscale({ netns: lab.region.netns, listenHost: lab.region.address });
      await headscale.cli(["users", "create", "lab"]);
      const [user] = await headscale.cliJson<{ id: number }[]>(["users", "list"]);
      const key = await headscale.cliJson<{ key: string }>(["preauthkeys", "create", "--user", String(user!.id), "--reusable", "--expiration", "1h"]);
      const places = [
        { name: "ingress-0", netns: lab.ingress[0]!.netns },
        { name: "device-0", netns: lab.devices[0]!.netns },
        { name: "device-1", netns: lab.devices[1]!.netns },
      ];
      daemons.push(...(await Promise.all(places.map((p) => startTailscaled(p)))));
      await Promise.all(daemons.map((d) => d.up({ loginServer: headscale.url, authKey: key.key, hostname: d.name })));
    });
  }, 180_000);
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const d of daemons) await d.stop();
    await headscale?.stop();
    await lab?.stop();
    if (dir) removeWorkDir(dir);
  });

  test(
    "TCP works device → ingress and ingress → device over tailnet addresses",
    () =>
      withLogsOnFailure(async () => {
        const [ingress, device0, device1] = daemons as [Tailscaled, Tailscaled, Tailscaled];
        const [ingressIp, device0Ip] = [await ingress.ipv4(), await device0.ipv4()];
        expect(inCidr(ingressIp, "100.64.0.0/10")).toBe(true);
        servers.push(await startEchoServer({ netns: ingress.netns, dir, host: ingressIp, port: 7001, name: "echo-ingress" }));
        servers.push(await startEchoServer({ netns: device0.netns, dir, host: device0Ip, port: 7002, name: "echo-device-0" }));
        // The first packets may wait for the peers' netmaps; then the path must hold.
        await waitUntil("device-1 → ingress over the tailnet", () => probeTcp({ netns: device1.netns, host: ingressIp, port: 7001 }), { timeoutMs: 30_000 });
        await waitUntil("ingress → device-0 over the tailnet", () => probeTcp({ netns: ingress.netns, host: device0Ip, port: 7002 }), { timeoutMs: 30_000 });
        expect(await probeTcp({ netns: device0.netns, host: ingressIp, port: 7001 })).toBe(true);
      }),
    90_000,
  );

  test(
    "nobody dials a device over the underlay: the NAT drops it",
    () =>
      withLogsOnFailure(async () => {
        const device0 = lab.devices[0]!;
        // Listening on every address of the device, its LAN address included.
        servers.push(await startEchoServer({ netns: device0.netns, dir, host: "0.0.0.0", port: 7003, name: "echo-device-0-any" }));
        expect(await probeTcp({ netns: lab.devices[1]!.netns, host: device0.address, port: 7003 })).toBe(true); // same LAN: fine
        expect(await probeTcp({ host: device0.address, port: 7003, timeoutMs: 3_000 })).toBe(false); // the host
        expect(await probeTcp({ netns: lab.ingress[0]!.netns, host: device0.address, port: 7003, timeoutMs: 3_000 })).toBe(false);
      }),
    60_000,
  );

  test("the machine's DNS configuration is untouched", () => {
    expect(readFileSync("/etc/resolv.conf", "utf8")).toBe(resolvConf);
  });
});
