// registry/clusters: the registry's side of a region's Kubernetes cluster: per-device join tokens, the
// labels and schedulability of device Nodes, draining and removing them, and a live view of Nodes and their
// pods. This file is the port the devices (and rewards) domains depend on; kube-cluster-admin.ts is the one
// adapter (@kubernetes/client-node). Imports nothing from other registry domains, no HTTP framework, no store.

/** BootstrapToken is a join token made for one device; the registry revokes it once the device's Node exists. */
export interface BootstrapToken {
  /** `K10<CA hash>::<id>.<secret>`, what `k3s agent --token` takes. Never log it. */
  token: string;
  /** The public half (the Secret is bootstrap-token-<id>); safe to store and log. */
  tokenId: string;
  /** RFC 3339; the API server refuses the token after it. */
  expiresAt: string;
}

/** PodRequests is what a pod asked the scheduler for, in base units. */
export interface PodRequests {
  cpuCores: number;
  memoryBytes: number;
  gpus: number;
  ephemeralStorageBytes: number;
}

/** PodState is one pod on a Node, as the cluster reports it. */
export interface PodState {
  namespace: string;
  name: string;
  node: string;
  /** Pending, Running, Succeeded, Failed or Unknown. */
  phase: string;
  requests: PodRequests;
  /** RFC 3339 time the kubelet started it; null until it has. */
  startedAt: string | null;
  labels: Record<string, string>;
  /** Set once the pod is being deleted. */
  terminating: boolean;
}

/** NodeSnapshot is everything the watcher knows about one Node, sent whole on every change. */
export interface NodeSnapshot {
  name: string;
  /** False once the Node is deleted (the last snapshot for that name). */
  exists: boolean;
  ready: boolean;
  unschedulable: boolean;
  labels: Record<string, string>;
  /** The pod subnets the cluster gave the Node (spec.podCIDRs): the route its tailnet node announces. */
  podCidrs: string[];
  /** Pods bound to the Node. */
  pods: PodState[];
}

export interface ClusterWatchHandlers {
  /** onNode receives a Node's whole state whenever the Node or one of its pods changes. */
  onNode(snapshot: NodeSnapshot): void;
  /** onSynced is called once, after the first full list: every Node that exists has been reported by then. */
  onSynced?(): void;
  /** onError reports a lost watch; the watcher reconnects by itself, with backoff. */
  onError?(err: Error): void;
}

export interface ClusterWatchOptions {
  /** Only Nodes matching this label selector; default every Node. */
  nodeSelector?: string;
}

export interface ClusterWatch {
  /** snapshot is the current state of one Node, null when it does not exist. */
  snapshot(name: string): NodeSnapshot | null;
  stop(): Promise<void>;
}

/** DrainResult lists pods as "namespace/name". */
export interface DrainResult {
  /** Pods whose eviction the cluster accepted, or that were gone already. */
  evicted: string[];
  /** Pods still there when the time ran out (a disruption budget kept refusing), with the last reason. */
  remaining: { pod: string; reason: string }[];
}

export interface ServiceHealth {
  ok: boolean;
  message: string;
  latencyMs: number;
}

export interface ClusterAdmin {
  /** mintBootstrapToken stores a bootstrap token for one device, expiring after ttlMs. */
  mintBootstrapToken(request: { deviceId: string; ttlMs: number }): Promise<BootstrapToken>;
  /** revokeBootstrapToken deletes the token so it cannot be used again; false when it was gone already. */
  revokeBootstrapToken(tokenId: string): Promise<boolean>;
  /** watch starts reporting Nodes and their pods; resolves once the first full list has been reported. */
  watch(handlers: ClusterWatchHandlers, options?: ClusterWatchOptions): Promise<ClusterWatch>;
  /** labelNode sets labels (null removes one); false when the Node does not exist. */
  labelNode(name: string, labels: Record<string, string | null>): Promise<boolean>;
  /** cordon marks the Node unschedulable; false when it does not exist. */
  cordon(name: string): Promise<boolean>;
  uncordon(name: string): Promise<boolean>;
  /** drain cordons the Node and evicts its pods (not DaemonSet or mirror pods), retrying refusals until timeoutMs. */
  drain(name: string, options: { timeoutMs: number }): Promise<DrainResult>;
  /** deleteNode deletes the Node and k3s's node-password Secret for it; each flag says whether it existed. */
  deleteNode(name: string): Promise<{ nodeDeleted: boolean; passwordDeleted: boolean }>;
  health(): Promise<ServiceHealth>;
}
