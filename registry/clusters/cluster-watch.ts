import type { CoreV1Api, KubeConfig, ListWatch, V1Node, V1Pod } from "@kubernetes/client-node";
import type { ClusterWatch, ClusterWatchHandlers, ClusterWatchOptions, NodeSnapshot, PodState } from "./cluster-admin.ts";
import { listWatch } from "./kube-transport.ts";
import { podState } from "./pod-state.ts";

// The registry's live view of a region: two informers (client-node's list-watch cache), one on Nodes and one
// on every pod bound to a node, folded into one snapshot per Node. The informer re-lists by itself on
// 410 Gone and reconnects after a watch ends; on any other failure it stops, so this restarts it with
// backoff. Objects arrive typed from a list (dates as Date) and as plain JSON from a watch (dates as
// strings); everything here reads both.

const BOUND_PODS = "spec.nodeName!=";
const MAX_BACKOFF_MS = 30_000;

export async function startClusterWatch(kc: KubeConfig, core: CoreV1Api, handlers: ClusterWatchHandlers, options: ClusterWatchOptions = {}): Promise<ClusterWatch> {
  const nodes = new Map<string, V1Node>();
  const podsByNode = new Map<string, Map<string, PodState>>();
  let synced = false;
  let stopped = false;

  const snapshot = (name: string): NodeSnapshot | null => {
    const node = nodes.get(name);
    if (!node) return null;
    return nodeSnapshot(node, [...(podsByNode.get(name)?.values() ?? [])]);
  };
  const report = (name: string) => {
    if (!synced || stopped) return;
    const s = snapshot(name);
    if (s) handlers.onNode(s);
  };

  const nodeInformer = listWatch<V1Node>(kc, "/api/v1/nodes", () => core.listNode({ labelSelector: options.nodeSelector }), { label: options.nodeSelector });
  const podInformer = listWatch<V1Pod>(kc, "/api/v1/pods", () => core.listPodForAllNamespaces({ fieldSelector: BOUND_PODS }), { field: BOUND_PODS });

  const onNodeChange = (node: V1Node) => {
    const name = node.metadata?.name;
    if (!name) return;
    nodes.set(name, node);
    report(name);
  };
  nodeInformer.on("add", onNodeChange);
  nodeInformer.on("update", onNodeChange);
  nodeInformer.on("delete", (node) => {
    const name = node.metadata?.name;
    if (!name) return;
    nodes.delete(name);
    if (synced && !stopped) handlers.onNode({ ...nodeSnapshot(node, [...(podsByNode.get(name)?.values() ?? [])]), exists: false, ready: false });
  });

  const onPodChange = (pod: V1Pod) => {
    const state = podState(pod);
    if (!state) return;
    let onNode = podsByNode.get(state.node);
    if (!onNode) podsByNode.set(state.node, (onNode = new Map()));
    onNode.set(`${state.namespace}/${state.name}`, state);
    report(state.node);
  };
  podInformer.on("add", onPodChange);
  podInformer.on("update", onPodChange);
  podInformer.on("delete", (pod) => {
    const node = pod.spec?.nodeName;
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (!node || !podsByNode.get(node)?.delete(key)) return;
    if (podsByNode.get(node)!.size === 0) podsByNode.delete(node);
    report(node);
  });

  const firstErrors: Error[] = [];
  for (const informer of [nodeInformer, podInformer] as ListWatch<any>[]) {
    let backoffMs = 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    informer.on("add", () => (backoffMs = 1000));
    informer.on("error", (err: unknown) => {
      const error = describeWatchError(err, kc);
      if (!synced) {
        firstErrors.push(error);
        return;
      }
      if (stopped) return;
      handlers.onError?.(error);
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!stopped) void informer.start();
      }, backoffMs);
      timer.unref?.();
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    });
  }

  const stop = async () => {
    stopped = true;
    await Promise.all([nodeInformer.stop(), podInformer.stop()]);
  };

  // ListWatch.start() lists, reports each object, then opens the watch; a failed list lands in "error".
  await nodeInformer.start();
  await podInformer.start();
  if (firstErrors.length > 0) {
    await stop();
    throw firstErrors[0]!;
  }
  synced = true;
  for (const name of nodes.keys()) report(name);
  handlers.onSynced?.();
  return { snapshot, stop };
}

function nodeSnapshot(node: V1Node, pods: PodState[]): NodeSnapshot {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return {
    name: node.metadata!.name!,
    exists: true,
    ready,
    unschedulable: node.spec?.unschedulable === true,
    labels: { ...(node.metadata?.labels ?? {}) },
    podCidrs: node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []),
    pods: pods.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
  };
}

function describeWatchError(err: unknown, kc: KubeConfig): Error {
  const status = (err as { statusCode?: number; code?: number }).statusCode ?? (err as { code?: unknown }).code;
  const server = kc.getCurrentCluster()?.server ?? "the cluster";
  if (status === 401) return new Error(`the API server at ${server} refused the registry's credentials (401): renew the token in the region's kubeconfig`);
  if (status === 403) return new Error(`the registry may not list or watch Nodes and pods at ${server} (403): apply \`akash-home registry region manifest\`'s RBAC`);
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`lost the watch on ${server}: ${message}`);
}
