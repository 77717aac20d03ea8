// kwok: fake nodes for a test cluster. KWOK (run standalone against the cluster) keeps every Node that carries
// the fake-node annotation Ready with a Lease, and moves the pods the real scheduler binds to them to Running,
// following the project's own stages in kwok-stages/ (standalone kwok has no built-in ones). Nodes without
// the annotation — a device that really joins — are left alone.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, type V1Node } from "@kubernetes/client-node";
import { freePort } from "../support/free-port.ts";
import { makeApi as kubeApi } from "../../registry/clusters/kube-transport.ts";
import { describeLogs, startProcess, waitUntil } from "./process.ts";
import { tool } from "./tools.ts";
import { keepLogsAfterFailure, makeWorkDir, removeWorkDir } from "./work-dir.ts";

/** The annotation that marks a Node as KWOK's. */
export const FAKE_NODE_ANNOTATION = { key: "kwok.x-k8s.io/node", value: "fake" } as const;
/** Fake pod IPs: inside the harness's own 198.18.0.0/15, away from the lab's LANs and the Service range. */
export const FAKE_POD_CIDR = "198.19.192.0/18";
/** The InternalIP of fake nodes created without one. */
export const FAKE_NODE_IP = "198.19.191.254";

const STAGES_DIR = join(import.meta.dir, "kwok-stages");

export interface KwokOptions {
  adminKubeconfigPath: string;
  netns?: string;
  /** podCidr hands out fake pod IPs (default FAKE_POD_CIDR). */
  podCidr?: string;
  /** nodeLeaseDurationSeconds is the fake nodes' Lease duration (default 40, as a kubelet). */
  nodeLeaseDurationSeconds?: number;
}

export interface FakeNodeOptions {
  /** namePrefix names the nodes <prefix>-0, <prefix>-1, …; default "fake-node". */
  namePrefix?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** capacity (also allocatable), e.g. { cpu: "4", memory: "8Gi", pods: "110" }. */
  capacity?: Record<string, string>;
  taints?: { key: string; value?: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
  /** waitReady waits until KWOK reports every node Ready (default true). */
  waitReady?: boolean;
  timeoutMs?: number;
}

export interface Kwok {
  readonly dir: string;
  /** createFakeNodes creates count KWOK-managed Nodes and returns their names. */
  createFakeNodes(count: number, options?: FakeNodeOptions): Promise<string[]>;
  log(): string;
  stop(): Promise<void>;
}

function fakeNode(name: string, options: FakeNodeOptions): V1Node {
  const capacity = options.capacity ?? { cpu: "8", memory: "32Gi", pods: "110" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value, "node.alpha.kubernetes.io/ttl": "0", ...options.annotations },
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok", ...options.labels },
    },
    spec: options.taints ? { taints: options.taints } : {},
    status: { capacity, allocatable: capacity },
  };
}

function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * createFakeNodes creates count KWOK-managed Nodes through kc (any running KWOK on that cluster manages them)
 * and, unless told otherwise, waits until they are Ready.
 */
export async function createFakeNodes(kc: KubeConfig, count: number, options: FakeNodeOptions = {}): Promise<string[]> {
  const core = kubeApi(kc, CoreV1Api);
  const prefix = options.namePrefix ?? "fake-node";
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await Promise.all(names.map((name) => core.createNode({ body: fakeNode(name, options) })));
  if (options.waitReady ?? true) {
    const wanted = new Set(names);
    await waitUntil(
      `${count} fake nodes Ready`,
      async () => {
        const list = await core.listNode();
        return list.items.filter((n) => wanted.has(n.metadata?.name ?? "") && isReady(n)).length === count;
      },
      { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 250 },
    );
  }
  return names;
}

/** startKwok runs KWOK against a cluster, managing the Nodes annotated FAKE_NODE_ANNOTATION. */
export async function startKwok(options: KwokOptions): Promise<Kwok> {
  const binary = await tool("kwok");
  const dir = makeWorkDir("kwok");
  const stages = readdirSync(STAGES_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(STAGES_DIR, f));
  const healthPort = await freePort();
  const proc = startProcess({
    name: "kwok",
    dir,
    netns: options.netns,
    argv: [
      binary,
      `--kubeconfig=${options.adminKubeconfigPath}`,
      "--manage-all-nodes=false",
      `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION.key}=${FAKE_NODE_ANNOTATION.value}`,
      `--cidr=${options.podCidr ?? FAKE_POD_CIDR}`,
      `--node-ip=${FAKE_NODE_IP}`,
      `--node-lease-duration-seconds=${options.nodeLeaseDurationSeconds ?? 40}`,
      `--server-address=127.0.0.1:${healthPort}`,
      ...stages.map((s) => `--config=${s}`),
    ],
  });
  const stop = async () => {
    await proc.stop();
    removeWorkDir(dir);
  };
  try {
    // It logs which nodes it watches once its informers start.
    await waitUntil("kwok", () => /Watch nodes/.test(proc.log()), { timeoutMs: 30_000, processes: [proc] });
  } catch (err) {
    await proc.stop();
    keepLogsAfterFailure(); // the dir stays, for its log
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`KWOK failed to start: ${message.includes(proc.logPath) ? message : `${message}\n${describeLogs([proc])}`}`);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(options.adminKubeconfigPath);
  return {
    dir,
    createFakeNodes: (count, nodeOptions) => createFakeNodes(kc, count, nodeOptions),
    log: () => proc.log(),
    stop,
  };
}
