import { readFileSync } from "node:fs";
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import type { BootstrapToken, ClusterAdmin, ClusterWatch, ClusterWatchHandlers, ClusterWatchOptions, DrainResult, PodState, ServiceHealth } from "./cluster-admin.ts";
import { startClusterWatch } from "./cluster-watch.ts";
import { BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecret, formatK3sToken, newTokenParts, rfc3339, tokenSecretName } from "./k3s-token.ts";
import { kubeFetch, makeApi } from "./kube-transport.ts";
import { EDGE_LABEL } from "./node-labels.ts";
import { LEASE_LABELS } from "../rewards/lease-id.ts";
import { podState } from "./pod-state.ts";

// ClusterAdmin over the Kubernetes API with the registry's own ServiceAccount (the RBAC `akash-home registry
// region manifest` prints is exactly what this file calls). Every API failure becomes a ClusterError that
// says what to do; a token's secret half is never in one.

/** The longest a join token may live; the design wants minutes. */
export const MAX_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
const DRAIN_RETRY_MS = 1000;

export class ClusterError extends Error {
  override name = "ClusterError";
  constructor(
    message: string,
    /** HTTP status, 0 when the API server could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

export interface KubeClusterAdminOptions {
  /**
   * The CA bundle exactly as the k3s servers serve it at https://<server>:6443/cacerts, for the token's CA
   * hash. Default: the kubeconfig's certificate-authority(-data), which on k3s is that same file
   * (server-ca.crt) unless someone re-encoded it.
   */
  caBundle?: string;
}

export class KubeClusterAdmin implements ClusterAdmin {
  private readonly core: CoreV1Api;
  private readonly caBundle: string;

  constructor(
    private readonly kc: KubeConfig,
    options: KubeClusterAdminOptions = {},
  ) {
    this.core = makeApi(kc, CoreV1Api);
    const cluster = kc.getCurrentCluster();
    const fromKubeconfig = cluster?.caData ? Buffer.from(cluster.caData, "base64").toString("utf8") : cluster?.caFile ? readFileSync(cluster.caFile, "utf8") : undefined;
    const ca = options.caBundle ?? fromKubeconfig;
    if (!ca) throw new Error("the kubeconfig has no certificate-authority: the join token needs the cluster CA to pin it; add certificate-authority-data or pass caBundle");
    this.caBundle = ca;
  }

  private get server(): string {
    return this.kc.getCurrentCluster()?.server ?? "the API server";
  }

  async mintBootstrapToken({ deviceId, ttlMs }: { deviceId: string; ttlMs: number }): Promise<BootstrapToken> {
    if (!Number.isFinite(ttlMs) || ttlMs < 1000 || ttlMs > MAX_TOKEN_TTL_MS) throw new RangeError(`a join token must live between 1 s and 24 h (asked for ${ttlMs} ms)`);
    const expiresAtMs = Date.now() + ttlMs;
    // A 6-character id collides rarely; when it does, the create fails with 409 and another id is drawn.
    for (let attempt = 0; ; attempt++) {
      const { id, secret } = newTokenParts();
      try {
        await this.core.createNamespacedSecret({ namespace: BOOTSTRAP_TOKEN_NAMESPACE, body: bootstrapTokenSecret({ id, secret, deviceId, expiresAtMs }) });
        return { token: formatK3sToken(this.caBundle, id, secret), tokenId: id, expiresAt: rfc3339(expiresAtMs) };
      } catch (err) {
        if (statusOf(err) === 409 && attempt < 4) continue;
        throw this.failure(err, `store a join token for device ${deviceId}`, "create secrets in kube-system");
      }
    }
  }

  async revokeBootstrapToken(tokenId: string): Promise<boolean> {
    return this.deleteIgnoringMissing(() => this.core.deleteNamespacedSecret({ namespace: BOOTSTRAP_TOKEN_NAMESPACE, name: tokenSecretName(tokenId) }), `revoke join token ${tokenId}`, "delete secrets in kube-system");
  }

  watch(handlers: ClusterWatchHandlers, options?: ClusterWatchOptions): Promise<ClusterWatch> {
    return startClusterWatch(this.kc, this.core, handlers, options);
  }

  async labelNode(name: string, labels: Record<string, string | null>): Promise<boolean> {
    return this.patchNode(name, { metadata: { labels } }, `label node ${name}`);
  }

  cordon(name: string): Promise<boolean> {
    return this.patchNode(name, { spec: { unschedulable: true } }, `cordon node ${name}`);
  }

  uncordon(name: string): Promise<boolean> {
    // null deletes the field in a merge patch, exactly what `kubectl uncordon` leaves behind.
    return this.patchNode(name, { spec: { unschedulable: null } }, `uncordon node ${name}`);
  }

  async drain(name: string, { timeoutMs }: { timeoutMs: number }): Promise<DrainResult> {
    const deadline = Date.now() + timeoutMs;
    if (!(await this.cordon(name))) return { evicted: [], remaining: [] };
    const evicted = new Set<string>();
    const refused = new Map<string, string>();
    for (;;) {
      const pods = (await this.podsOn(name)).filter(mustLeave);
      const pending = pods.filter((p) => !evicted.has(keyOf(p)));
      for (const pod of pending) {
        const key = keyOf(pod);
        try {
          await this.core.createNamespacedPodEviction({
            namespace: pod.metadata!.namespace!,
            name: pod.metadata!.name!,
            body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod.metadata!.name!, namespace: pod.metadata!.namespace! } },
          });
          evicted.add(key);
          refused.delete(key);
        } catch (err) {
          const status = statusOf(err);
          if (status === 404) {
            evicted.add(key); // gone meanwhile
          } else if (status === 429 || status === 500) {
            // 429: a PodDisruptionBudget allows no disruption now; 500: several budgets match (misconfigured). Retry.
            refused.set(key, apiMessage(err) || `refused (${status})`);
          } else {
            throw this.failure(err, `evict pod ${key} from node ${name}`, "create pods/eviction");
          }
        }
      }
      const stillRefused = pods.filter((p) => refused.has(keyOf(p)));
      if (stillRefused.length === 0 || Date.now() + DRAIN_RETRY_MS > deadline) {
        return {
          evicted: [...evicted].sort(),
          remaining: stillRefused.map((p) => ({ pod: keyOf(p), reason: refused.get(keyOf(p))! })).sort((a, b) => a.pod.localeCompare(b.pod)),
        };
      }
      await Bun.sleep(DRAIN_RETRY_MS);
    }
  }

  async deleteNode(name: string): Promise<{ nodeDeleted: boolean; passwordDeleted: boolean }> {
    const nodeDeleted = await this.deleteIgnoringMissing(() => this.core.deleteNode({ name }), `delete node ${name}`, "delete nodes");
    // k3s keeps a per-node password; without deleting it a re-install under the same name is refused.
    const passwordDeleted = await this.deleteIgnoringMissing(
      () => this.core.deleteNamespacedSecret({ namespace: "kube-system", name: `${name}.node-password.k3s` }),
      `delete k3s's node password for ${name}`,
      "delete secrets in kube-system",
    );
    return { nodeDeleted, passwordDeleted };
  }

  /** podsOnNode lists the pods bound to a Node as the cluster reports them; none for a Node that does not exist. */
  async podsOnNode(name: string): Promise<PodState[]> {
    return (await this.podsOn(name)).flatMap((pod) => podState(pod) ?? []);
  }

  /**
   * leaseOwners reads who deployed each namespace's lease: Akash's provider puts the lease.id labels on the
   * lease's Namespace, not on its pods. A namespace that is gone, unlabelled or unreadable is left out: the
   * caller shows the namespace instead.
   */
  async leaseOwners(namespaces: readonly string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    await Promise.all(
      [...new Set(namespaces)].map(async (name) => {
        const ns = await this.core.readNamespace({ name }).catch(() => null);
        const owner = ns?.metadata?.labels?.[LEASE_LABELS.owner];
        if (owner) owners.set(name, owner);
      }),
    );
    return owners;
  }

  /**
   * machineNodes reports the Nodes that are not home devices (the region's control and ingress machines),
   * each with whether it is Ready: the admin portal checks that the ingress machines are in the cluster.
   */
  async machineNodes(): Promise<{ name: string; ready: boolean }[]> {
    try {
      const { items } = await this.core.listNode({ labelSelector: `!${EDGE_LABEL}` });
      return items.map((n) => ({ name: n.metadata?.name ?? "", ready: n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" }));
    } catch (err) {
      throw this.failure(err, "list the region's Nodes", "list nodes");
    }
  }

  async health(): Promise<ServiceHealth> {
    const started = performance.now();
    try {
      const response = await kubeFetch(this.kc, "/readyz", { signal: AbortSignal.timeout(5000) });
      const body = (await response.text()).trim();
      const ok = response.ok;
      return { ok, message: ok ? "ok" : `the API server at ${this.server} is not ready (${response.status}): ${body.slice(0, 200)}`, latencyMs: performance.now() - started };
    } catch (err) {
      return { ok: false, message: `cannot reach the API server at ${this.server} (${networkReason(err)}): check the region's kubeconfig`, latencyMs: performance.now() - started };
    }
  }

  private async podsOn(node: string): Promise<V1Pod[]> {
    try {
      return (await this.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
    } catch (err) {
      throw this.failure(err, `list the pods on node ${node}`, "list pods");
    }
  }

  private async patchNode(name: string, patch: object, what: string): Promise<boolean> {
    try {
      // client-node picks JSON Patch for patch calls unless told otherwise; these bodies are merge patches.
      await this.core.patchNode({ name, body: patch }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw this.failure(err, what, "patch nodes");
    }
  }

  private async deleteIgnoringMissing(call: () => Promise<unknown>, what: string, permission: string): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw this.failure(err, what, permission);
    }
  }

  private failure(err: unknown, what: string, permission: string): ClusterError {
    const status = statusOf(err);
    if (status === undefined) return new ClusterError(`cannot reach the API server at ${this.server} to ${what} (${networkReason(err)}): check the region's kubeconfig and that the cluster is up`, 0);
    if (status === 401) return new ClusterError(`the API server at ${this.server} refused the registry's credentials to ${what} (401): renew the token in the region's kubeconfig`, status);
    if (status === 403) return new ClusterError(`the registry may not ${permission} (needed to ${what}): apply the RBAC from \`akash-home registry region manifest\``, status);
    return new ClusterError(`the API server refused to ${what} (${status}): ${apiMessage(err) || "no detail"}`, status);
  }
}

/** mustLeave: DaemonSet pods come back anyway and mirror pods belong to the kubelet, so drain leaves them. */
function mustLeave(pod: V1Pod): boolean {
  if (pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return false;
  if (pod.metadata?.ownerReferences?.some((o) => o.kind === "DaemonSet" && o.controller === true)) return false;
  // A finished pod holds nothing; evicting it would only delete its record.
  return pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";
}

function keyOf(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** apiMessage is the Kubernetes Status message in an ApiException's body. */
function apiMessage(err: unknown): string {
  if (!(err instanceof ApiException)) return "";
  const body = err.body as unknown;
  try {
    const parsed = typeof body === "string" ? JSON.parse(body) : body;
    if (parsed && typeof (parsed as { message?: unknown }).message === "string") return (parsed as { message: string }).message;
  } catch {}
  return typeof body === "string" ? body.slice(0, 200) : "";
}

function networkReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message?.split("\n")[0] ?? String(err);
}
