// registry/membership: a placed device joining its region's cluster, pausing in it and leaving it. It
// mints the per-device join credentials and undoes them on the way out, through the tailnet and cluster
// ports (registry/vpn/tailnet-admin.ts, registry/clusters/cluster-admin.ts), which registry/main.ts wires
// per region. Imports no HTTP and no adapter.
import type { ClusterAdmin } from "../clusters/cluster-admin.ts";
import type { TailnetAdmin } from "../vpn/tailnet-admin.ts";

/** TailnetPort is the part of a region's tailnet membership uses. */
export type TailnetPort = Pick<TailnetAdmin, "mintAuthKey" | "revokeAuthKey" | "removeNode">;

/** ClusterPort is the part of a region's cluster membership uses. */
export type ClusterPort = Pick<ClusterAdmin, "mintBootstrapToken" | "revokeBootstrapToken" | "labelNode" | "cordon" | "uncordon" | "drain" | "deleteNode">;

/** RegionInfra is one region's join plumbing, as configured. */
export interface RegionInfra {
  regionId: string;
  tailnet: TailnetPort;
  cluster: ClusterPort;
  /** The Headscale URL devices log in to. */
  loginServer: string;
  /** The k3s server URL devices join, on the tailnet. */
  server: string;
  tags: string[];
  taints: string[];
  flannelIface: string;
}
