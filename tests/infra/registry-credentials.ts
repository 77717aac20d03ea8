// The registry's own credentials in a region, made the way its operator makes them: the manifest that
// `akash-home registry region manifest` prints, applied document by document as `kubectl apply -f` would,
// and a kubeconfig built from the ServiceAccount token it yields. Tests hand the registry these, not the
// cluster admin's, so a permission its role lacks fails the test as it would fail in a real region.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { regionManifest } from "../../registry/cli/region-manifest.ts";
import { REGISTRY_NAMESPACE, REGISTRY_TOKEN_SECRET } from "../../registry/clusters/registry-rbac.ts";
import type { KubeCluster } from "./kube-cluster.ts";
import { waitUntil } from "./process.ts";

const REST_PATHS: Record<string, (ns?: string) => string> = {
  ServiceAccount: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
  Secret: (ns) => `/api/v1/namespaces/${ns}/secrets`,
  ClusterRole: () => "/apis/rbac.authorization.k8s.io/v1/clusterroles",
  ClusterRoleBinding: () => "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
  Role: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
  RoleBinding: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
};

/** applyManifest creates every document of a printed manifest as the cluster admin; returns their kinds in order. */
export async function applyManifest(cluster: KubeCluster, text: string): Promise<string[]> {
  const kinds: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    const obj = doc.toJS() as { kind: string; metadata: { namespace?: string } } | null;
    if (!obj) continue;
    const path = REST_PATHS[obj.kind];
    if (!path) throw new Error(`the manifest has a ${obj.kind}, which the test harness does not know how to apply`);
    const res = await cluster.adminFetch(path(obj.metadata.namespace), { method: "POST", body: JSON.stringify(obj), headers: { "content-type": "application/json" } });
    if (!res.ok) throw new Error(`apply ${obj.kind}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    kinds.push(obj.kind);
  }
  return kinds;
}

/** registryToken waits for the token controller to fill the registry ServiceAccount's token Secret, and returns it. */
export async function registryToken(cluster: KubeCluster): Promise<string> {
  let token = "";
  await waitUntil(
    "the registry's ServiceAccount token",
    async () => {
      const res = await cluster.adminFetch(`/api/v1/namespaces/${REGISTRY_NAMESPACE}/secrets/${REGISTRY_TOKEN_SECRET}`);
      const secret = (await res.json()) as { data?: { token?: string } };
      token = secret.data?.token ? Buffer.from(secret.data.token, "base64").toString("utf8") : "";
      return token !== "";
    },
    { timeoutMs: 30_000, intervalMs: 250, processes: [...cluster.processes] },
  );
  return token;
}

/** kubeconfigWithToken is a kubeconfig for the cluster (or another address in front of it) with a bearer token. */
export function kubeconfigWithToken(cluster: KubeCluster, token: string, server = cluster.apiServerUrl): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "region", server, caData: Buffer.from(cluster.caCertPem).toString("base64") }],
    users: [{ name: "registry", token }],
    contexts: [{ name: "region", cluster: "region", user: "registry" }],
    currentContext: "region",
  });
  return kc;
}

/**
 * registryKubeconfigFile applies the registry's RBAC from the printed manifest and writes the kubeconfig a
 * region's operator would give the registry (0600, in the cluster's work dir); returns its path. server is
 * where the registry reaches the API server, when not directly (through a relay a test can cut).
 */
export async function registryKubeconfigFile(cluster: KubeCluster, server = cluster.apiServerUrl): Promise<string> {
  await applyManifest(cluster, regionManifest({ regionId: "test", regionName: "Test", headscaleUrl: "http://127.0.0.1:1", podCidr: "10.42.0.0/16" }, "rbac"));
  const path = join(cluster.dir, "registry-kubeconfig.json");
  // JSON is YAML: the registry reads it as any kubeconfig.
  writeFileSync(path, kubeconfigWithToken(cluster, await registryToken(cluster), server).exportConfig(), { mode: 0o600 });
  return path;
}
