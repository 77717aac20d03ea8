import type { ClusterSnapshot } from "./ports.ts";

// The cluster watcher reports a Node's whole state (its Ready and cordon state and its pods) whenever it
// changes; rewards need a steady sampling so that intervals grow while nothing changes. The sampler keeps
// each Node's latest report and turns all of them into one ClusterSnapshot per tick. The shapes below are
// what the watcher sends (registry/clusters NodeSnapshot and PodState), restated so this domain does not
// import another.

export interface WatchedPod {
  namespace: string;
  name: string;
  node: string;
  phase: string;
  requests: { cpuCores: number; memoryBytes: number; gpus: number };
  startedAt: string | null;
  terminating: boolean;
}

export interface WatchedNode {
  name: string;
  exists: boolean;
  ready: boolean;
  unschedulable: boolean;
  pods: WatchedPod[];
}

export class ClusterSampler {
  private readonly nodes = new Map<string, WatchedNode>();

  /** update takes a watcher report; a deleted Node is forgotten. */
  update(node: WatchedNode): void {
    if (node.exists) this.nodes.set(node.name, node);
    else this.nodes.delete(node.name);
  }

  /** snapshot is every known Node and its pods as of now. */
  snapshot(at: number): ClusterSnapshot {
    const nodes: ClusterSnapshot["nodes"] = [];
    const pods: ClusterSnapshot["pods"] = [];
    for (const n of this.nodes.values()) {
      nodes.push({ name: n.name, ready: n.ready, schedulable: !n.unschedulable });
      for (const p of n.pods) {
        if (p.terminating) continue;
        const started = p.startedAt ? Date.parse(p.startedAt) : Number.NaN;
        pods.push({
          namespace: p.namespace,
          name: p.name,
          node: p.node,
          phase: p.phase,
          cpuMilli: Math.round(p.requests.cpuCores * 1000),
          memoryBytes: p.requests.memoryBytes,
          gpus: p.requests.gpus,
          startedAt: Number.isFinite(started) ? started : null,
        });
      }
    }
    return { at, nodes, pods };
  }
}
