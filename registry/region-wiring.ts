// registry/region-wiring.ts: part of the composition root. For each region whose cluster is connected
// (kubeconfig, Headscale and a `join` section in the config) it builds the Kubernetes and Headscale adapters,
// fits them to the membership ports, and watches the region's device Nodes so a Node that registers has its
// join token revoked and the registry's labels put on (and, for rewards, every Node's readiness and pods).
// Only registry/main.ts calls it.
import type { Gpu, Hardware, ShareSettings } from "../protocol/index.ts";
import { KubeClusterAdmin } from "./clusters/kube-cluster-admin.ts";
import { loadKubeConfig } from "./clusters/kube-transport.ts";
import { deviceNodeLabels, EDGE_LABEL, EDGE_SELECTOR } from "./clusters/node-labels.ts";
import type { ClusterWatch, NodeSnapshot } from "./clusters/cluster-admin.ts";
import type { RegionConfig } from "./config/registry-config.ts";
import type { DeviceRecord } from "./devices/repo.ts";
import type { RegionInfra } from "./membership/region-infra.ts";
import { HeadscaleTailnet } from "./vpn/headscale-tailnet.ts";
import { DEVICE_TAG } from "./vpn/acl-policy.ts";

type Log = (event: string, fields?: Record<string, unknown>) => void;

export interface WiredRegion {
  infra: RegionInfra;
  cluster: KubeClusterAdmin;
  tailnet: HeadscaleTailnet;
}

/** wireRegion builds a region's adapters, or returns null when its cluster is not connected in the config. */
export function wireRegion(region: RegionConfig): WiredRegion | null {
  if (!region.kubeconfig || !region.headscale || !region.join) return null;
  const cluster = new KubeClusterAdmin(loadKubeConfig(region.kubeconfig));
  const tailnet = new HeadscaleTailnet({ url: region.headscale.url, apiKeyFile: region.headscale.apiKeyFile, deviceTags: [DEVICE_TAG] });
  const infra: RegionInfra = {
    regionId: region.id,
    tailnet,
    cluster,
    loginServer: region.headscale.url,
    server: region.join.server,
    tags: [DEVICE_TAG],
    taints: region.join.taints,
    flannelIface: region.join.flannelIface,
  };
  return { infra, cluster, tailnet };
}

/** deviceLabels is every label a device's Node carries: identity, owner, region, and the GPUs it shares. */
export function deviceLabels(d: DeviceRecord, region: RegionConfig | undefined): Record<string, string> {
  const hardware = JSON.parse(d.hardware) as Hardware;
  const share = d.share ? (JSON.parse(d.share) as ShareSettings) : null;
  const shared = (g: Gpu) => !share || share.gpus.length === 0 || (g.uuid !== null && share.gpus.includes(g.uuid));
  return deviceNodeLabels({ deviceId: d.id, owner: d.owner, regionId: d.regionId ?? "", locationRegion: region?.locationRegion ?? "", gpus: hardware.gpus.filter(shared) });
}

/**
 * watchDeviceNodes tells onRegistered once per appearance of a device Node. The first list may fail while
 * the cluster is unreachable; it is retried with backoff and never holds up the registry's start.
 * onSnapshot, when given, hears every Node's whole state (Ready, cordon, pods with their requests) on each
 * change: rewards need every Node, not only devices', since a lease's pods on the provider's own nodes
 * take their share of its revenue away from the devices.
 */
export function watchDeviceNodes(wired: WiredRegion, onRegistered: (nodeName: string) => Promise<void>, log: Log, onSnapshot?: (s: NodeSnapshot) => void): { stop(): Promise<void> } {
  let watch: ClusterWatch | null = null;
  let stopped = false;
  const seen = new Set<string>();
  const start = async (attempt: number): Promise<void> => {
    if (stopped) return;
    try {
      watch = await wired.cluster.watch(
        {
          onNode: (s) => {
            onSnapshot?.(s);
            if (s.labels[EDGE_LABEL] !== "true") return;
            if (!s.exists) {
              seen.delete(s.name);
              return;
            }
            if (seen.has(s.name)) return;
            seen.add(s.name);
            void onRegistered(s.name).catch((err: unknown) => log("node registration not followed up", { region: wired.infra.regionId, node: s.name, error: (err as Error)?.message ?? String(err) }));
          },
          onError: (err) => log("cluster watch interrupted", { region: wired.infra.regionId, error: err.message }),
        },
        onSnapshot ? {} : { nodeSelector: EDGE_SELECTOR },
      );
      if (stopped) await watch.stop();
    } catch (err) {
      const delay = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
      log("cluster watch not started", { region: wired.infra.regionId, error: (err as Error)?.message ?? String(err), retryInMs: delay });
      setTimeout(() => void start(attempt + 1), delay).unref();
    }
  };
  void start(0);
  return {
    async stop() {
      stopped = true;
      await watch?.stop();
    },
  };
}
