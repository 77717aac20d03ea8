import type { ComponentHealth, DeviceEarnings, DeviceState, DeviceView, EarningsStatement, OwnerEarnings, WaitlistArea, Workload } from "../../protocol/index.ts";

// What the portal domain needs from the rest of the registry, as small interfaces the composition root
// (registry/main.ts) fills in: the configured regions, the devices domain's counts and commands, the
// accounts domain's roles and audit log, and the regions' clusters and Headscale servers. A region whose
// cluster or Headscale is not connected answers "not configured", and the portal says so.

/** PortalRegion is a configured region as the portals need it. */
export interface PortalRegion {
  id: string;
  name: string;
  locationRegion: string;
  status: "active" | "planned";
  admission: "open" | "approval";
  capacity: number;
  latitude: number;
  longitude: number;
  countries: readonly string[];
  firstUserBootstraps: boolean;
  /** The Akash provider address whose cluster this region is, when configured. */
  providerAddress: string | null;
}

/** RegionHealth is the last health check of a region's Headscale, Kubernetes API server and ingress. */
export interface RegionHealth {
  headscale: ComponentHealth;
  cluster: ComponentHealth;
  ingress: ComponentHealth;
}

export const NOT_CONFIGURED: ComponentHealth = { status: "not_configured", detail: "the registry is not connected to this region's cluster", checkedAt: null };

/** HealthPort checks a region's Headscale and ingress; absent, both read "not configured". */
export type HealthPort = (region: PortalRegion) => Promise<RegionHealth>;

/** WorkloadsAnswer is what the region's cluster says runs on a device's node, or why it said nothing. */
export type WorkloadsAnswer = { source: "cluster"; workloads: Workload[] } | { source: "no_cluster" | "unreachable" };

/** WorkloadsPort lists the pods on a device's node in its region's cluster. */
export type WorkloadsPort = (deviceId: string, regionId: string) => Promise<WorkloadsAnswer>;

/** DeviceFacts is what an action needs to know about a device before acting. */
export interface DeviceFacts {
  id: string;
  owner: string;
  regionId: string | null;
  state: DeviceState;
}

/** LeftCluster is what taking a device out of its region's cluster did there. */
export interface LeftCluster {
  evicted: number;
  /** Pods a disruption budget kept on the node, "namespace/name". */
  remaining: string[];
  nodeDeleted: boolean;
  tailnetNodeDeleted: boolean;
  /** The region did not answer: the Node and tailnet node are deleted there once it does. */
  cleanupPending: boolean;
}

/** Removal is a removed device's state and, when its region is connected, what leaving did in the cluster. */
export interface Removal {
  state: DeviceState;
  left: LeftCluster | null;
}

/** DeviceCommands are the devices domain's state changes; each returns the state the device ends in. */
export interface DeviceCommands {
  facts(deviceId: string): Promise<DeviceFacts | null>;
  view(deviceId: string): Promise<DeviceView | null>;
  setPaused(deviceId: string, paused: boolean, reason: string): Promise<DeviceState>;
  /** remove takes the device out: through its region's cluster (drain, delete the Node and tailnet node, revoke unused credentials) when connected. */
  remove(deviceId: string, reason: string): Promise<Removal>;
  /** ban takes the device out the same way and keeps its machine from checking in again. */
  ban(deviceId: string, reason: string): Promise<Removal>;
  /** approve lets a pending device in; audit runs inside the same transaction. */
  approve(deviceId: string, actor: string, audit: (tx: unknown) => Promise<void>): Promise<DeviceState>;
}

/** ClusterPort acts on a device's node in its region's cluster and tailnet. */
export interface ClusterPort {
  /** configured says whether the registry can reach this region's cluster. */
  configured(regionId: string): boolean;
  cordon(deviceId: string, regionId: string, cordoned: boolean): Promise<void>;
  /** drain evicts the device's pods; remaining lists those a disruption budget held, "namespace/name". */
  drain(deviceId: string, regionId: string): Promise<{ evicted: number; remaining: string[] }>;
}

/** NO_CLUSTER is the cluster port while no region's cluster is wired: nothing is configured. */
export const NO_CLUSTER: ClusterPort = {
  configured: () => false,
  cordon: async () => {},
  drain: async () => ({ evicted: 0, remaining: [] }),
};

/** AuditEntryInput is one action for the audit log. */
export interface AuditEntryInput {
  actor: string;
  action: string;
  target: string;
  regionId: string | null;
  detail: string;
}

/** RolesPort is the accounts domain's answer to "may this owner operate that region", and its audit log. */
export interface RolesPort {
  isOperator(owner: string, regionId: string): Promise<boolean>;
  /** audit writes an entry; pass tx to write it in that transaction. */
  audit(entry: AuditEntryInput, tx?: unknown): Promise<void>;
}

/** WaitlistPort lists the waiting areas with their thresholds. */
export type WaitlistPort = () => Promise<WaitlistArea[]>;

/** EarningsPort is the rewards domain's answers about an owner's and a device's earnings. */
export interface EarningsPort {
  ownerEarnings(owner: string): Promise<OwnerEarnings>;
  ownerStatement(owner: string, fromEpoch: number | null, toEpoch: number | null): Promise<EarningsStatement>;
  deviceStatement(deviceId: string, owner: string, fromEpoch: number | null, toEpoch: number | null): Promise<EarningsStatement>;
  deviceEarnings(deviceId: string, owner: string): Promise<DeviceEarnings>;
}

