import type { ClusterSnapshot, Interval, NodeReadySource, PlacementSource, PodInterval } from "./ports.ts";
import type { NodeReadyRow, PodIntervalRow, RewardsRepo } from "./repo.ts";

// The cluster as rewards remember it: from the watcher's stream of snapshots, intervals of lease pods
// running on nodes and of nodes Ready and schedulable. An interval seen again within graceMs of its end is
// extended to the new snapshot; otherwise a new one starts. A pod seen for the first time starts at its
// own start time when that is after the registry last saw it (the cluster knows when it started), so a
// registry restart does not cost a running pod its time. Only pods in namespaces shaped like a lease's
// (45 characters of base32hex, leaseNamespace) are kept; system pods are no one's revenue.

const LEASE_NAMESPACE = /^[0-9a-v]{45}$/;

interface OpenPod {
  row: PodIntervalRow;
}

const podKey = (namespace: string, pod: string, node: string, cpu: number, mem: number, gpus: number) => `${namespace}/${pod}@${node}#${cpu}:${mem}:${gpus}`;

export class ClusterRecorder implements PlacementSource, NodeReadySource {
  private pods = new Map<string, OpenPod>();
  private nodes = new Map<string, NodeReadyRow>();
  private loaded = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: RewardsRepo,
    readonly graceMs: number,
  ) {}

  private async load(now: number): Promise<void> {
    if (this.loaded) return;
    for (const row of await this.repo.openPodIntervals(now - this.graceMs)) {
      const key = podKey(row.namespace, row.pod, row.node, row.cpuMilli, row.memoryBytes, row.gpus);
      const have = this.pods.get(key);
      if (!have || have.row.endAt < row.endAt) this.pods.set(key, { row });
    }
    for (const row of await this.repo.openNodeIntervals(now - this.graceMs)) {
      const have = this.nodes.get(row.node);
      if (!have || have.endAt < row.endAt) this.nodes.set(row.node, row);
    }
    this.loaded = true;
  }

  /** record takes one snapshot; snapshots are applied one at a time, in the order given. */
  record(s: ClusterSnapshot): Promise<void> {
    const run = this.tail.then(() => this.apply(s));
    this.tail = run.catch(() => {});
    return run;
  }

  private async apply(s: ClusterSnapshot): Promise<void> {
    await this.load(s.at);
    const createPods: Omit<PodIntervalRow, "id">[] = [];
    const createdPodKeys: string[] = [];
    const extendPods: { id: number; endAt: number }[] = [];
    const extendedPods: OpenPod[] = [];
    const seenPods = new Set<string>();
    for (const p of s.pods) {
      if (p.phase !== "Running" || !p.node || !LEASE_NAMESPACE.test(p.namespace)) continue;
      const key = podKey(p.namespace, p.name, p.node, Math.round(p.cpuMilli), Math.round(p.memoryBytes), Math.round(p.gpus));
      if (seenPods.has(key)) continue;
      seenPods.add(key);
      const open = this.pods.get(key);
      if (open && s.at - open.row.endAt <= this.graceMs && s.at >= open.row.endAt) {
        extendPods.push({ id: open.row.id, endAt: s.at });
        extendedPods.push(open);
        continue;
      }
      const after = open ? open.row.endAt : Number.NEGATIVE_INFINITY;
      const started = p.startedAt !== null && p.startedAt > after && p.startedAt < s.at ? p.startedAt : s.at;
      createPods.push({ namespace: p.namespace, pod: p.name, node: p.node, cpuMilli: Math.round(p.cpuMilli), memoryBytes: Math.round(p.memoryBytes), gpus: Math.round(p.gpus), startAt: started, endAt: s.at });
      createdPodKeys.push(key);
    }
    const createNodes: Omit<NodeReadyRow, "id">[] = [];
    const extendNodes: { id: number; endAt: number }[] = [];
    const extendedNodes: NodeReadyRow[] = [];
    for (const n of s.nodes) {
      if (!n.ready || !n.schedulable) continue;
      const open = this.nodes.get(n.name);
      if (open && s.at - open.endAt <= this.graceMs && s.at >= open.endAt) {
        extendNodes.push({ id: open.id, endAt: s.at });
        extendedNodes.push(open);
      } else createNodes.push({ node: n.name, startAt: s.at, endAt: s.at });
    }
    const { podIds, nodeIds } = await this.repo.writeObservations({ createPods, extendPods, createNodes, extendNodes });
    // Memory follows only once the writes are durable.
    for (const open of extendedPods) open.row.endAt = s.at;
    createPods.forEach((row, i) => this.pods.set(createdPodKeys[i]!, { row: { ...row, id: podIds[i]! } }));
    for (const open of extendedNodes) open.endAt = s.at;
    createNodes.forEach((row, i) => this.nodes.set(row.node, { ...row, id: nodeIds[i]! }));
    // Forget what can no longer be extended.
    for (const [k, open] of this.pods) if (s.at - open.row.endAt > this.graceMs) this.pods.delete(k);
    for (const [k, open] of this.nodes) if (s.at - open.endAt > this.graceMs) this.nodes.delete(k);
  }

  async podIntervals(fromMs: number, toMs: number): Promise<PodInterval[]> {
    await this.tail;
    return (await this.repo.podIntervals(fromMs, toMs)).map((r) => ({ namespace: r.namespace, pod: r.pod, node: r.node, startMs: r.startAt, endMs: r.endAt, cpuMilli: r.cpuMilli, memoryBytes: r.memoryBytes, gpus: r.gpus }));
  }

  async readyIntervals(fromMs: number, toMs: number): Promise<Map<string, Interval[]>> {
    await this.tail;
    const out = new Map<string, Interval[]>();
    for (const r of await this.repo.nodeIntervals(fromMs, toMs)) {
      const list = out.get(r.node) ?? [];
      list.push({ startMs: r.startAt, endMs: r.endAt });
      out.set(r.node, list);
    }
    return out;
  }
}
