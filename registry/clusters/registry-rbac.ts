import { BOOTSTRAP_TOKEN_NAMESPACE } from "./k3s-token.ts";

// The registry's identity in a region's cluster: a ServiceAccount with exactly the permissions
// kube-cluster-admin.ts uses, and nothing else. Cluster-wide: Nodes (watch, label, cordon, delete), pods
// (list and watch, to see workloads and drain) and evictions. In kube-system only: creating and deleting
// Secrets (bootstrap tokens, k3s node passwords). It can read no Secret anywhere.

export const REGISTRY_SERVICE_ACCOUNT = "akash-home-registry";
export const REGISTRY_NAMESPACE = "kube-system";
export const REGISTRY_TOKEN_SECRET = "akash-home-registry-token";

const LABELS = { "app.kubernetes.io/name": "akash-home-registry", "app.kubernetes.io/part-of": "akash-home" };

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** CLUSTER_RULES: what the registry does across the cluster. */
export const CLUSTER_RULES: PolicyRule[] = [
  { apiGroups: [""], resources: ["nodes"], verbs: ["list", "watch", "patch", "delete"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] },
  // Who deployed a device's workloads: Akash labels the lease's Namespace, not its pods.
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get"] },
  { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
];

/** NAMESPACE_RULES: what it does in kube-system (RBAC cannot narrow create to a name prefix). */
export const NAMESPACE_RULES: PolicyRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: ["create", "delete"] }];

/** registryRbac is the objects to apply, in order. */
export function registryRbac(): object[] {
  const subject = [{ kind: "ServiceAccount", name: REGISTRY_SERVICE_ACCOUNT, namespace: REGISTRY_NAMESPACE }];
  const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels: { ...LABELS } });
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(REGISTRY_SERVICE_ACCOUNT, REGISTRY_NAMESPACE), automountServiceAccountToken: false },
    {
      // A long-lived token for the registry's kubeconfig (the registry runs outside the cluster).
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/service-account-token",
      metadata: { ...meta(REGISTRY_TOKEN_SECRET, REGISTRY_NAMESPACE), annotations: { "kubernetes.io/service-account.name": REGISTRY_SERVICE_ACCOUNT } },
    },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: meta(REGISTRY_SERVICE_ACCOUNT), rules: CLUSTER_RULES },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta(REGISTRY_SERVICE_ACCOUNT),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: REGISTRY_SERVICE_ACCOUNT },
      subjects: subject,
    },
    { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta(REGISTRY_SERVICE_ACCOUNT, BOOTSTRAP_TOKEN_NAMESPACE), rules: NAMESPACE_RULES },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(REGISTRY_SERVICE_ACCOUNT, BOOTSTRAP_TOKEN_NAMESPACE),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: REGISTRY_SERVICE_ACCOUNT },
      subjects: subject,
    },
  ];
}
