import type { ComponentHealth, Workload } from "../../protocol/index.ts";

// What the admin portal and the device page say about a connected region, read from what its adapters
// report: the pods on a device's node, the Headscale's device nodes, and the ingress machines as both the
// tailnet and the cluster see them. Pure: the composition root asks the adapters and hands the answers in.

/** PodReport is a pod on a node as the cluster adapter reports it. */
export interface PodReport {
  namespace: string;
  name: string;
  /** Pending, Running, Succeeded, Failed or Unknown. */
  phase: string;
  startedAt: string | null;
  gpus: number;
  /** The deployer, when the pod carries the lease's owner label (the provider puts it on the namespace). */
  leaseOwner: string | null;
}

/** workloadsFrom lists what runs on a device now: finished pods hold nothing, GPU work first, then the oldest. */
export function workloadsFrom(pods: readonly PodReport[]): Workload[] {
  return pods
    .filter((p) => p.phase !== "Succeeded" && p.phase !== "Failed")
    .map((p) => ({ namespace: p.namespace, name: p.name, leaseOwner: p.leaseOwner, since: p.startedAt, gpus: p.gpus }))
    .sort((a, b) => b.gpus - a.gpus || startOrder(a.since) - startOrder(b.since) || a.name.localeCompare(b.name));
}

/** startOrder sorts by start time, pods that have not started last. */
function startOrder(since: string | null): number {
  return since === null ? Number.POSITIVE_INFINITY : Date.parse(since);
}

/** TailnetNodeReport is a node on the region's tailnet as the Headscale adapter reports it. */
export interface TailnetNodeReport {
  name: string;
  online: boolean;
  tags: readonly string[];
  lastSeen: string | null;
}

/** headscaleHealth adds how many home devices Headscale sees online to a passing health check. */
export function headscaleHealth(check: { ok: boolean; message: string }, nodes: readonly TailnetNodeReport[] | null, deviceTag: string, at: string): ComponentHealth {
  if (!check.ok) return { status: "failing", detail: check.message, checkedAt: at };
  const devices = nodes?.filter((n) => n.tags.includes(deviceTag)) ?? null;
  const detail = devices === null ? "ok" : `ok: ${devices.filter((n) => n.online).length} of ${devices.length} device node${devices.length === 1 ? "" : "s"} online`;
  return { status: "ok", detail, checkedAt: at };
}

/**
 * ingressHealth says whether tenants' traffic has a way in: the region's ingress machines (tailnet nodes
 * tagged ingressTag) must be online on the tailnet and, where the cluster could be asked, Ready Nodes in it.
 * ready is null when the cluster did not answer; a machine missing from it has not joined the cluster.
 */
export function ingressHealth(nodes: readonly TailnetNodeReport[], ready: ReadonlyMap<string, boolean> | null, ingressTag: string, at: string): ComponentHealth {
  const ingress = nodes.filter((n) => n.tags.includes(ingressTag)).sort((a, b) => a.name.localeCompare(b.name));
  if (ingress.length === 0) {
    return {
      status: "failing",
      detail: `no machine on the region's tailnet is tagged ${ingressTag}, so tenants' traffic has no way in: join the ingress machine with a key made by \`headscale preauthkeys create --tags ${ingressTag}\``,
      checkedAt: at,
    };
  }
  const problems = ingress.flatMap((n) => {
    if (!n.online) return [`${n.name} is offline on the tailnet${n.lastSeen ? ` (last seen ${n.lastSeen})` : ""}`];
    if (ready === null) return [];
    const r = ready.get(n.name);
    if (r === undefined) return [`${n.name} is not a Node of the cluster: join it as a k3s agent`];
    return r ? [] : [`${n.name} is not Ready in the cluster`];
  });
  const up = ingress.length - problems.length;
  const seen = ready === null ? "online on the tailnet (the cluster did not answer)" : "online on the tailnet and Ready in the cluster";
  if (problems.length === 0) return { status: "ok", detail: `ok: ${ingress.length} ingress machine${ingress.length === 1 ? "" : "s"} ${seen}`, checkedAt: at };
  return { status: "failing", detail: `${up} of ${ingress.length} ingress machine${ingress.length === 1 ? "" : "s"} up: ${problems.join("; ")}`, checkedAt: at };
}

/**
 * withPendingLeaves adds to a region's cluster health how many removed or banned devices still have a Node
 * or tailnet node there to delete: the region did not answer when they left, and the registry keeps trying.
 */
export function withPendingLeaves(cluster: ComponentHealth, pending: number): ComponentHealth {
  if (pending === 0) return cluster;
  const devices = pending === 1 ? "1 removed device still has its" : `${pending} removed devices still have their`;
  return { ...cluster, detail: `${cluster.detail}; ${devices} node and tailnet node here, deleted as soon as the region answers` };
}
