// registry/membership: a placed device joining its region's cluster, pausing in it and leaving it. It
// mints the per-device join credentials and undoes them on the way out, through the two ports below; the
// Headscale and Kubernetes adapters (registry/vpn, registry/clusters) implement them and registry/main.ts
// wires them per region. Imports no HTTP and no adapter.

/** TailnetPort is what membership needs from a region's Headscale. */
export interface TailnetPort {
  /** A single-use, tagged pre-auth key for this device, expiring after ttlMs. */
  mintAuthKey(input: { deviceId: string; ttlMs: number }): Promise<{ key: string; keyId: string; expiresAt: Date }>;
  /** Expires and deletes the device's tailnet node; false when there was none. */
  removeNode(deviceId: string): Promise<boolean>;
}

/** ClusterPort is what membership needs from a region's Kubernetes API. */
export interface ClusterPort {
  /** A k3s-form bootstrap token for this device, expiring after ttlMs. */
  mintBootstrapToken(input: { deviceId: string; ttlMs: number }): Promise<{ token: string; tokenId: string; expiresAt: Date }>;
  revokeBootstrapToken(tokenId: string): Promise<void>;
  labelNode(name: string, labels: Record<string, string>): Promise<void>;
  cordon(name: string): Promise<void>;
  uncordon(name: string): Promise<void>;
  drain(name: string, opts: { timeoutMs: number }): Promise<{ evicted: number; remaining: string[] }>;
  /** Deletes the Node and k3s's node-password Secret; false when there was no Node. */
  deleteNode(name: string): Promise<boolean>;
}

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
