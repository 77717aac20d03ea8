import { RegistryRefused, type DeviceRegistryClient, type LeaveResult, type UpEvent } from "../../protocol/index.ts";
import type { ClusterJoin } from "../state/cluster-join.ts";
import type { K3sAgent } from "./k3s-agent.ts";
import type { Tailscale } from "./tailscale.ts";

export interface ClusterMembershipDeps {
  tailscale: Tailscale;
  k3s: K3sAgent;
  /** "nvidia" when this device shares NVIDIA GPUs and their container runtime is installed, else null. */
  containerRuntime: () => Promise<string | null>;
  log: (event: string, fields?: Record<string, unknown>) => void;
}

/** JoinOutcome says how far joining got. */
export type JoinOutcome = { joined: true; cluster: ClusterJoin } | { joined: false; reason: string; fix: string | null };

/** How long the k3s agent gets to refuse its token before joining counts as started. */
const K3S_SETTLE_MS = 5_000;

/**
 * ClusterMembership joins the region's cluster in order — credentials from the registry, the tailnet,
 * then the k3s agent on the tailnet address — and leaves it in reverse. Running join again is safe: it
 * asks for fresh credentials and replaces the earlier settings.
 */
export class ClusterMembership {
  constructor(private readonly d: ClusterMembershipDeps) {}

  async join(client: DeviceRegistryClient, onEvent: (e: UpEvent) => void): Promise<JoinOutcome> {
    // Both programs are checked before credentials are asked for: a missing one would waste them.
    for (const part of [this.d.tailscale, this.d.k3s]) {
      const available = await part.available();
      if (!available.ok) return { joined: false, reason: available.problem, fix: available.fix };
    }
    onEvent({ type: "progress", step: "join", message: "asking the registry for join credentials" });
    let creds;
    try {
      creds = await client.join();
    } catch (err) {
      if (err instanceof RegistryRefused) return { joined: false, reason: err.message, fix: err.fix };
      throw err;
    }
    onEvent({ type: "progress", step: "join", message: `joining the tailnet of region ${creds.regionId} at ${creds.tailnet.loginServer}` });
    // The k3s server is on the tailnet: the peer that wakes a tailscaled stuck in "Starting".
    const tailnet = await this.d.tailscale.up({ loginServer: creds.tailnet.loginServer, authKey: creds.tailnet.authKey, hostname: creds.nodeName, nudgePeer: new URL(creds.cluster.server).hostname.replace(/^\[|\]$/g, "") });
    onEvent({ type: "progress", step: "join", message: `on the tailnet as ${tailnet.ipv4}` });
    const cluster: ClusterJoin = {
      regionId: creds.regionId,
      nodeName: creds.nodeName,
      server: creds.cluster.server,
      tailnetIp: tailnet.ipv4,
      labels: creds.cluster.labels,
      taints: creds.cluster.taints,
      flannelIface: creds.cluster.flannelIface,
      defaultRuntime: await this.d.containerRuntime(),
      joinedAt: new Date().toISOString(),
    };
    onEvent({ type: "progress", step: "join", message: `starting the k3s agent as node ${cluster.nodeName} (server ${cluster.server})` });
    await this.d.k3s.start({ ...cluster, nodeIp: cluster.tailnetIp, token: creds.cluster.token });
    // A refused token makes the agent exit at once; say so here rather than leave the owner guessing.
    const code = await this.d.k3s.exitedWithin(K3S_SETTLE_MS);
    if (code !== null) {
      await this.d.k3s.stop();
      const said = this.d.k3s.recentOutput().split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? `exit code ${code}`;
      return { joined: false, reason: `the k3s agent stopped: ${said}`, fix: "run `akash-home up` again for fresh credentials; if it keeps failing, run `akash-home doctor`" };
    }
    this.d.log("joined the cluster", { node: cluster.nodeName, region: cluster.regionId, tailnetIp: cluster.tailnetIp });
    return { joined: true, cluster };
  }

  /** restart starts the k3s agent of an earlier join again after the daemon itself restarted. */
  async restart(cluster: ClusterJoin): Promise<void> {
    if (this.d.k3s.running()) return;
    await this.d.k3s.start({ ...cluster, nodeIp: cluster.tailnetIp, token: "" });
  }

  /**
   * leave asks the registry to drain and delete this node while the node is still connected, then stops
   * the k3s agent and leaves the tailnet. A registry that cannot be reached does not keep the device in:
   * local teardown still happens and the answer says what was not done.
   */
  async leave(client: DeviceRegistryClient | null, onEvent: (e: UpEvent) => void): Promise<{ result: LeaveResult | null; problem: string | null }> {
    let result: LeaveResult | null = null;
    let problem: string | null = null;
    if (client) {
      onEvent({ type: "progress", step: "dashboard", message: "asking the registry to drain and remove this node" });
      try {
        result = await client.leave();
        if (result.cleanupPending) onEvent({ type: "progress", step: "dashboard", message: "the region's cluster did not answer the registry: it removes this node there as soon as it does" });
      } catch (err) {
        problem = `the registry could not be told: ${(err as Error).message}`;
      }
    }
    onEvent({ type: "progress", step: "dashboard", message: "stopping the k3s agent and leaving the tailnet" });
    await this.d.k3s.stop();
    await this.d.tailscale.logout().catch((err: unknown) => {
      problem = problem ?? (err as Error).message;
    });
    this.d.log("left the cluster", { evicted: result?.evicted ?? null, problem });
    return { result, problem };
  }

  async shutdown(): Promise<void> {
    await this.d.k3s.stop();
  }
}
