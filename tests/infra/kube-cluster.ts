// kube-cluster: a real Kubernetes control plane for tests — Debian's etcd, and kube-apiserver,
// kube-controller-manager and kube-scheduler from the pinned Kubernetes build — configured the way a node
// joins a real cluster: bootstrap tokens authenticate, the Node authorizer and NodeRestriction admission
// apply, and kube-controller-manager signs and auto-approves kubelet client certificates.
import { mkdirSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { KubeConfig, type Configuration } from "@kubernetes/client-node";
import { freePort } from "../support/free-port.ts";
import { applyBootstrapRbac } from "./bootstrap-rbac.ts";
import { makeApi as kubeApi } from "../../registry/clusters/kube-transport.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { startKwok, type Kwok, type KwokOptions } from "./kwok.ts";
import { createClusterPki, SERVICE_CIDR, type ClusterPki } from "./pki.ts";
import { describeLogs, startProcess, waitUntil, type ManagedProcess } from "./process.ts";
import { tool } from "./tools.ts";
import { keepLogsAfterFailure, makeWorkDir, removeWorkDir } from "./work-dir.ts";

export interface KubeClusterOptions {
  /** netns runs every component inside that network namespace (e.g. a network lab's region). */
  netns?: string;
  /**
   * bindAddress is where the API server listens; default 127.0.0.1. It must be reachable from this test
   * process (inside a namespace: the namespace's lab address, not its loopback).
   */
  bindAddress?: string;
  /** port of the API server; default a free port on loopback, 6443 inside a namespace. */
  port?: number;
  /** extraSans are more names for the serving cert: IPs (e.g. a tailnet address) or DNS names. */
  extraSans?: string[];
  /** kwok also starts KWOK to run fake nodes (true, or its options). */
  kwok?: boolean | Omit<KwokOptions, "adminKubeconfigPath" | "netns">;
}

export interface KubeCluster {
  /** apiServerUrl is https://<bindAddress>:<port>. */
  readonly apiServerUrl: string;
  readonly caCertPem: string;
  /** SHA-256 hex of the CA cert's DER bytes; see ClusterPki for the k3s (PEM bytes) and kubeadm (SPKI) variants. */
  readonly caCertSha256Hex: string;
  readonly caPemSha256Hex: string;
  readonly caSpkiSha256Hex: string;
  /** adminKubeconfigPath is a kubeconfig (0600) for a system:masters client. */
  readonly adminKubeconfigPath: string;
  readonly dir: string;
  readonly pki: ClusterPki;
  readonly netns: string | undefined;
  /** serviceCidr is the (virtual, never routed) Service network. */
  readonly serviceCidr: string;
  /** kwok is the running KWOK when asked for. */
  readonly kwok: Kwok | undefined;
  /** kubeConfig loads the admin kubeconfig for @kubernetes/client-node. */
  kubeConfig(): KubeConfig;
  /**
   * api builds an admin API object, e.g. cluster.api(CoreV1Api). Use it (or kubeApi) rather than
   * kubeConfig().makeApiClient(), whose transport loses the CA and client cert under Bun (see registry/clusters/kube-transport.ts).
   */
  api<T>(api: new (configuration: Configuration) => T): T;
  /** adminFetch calls the API server as admin (client cert) with the cluster CA trusted. */
  adminFetch(path: string, init?: RequestInit): Promise<Response>;
  /** processes are the running components, for their logs. */
  readonly processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

/** startKubeCluster starts etcd, the API server, controller-manager and scheduler, and waits until all serve. */
export async function startKubeCluster(options: KubeClusterOptions = {}): Promise<KubeCluster> {
  const bindAddress = options.bindAddress ?? "127.0.0.1";
  if (isIP(bindAddress) === 0) throw new Error(`bindAddress must be an IP address, not ${bindAddress}`);
  if (bindAddress === "0.0.0.0") throw new Error("bindAddress must be one address the tests can reach, not 0.0.0.0");
  const netns = options.netns;
  const port = options.port ?? (netns ? 6443 : await freePort());
  const [kubeApiserver, kubeControllerManager, kubeScheduler] = await Promise.all([tool("kube-apiserver"), tool("kube-controller-manager"), tool("kube-scheduler")]);
  const dir = makeWorkDir("kube");
  const processes: ManagedProcess[] = [];
  let kwok: Kwok | undefined;
  const stop = async () => {
    await kwok?.stop();
    // Clients first, etcd last, so nothing logs a storm of connection errors on the way down.
    for (const p of [...processes].reverse()) await p.stop();
    removeWorkDir(dir);
  };

  try {
    const extra = options.extraSans ?? [];
    const pkiDir = join(dir, "pki");
    mkdirSync(pkiDir, { mode: 0o700 });
    const pki = await createClusterPki({
      dir: pkiDir,
      ips: [bindAddress, ...extra.filter((s) => isIP(s) !== 0)],
      dnsNames: extra.filter((s) => isIP(s) === 0),
    });
    const apiServerUrl = `https://${bindAddress}:${port}`;
    const adminKubeconfigPath = writeKubeconfig({ path: join(dir, "admin.kubeconfig"), server: apiServerUrl, caCertPath: pki.ca.certPath, client: pki.admin, user: "admin" });
    const cmKubeconfig = writeKubeconfig({ path: join(dir, "controller-manager.kubeconfig"), server: apiServerUrl, caCertPath: pki.ca.certPath, client: pki.controllerManager, user: "controller-manager" });
    const schedKubeconfig = writeKubeconfig({ path: join(dir, "scheduler.kubeconfig"), server: apiServerUrl, caCertPath: pki.ca.certPath, client: pki.scheduler, user: "scheduler" });

    const [etcdClientPort, etcdPeerPort] = [await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = startProcess({
      name: "etcd",
      dir,
      netns,
      argv: [
        "/usr/bin/etcd",
        "--name=test",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=test=${peerUrl}`,
        "--initial-cluster-state=new",
        "--logger=zap",
        "--log-outputs=stderr",
      ],
    });
    processes.push(etcd);
    await waitUntil("etcd", () => /ready to serve client requests|serving client traffic/.test(etcd.log()), { timeoutMs: 30_000, processes: [etcd] });

    const apiserver = startProcess({
      name: "kube-apiserver",
      dir,
      netns,
      argv: [
        kubeApiserver,
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${bindAddress}`,
        `--advertise-address=${bindAddress}`,
        `--secure-port=${port}`,
        `--tls-cert-file=${pki.apiServerServing.certPath}`,
        `--tls-private-key-file=${pki.apiServerServing.keyPath}`,
        `--client-ca-file=${pki.ca.certPath}`,
        "--enable-bootstrap-token-auth=true",
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction",
        "--allow-privileged=true",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${pki.serviceAccount.publicKeyPath}`,
        `--service-account-signing-key-file=${pki.serviceAccount.privateKeyPath}`,
        // Endpoints may not hold loopback addresses, so the kubernetes Service gets none on loopback.
        ...(bindAddress.startsWith("127.") ? ["--endpoint-reconciler-type=none"] : []),
        "--profiling=false",
      ],
    });
    processes.push(apiserver);
    const adminTls = {
      ca: pki.caCertPem,
      cert: readFileSync(pki.admin.certPath, "utf8"),
      key: readFileSync(pki.admin.keyPath, "utf8"),
    };
    const adminFetch = (path: string, init: RequestInit = {}) => fetch(`${apiServerUrl}${path}`, { ...init, tls: adminTls } as RequestInit);
    await waitUntil(
      `kube-apiserver at ${apiServerUrl}`,
      async () => (await adminFetch("/readyz", { signal: AbortSignal.timeout(3_000) })).ok,
      { timeoutMs: 120_000, intervalMs: 250, processes: [etcd, apiserver] },
    );

    const kubeConfig = () => {
      const kc = new KubeConfig();
      kc.loadFromFile(adminKubeconfigPath);
      return kc;
    };
    // The API server creates its system namespaces just after it turns ready.
    await waitUntil("the kube-public namespace", async () => (await adminFetch("/api/v1/namespaces/kube-public")).ok, {
      timeoutMs: 30_000,
      processes: [etcd, apiserver],
    });
    await applyBootstrapRbac(kubeConfig(), apiServerUrl, pki.caCertPem);

    const componentFlags = (kubeconfig: string) => [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      "--secure-port=0", // no health endpoint to collide on; readiness is read from their leases below
      "--profiling=false",
    ];
    const controllerManager = startProcess({
      name: "kube-controller-manager",
      dir,
      netns,
      argv: [
        kubeControllerManager,
        ...componentFlags(cmKubeconfig),
        "--controllers=*,bootstrapsigner,tokencleaner",
        `--cluster-signing-cert-file=${pki.ca.certPath}`,
        `--cluster-signing-key-file=${pki.ca.keyPath}`,
        "--use-service-account-credentials=true",
        `--root-ca-file=${pki.ca.certPath}`,
        `--service-account-private-key-file=${pki.serviceAccount.privateKeyPath}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // KWOK renews its fake nodes' leases from one process; on two busy cores a renewal can be late by
        // more than the default 40 s, and the node controller would then mark the nodes' pods not ready
        // under a test that is about something else. Tests that want a node gone delete it.
        "--node-monitor-grace-period=5m",
      ],
    });
    processes.push(controllerManager);
    const scheduler = startProcess({ name: "kube-scheduler", dir, netns, argv: [kubeScheduler, ...componentFlags(schedKubeconfig)] });
    processes.push(scheduler);

    // Both hold their leader-election lease once they run; the default ServiceAccount shows the
    // controller-manager's controllers work (pods cannot be created before it exists).
    const held = async (name: string) => {
      const res = await adminFetch(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`);
      if (!res.ok) return false;
      const lease = (await res.json()) as { spec?: { holderIdentity?: string } };
      return Boolean(lease.spec?.holderIdentity);
    };
    await waitUntil(
      "kube-controller-manager and kube-scheduler",
      async () =>
        (await held("kube-controller-manager")) &&
        (await held("kube-scheduler")) &&
        (await adminFetch("/api/v1/namespaces/default/serviceaccounts/default")).ok,
      { timeoutMs: 90_000, intervalMs: 250, processes },
    );

    if (options.kwok) {
      const kwokOptions = options.kwok === true ? {} : options.kwok;
      kwok = await startKwok({ ...kwokOptions, adminKubeconfigPath, netns });
    }

    return {
      apiServerUrl,
      caCertPem: pki.caCertPem,
      caCertSha256Hex: pki.caCertSha256Hex,
      caPemSha256Hex: pki.caPemSha256Hex,
      caSpkiSha256Hex: pki.caSpkiSha256Hex,
      adminKubeconfigPath,
      dir,
      pki,
      netns,
      serviceCidr: SERVICE_CIDR,
      kwok,
      kubeConfig,
      api: (api) => kubeApi(kubeConfig(), api),
      adminFetch,
      processes,
      stop,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const withLogs = processes.some((p) => message.includes(p.logPath)) ? message : `${message}\n${describeLogs(processes)}`;
    await kwok?.stop();
    for (const p of [...processes].reverse()) await p.stop();
    keepLogsAfterFailure(); // the dir stays, for its logs
    throw new Error(`Kubernetes test cluster failed to start (its files stay in ${dir}): ${withLogs}`);
  }
}
