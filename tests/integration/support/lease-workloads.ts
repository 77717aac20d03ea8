// tests/integration/support: what the integration tests on the real control plane share. Test-only: it may
// import protocol/, registry/ pure modules and tests/infra; nothing outside tests/integration imports it.
//
// This file: Nodes that KWOK keeps Ready, and leases deployed the way the Akash provider deploys them — a
// namespace named by hashing the lease id and labelled with it, and a Deployment whose pods the real
// scheduler places on the Nodes of one pool.
import { AppsV1Api, CoreV1Api, type V1Node } from "@kubernetes/client-node";
import { leaseLabels, leaseNamespace, type LeaseId } from "../../../registry/rewards/lease-id.ts";
import type { KubeCluster } from "../../infra/kube-cluster.ts";
import { FAKE_NODE_ANNOTATION } from "../../infra/kwok.ts";

/** POOL_LABEL groups Nodes; a lease's pods go to the Nodes of its pool. */
export const POOL_LABEL = "example.test/pool";

/** kwokNode is a Node KWOK runs: in a pool, with the given capacity, cordoned when asked. */
export function kwokNode(name: string, o: { pool: string; capacity?: Record<string, string>; labels?: Record<string, string>; unschedulable?: boolean }): V1Node {
  const capacity = o.capacity ?? { cpu: "8", memory: "32Gi", pods: "110" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, annotations: { [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value }, labels: { "kubernetes.io/hostname": name, [POOL_LABEL]: o.pool, ...o.labels } },
    spec: { unschedulable: o.unschedulable ?? false },
    status: { capacity, allocatable: capacity },
  };
}

export interface LeaseWorkload {
  /** The service's name (the Deployment's). */
  name: string;
  replicas: number;
  requests: Record<string, string>;
  pool: string;
  /** At most one pod per Node (required anti-affinity on the hostname). */
  spread?: boolean;
}

/** deployLease creates the lease's namespace as the provider would, and one Deployment in it. */
export async function deployLease(cluster: KubeCluster, id: LeaseId, w: LeaseWorkload): Promise<void> {
  const ns = leaseNamespace(id);
  await cluster.api(CoreV1Api).createNamespace({ body: { metadata: { name: ns, labels: leaseLabels(id) } } });
  const labels = { "akash.network": "true", "akash.network/namespace": ns, "akash.network/manifest-service": w.name };
  await cluster.api(AppsV1Api).createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: w.name, labels },
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { [POOL_LABEL]: w.pool },
            ...(w.spread ? { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" }] } } } : {}),
            containers: [{ name: w.name, image: `registry.invalid/${w.name}:1`, resources: { requests: w.requests, limits: w.requests } }],
          },
        },
      },
    },
  });
}
