// workloads: the Deployments and Services the scenarios run, and what they read back — pods Running,
// per-node counts, the Service's EndpointSlices.
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, type V1Pod, type V1TopologySpreadConstraint } from "@kubernetes/client-node";
import type { KubeCluster } from "../../tests/infra/kube-cluster.ts";
import { DATA_PATH_LABEL, POD_PORT } from "./region.ts";
import { countBy, summarize, type Summary } from "./summary.ts";

export interface DeploymentSpec {
  name: string;
  replicas: number;
  /** nodeSelector limits where its pods may go (e.g. only workers with a real data path). */
  nodeSelector?: Record<string, string>;
  topologySpread?: V1TopologySpreadConstraint[];
  namespace?: string;
}

/** createDeployment creates a Deployment of one small container that "serves" POD_PORT. */
export async function createDeployment(cluster: KubeCluster, spec: DeploymentSpec): Promise<void> {
  const labels = { app: spec.name };
  await cluster.api(AppsV1Api).createNamespacedDeployment({
    namespace: spec.namespace ?? "default",
    body: {
      metadata: { name: spec.name, labels },
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}),
            ...(spec.topologySpread ? { topologySpreadConstraints: spec.topologySpread } : {}),
            containers: [
              {
                name: "web",
                image: "registry.invalid/poc/web:1",
                ports: [{ name: "http", containerPort: POD_PORT }],
                resources: { requests: { cpu: "10m", memory: "16Mi" } },
              },
            ],
          },
        },
      },
    },
  });
}

/** createService exposes app=<name> pods on port 80 → POD_PORT. */
export async function createService(cluster: KubeCluster, name: string, namespace = "default"): Promise<void> {
  await cluster.api(CoreV1Api).createNamespacedService({
    namespace,
    body: { metadata: { name }, spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: "http" }] } },
  });
}

/** runningPods lists the app's pods that are Running and Ready, with a pod IP. */
export async function runningPods(cluster: KubeCluster, app: string, namespace = "default"): Promise<V1Pod[]> {
  const pods = await cluster.api(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.filter(
    (p) => p.status?.phase === "Running" && p.status.podIP && !p.metadata?.deletionTimestamp && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  );
}

/** waitRunning waits until `count` pods of the app run; returns them and how long it took. */
export async function waitRunning(cluster: KubeCluster, app: string, count: number, timeoutMs: number): Promise<{ pods: V1Pod[]; ms: number }> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = await runningPods(cluster, app);
    if (pods.length >= count) return { pods, ms: performance.now() - started };
    if (Date.now() > deadline) {
      const all = (await cluster.api(CoreV1Api).listNamespacedPod({ namespace: "default", labelSelector: `app=${app}` })).items;
      const phases = countBy(all, (p) => `${p.status?.phase}${p.spec?.nodeName ? "" : " (unscheduled)"}`);
      throw new Error(`${app}: ${pods.length} of ${count} pods running after ${timeoutMs / 1000} s (${JSON.stringify(Object.fromEntries(phases))})`);
    }
    await Bun.sleep(500);
  }
}

export interface Spread {
  /** perNode: pods per worker node, every worker listed (0 where none landed). */
  perNode: Record<string, number>;
  summary: Summary;
  /** histogram: how many nodes carry k pods. */
  histogram: Record<string, number>;
}

/** spreadOf counts pods per node over the given workers. */
export function spreadOf(pods: readonly V1Pod[], workers: readonly string[]): Spread {
  const counts = countBy(pods, (p) => p.spec?.nodeName ?? "");
  const perNode = Object.fromEntries(workers.map((w) => [w, counts.get(w) ?? 0]));
  const values = Object.values(perNode);
  const histogram = Object.fromEntries([...countBy(values, String)].sort((a, b) => Number(a[0]) - Number(b[0])));
  return { perNode, summary: summarize(values), histogram };
}

/** endpointCount is how many ready endpoints the Service's EndpointSlices hold, and in how many slices. */
export async function endpointCount(cluster: KubeCluster, service: string, namespace = "default"): Promise<{ endpoints: number; slices: number }> {
  const list = await cluster.api(DiscoveryV1Api).listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${service}` });
  const endpoints = list.items.reduce((n, s) => n + (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length, 0);
  return { endpoints, slices: list.items.length };
}

/**
 * deployDataPath runs the "api" Deployment and Service on the real tailnet devices only, one pod per
 * device at a time (spread by hostname), and waits for them all to run: the pods requests go through.
 */
export async function deployDataPath(cluster: KubeCluster, pods: number): Promise<{ pods: V1Pod[]; ms: number }> {
  await createDeployment(cluster, {
    name: "api",
    replicas: pods,
    nodeSelector: { [DATA_PATH_LABEL]: "tailnet" },
    topologySpread: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "api" } } }],
  });
  await createService(cluster, "api");
  return waitRunning(cluster, "api", pods, 180_000);
}
