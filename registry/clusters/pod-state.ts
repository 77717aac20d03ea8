import type { V1Pod } from "@kubernetes/client-node";
import type { PodRequests, PodState } from "./cluster-admin.ts";
import { parseQuantity } from "./quantity.ts";

// A pod as the registry accounts for it. Pods arrive typed from a list (times as Date) and as plain JSON
// from a watch (times as strings); both read the same here.

/** podState is null for a pod not (yet) bound to a node. */
export function podState(pod: V1Pod): PodState | null {
  const node = pod.spec?.nodeName;
  if (!node || !pod.metadata?.name) return null;
  return {
    namespace: pod.metadata.namespace ?? "default",
    name: pod.metadata.name,
    node,
    phase: pod.status?.phase ?? "Unknown",
    requests: podRequests(pod),
    startedAt: isoTime(pod.status?.startTime),
    labels: { ...(pod.metadata.labels ?? {}) },
    terminating: pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
  };
}

/**
 * podRequests is what the scheduler reserves for a pod: the larger of its containers' sum and its largest
 * init container, per resource, plus the pod overhead (the Kubernetes resource model).
 */
export function podRequests(pod: V1Pod): PodRequests {
  const resources: Record<keyof PodRequests, string[]> = {
    cpuCores: ["cpu"],
    memoryBytes: ["memory"],
    gpus: ["nvidia.com/gpu", "amd.com/gpu"],
    ephemeralStorageBytes: ["ephemeral-storage"],
  };
  const read = (requests: Record<string, unknown> | undefined, names: string[]) =>
    names.reduce((acc, name) => acc + (parseQuantity(requests?.[name] as string | undefined) ?? 0), 0);
  const out = { cpuCores: 0, memoryBytes: 0, gpus: 0, ephemeralStorageBytes: 0 };
  for (const [field, names] of Object.entries(resources) as [keyof PodRequests, string[]][]) {
    const sum = (pod.spec?.containers ?? []).reduce((acc, c) => acc + read(c.resources?.requests, names), 0);
    const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map((c) => read(c.resources?.requests, names)));
    out[field] = Math.max(sum, init) + read(pod.spec?.overhead as Record<string, unknown> | undefined, names);
  }
  return out;
}

function isoTime(t: unknown): string | null {
  if (t instanceof Date) return Number.isNaN(t.getTime()) ? null : t.toISOString();
  if (typeof t === "string" && t !== "") return isoTime(new Date(t));
  return null;
}
