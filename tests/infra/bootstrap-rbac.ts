// bootstrap-rbac: what a cluster needs so a node can join with a bootstrap token the way a kubelet does (and
// what kubeadm sets up): tokens may create CSRs, their node-client CSRs are approved automatically, nodes may
// renew their own certs, and the unauthenticated cluster-info ConfigMap (signed by the bootstrapsigner
// controller with each token) lets a joiner check the CA against a pinned hash.
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { makeApi as kubeApi } from "../../registry/clusters/kube-transport.ts";

const BINDINGS: { name: string; clusterRole: string; group: string }[] = [
  { name: "test-cluster:kubelet-bootstrap", clusterRole: "system:node-bootstrapper", group: "system:bootstrappers" },
  {
    name: "test-cluster:node-autoapprove-bootstrap",
    clusterRole: "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
    group: "system:bootstrappers",
  },
  {
    name: "test-cluster:node-autoapprove-certificate-rotation",
    clusterRole: "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
    group: "system:nodes",
  },
];

export async function applyBootstrapRbac(kc: KubeConfig, server: string, caCertPem: string): Promise<void> {
  const rbac = kubeApi(kc, RbacAuthorizationV1Api);
  for (const b of BINDINGS) {
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: b.name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: b.clusterRole },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: b.group }],
      },
    });
  }

  const core = kubeApi(kc, CoreV1Api);
  const clusterInfo = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "", cluster: { server, "certificate-authority-data": Buffer.from(caCertPem).toString("base64") } }],
    contexts: [],
    users: [],
    "current-context": "",
    preferences: {},
  });
  await core.createNamespacedConfigMap({
    namespace: "kube-public",
    body: { metadata: { name: "cluster-info", namespace: "kube-public" }, data: { kubeconfig: clusterInfo } },
  });
  await rbac.createNamespacedRole({
    namespace: "kube-public",
    body: {
      metadata: { name: "test-cluster:bootstrap-signer-clusterinfo", namespace: "kube-public" },
      rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-info"], verbs: ["get"] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: "kube-public",
    body: {
      metadata: { name: "test-cluster:bootstrap-signer-clusterinfo", namespace: "kube-public" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "test-cluster:bootstrap-signer-clusterinfo" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "system:anonymous" }],
    },
  });
}
