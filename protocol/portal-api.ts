import * as v from "valibot";
import { DeviceRegion, DeviceState, WaitlistView } from "./device-state.ts";

// The portals' read models: what the owner portal, the admin portal and the public network page show, and
// what the matching JSON routes answer. Times are ISO 8601 strings; fractions are 0..1.

/** UPTIME_KINDS are what a stretch of time on an uptime strip was: heartbeats while sharing, heartbeats while paused, none, or before the device existed. */
export const UPTIME_KINDS = ["online", "paused", "offline", "none"] as const;
export const UptimeKind = v.picklist(UPTIME_KINDS);
export type UptimeKind = v.InferOutput<typeof UptimeKind>;

/** UptimeMark is one bucket of an uptime strip: its dominant kind and how its time split. */
export const UptimeMark = v.object({
  from: v.string(),
  to: v.string(),
  kind: UptimeKind,
  online: v.number(),
  paused: v.number(),
  offline: v.number(),
});
export type UptimeMark = v.InferOutput<typeof UptimeMark>;

/** UptimeStrip is a device's last days as equal buckets, oldest first, with the totals over the known time. */
export const UptimeStrip = v.object({
  from: v.string(),
  to: v.string(),
  marks: v.array(UptimeMark),
  /** Online share of the time the device existed in the window (paused time counts as not online). */
  onlineFraction: v.number(),
  pausedFraction: v.number(),
  offlineFraction: v.number(),
});
export type UptimeStrip = v.InferOutput<typeof UptimeStrip>;

/** DowntimePeriod is a stretch without heartbeats; `to` is null while it lasts. */
export const DowntimePeriod = v.object({ from: v.string(), to: v.nullable(v.string()), durationMs: v.number() });
export type DowntimePeriod = v.InferOutput<typeof DowntimePeriod>;

/** HardwareSummary is a device's hardware in a line an owner reads. */
export const HardwareSummary = v.object({
  cpuModel: v.string(),
  cpuCores: v.number(),
  memoryBytes: v.number(),
  gpus: v.array(v.object({ name: v.string(), akashModel: v.nullable(v.string()), vramMiB: v.number(), supported: v.boolean() })),
  os: v.string(),
  arch: v.string(),
});
export type HardwareSummary = v.InferOutput<typeof HardwareSummary>;

/** DeviceSummary is one row of the owner's (or an operator's) device list. */
export const DeviceSummary = v.object({
  deviceId: v.string(),
  /** The machine's hostname as its agent reported it: owner-chosen text, shown as text. */
  name: v.string(),
  owner: v.string(),
  state: DeviceState,
  stateReason: v.nullable(v.string()),
  stateSince: v.string(),
  region: v.nullable(DeviceRegion),
  agentVersion: v.string(),
  /** True when the agent is older than the registry's own build. */
  updateAvailable: v.boolean(),
  hardware: v.nullable(HardwareSummary),
  lastSeenAt: v.nullable(v.string()),
  createdAt: v.string(),
  uptime: v.nullable(UptimeStrip),
});
export type DeviceSummary = v.InferOutput<typeof DeviceSummary>;

/** DeviceListQuery narrows a device list; every field is optional. */
export const DeviceListFilter = v.object({
  state: v.optional(v.string()),
  region: v.optional(v.string()),
  gpu: v.optional(v.string()),
  owner: v.optional(v.string()),
  agentVersion: v.optional(v.string()),
  text: v.optional(v.string()),
});
export type DeviceListFilter = v.InferOutput<typeof DeviceListFilter>;

/** DevicePage is one page of a filtered device list with the counts behind it. */
export const DevicePage = v.object({
  devices: v.array(DeviceSummary),
  /** Devices that match the filter, on every page. */
  matching: v.number(),
  /** All devices of the list before filtering. */
  total: v.number(),
  page: v.number(),
  pageSize: v.number(),
  byState: v.record(v.string(), v.number()),
  /** Values the filters can take, from the unfiltered list. */
  choices: v.object({ regions: v.array(DeviceRegion), gpuModels: v.array(v.string()), agentVersions: v.array(v.string()) }),
});
export type DevicePage = v.InferOutput<typeof DevicePage>;

/** ResourceSample is one metrics sample a device sent. */
export const ResourceSample = v.object({
  at: v.string(),
  cpuPercent: v.number(),
  memoryUsedBytes: v.number(),
  memoryTotalBytes: v.number(),
  gpus: v.array(v.object({ index: v.number(), utilPercent: v.number(), memoryUsedMiB: v.number() })),
  pods: v.number(),
});
export type ResourceSample = v.InferOutput<typeof ResourceSample>;

/** Workload is one pod on the device, as the region's cluster reports it. */
export const Workload = v.object({ namespace: v.string(), name: v.string(), leaseOwner: v.nullable(v.string()), since: v.nullable(v.string()), gpus: v.number() });
export type Workload = v.InferOutput<typeof Workload>;

/**
 * WorkloadsSource says where a device page's workloads come from: its region's cluster, read now, or why
 * not (the region has no connected cluster, the device is in no cluster, the cluster did not answer).
 */
export const WorkloadsSource = v.picklist(["cluster", "no_cluster", "not_in_cluster", "unreachable"]);
export type WorkloadsSource = v.InferOutput<typeof WorkloadsSource>;

/** DeviceEvent is one state change of a device, with its reason. */
export const DeviceEventView = v.object({ at: v.string(), from: v.nullable(DeviceState), to: DeviceState, reason: v.string() });
export type DeviceEventView = v.InferOutput<typeof DeviceEventView>;

/** BenchSummary is the device's last benchmark, as numbers an owner compares. */
export const BenchSummary = v.object({
  at: v.string(),
  quick: v.boolean(),
  cpuSingle: v.number(),
  cpuMulti: v.number(),
  memoryMBps: v.number(),
  diskWriteMBps: v.number(),
  diskReadMBps: v.number(),
  downloadMBps: v.nullable(v.number()),
  gpus: v.array(v.object({ name: v.string(), vramMiB: v.number() })),
});
export type BenchSummary = v.InferOutput<typeof BenchSummary>;

/** DeviceDetail is everything the device page shows, earnings aside. */
export const DeviceDetail = v.object({
  device: DeviceSummary,
  waitlist: v.nullable(WaitlistView),
  /** Finer uptime than the list's, e.g. 30 days in 4-hour buckets. */
  uptime: UptimeStrip,
  downtime: v.array(DowntimePeriod),
  /** The pods on the device's node; null unless workloadsSource is "cluster". */
  workloads: v.nullable(v.array(Workload)),
  workloadsSource: WorkloadsSource,
  latest: v.nullable(ResourceSample),
  /** Up to a day of samples, oldest first, for the charts. */
  recent: v.array(ResourceSample),
  bench: v.nullable(BenchSummary),
  events: v.array(DeviceEventView),
  replaces: v.nullable(v.string()),
});
export type DeviceDetail = v.InferOutput<typeof DeviceDetail>;

/** ComponentHealth is how a region's Headscale or ingress answered its last health check. */
export const ComponentHealth = v.object({
  status: v.picklist(["ok", "failing", "not_configured", "unknown"]),
  detail: v.string(),
  checkedAt: v.nullable(v.string()),
});
export type ComponentHealth = v.InferOutput<typeof ComponentHealth>;

/** RegionOverview is a region as its operators see it. */
export const RegionOverview = v.object({
  id: v.string(),
  name: v.string(),
  locationRegion: v.string(),
  status: v.picklist(["active", "planned"]),
  admission: v.picklist(["open", "approval"]),
  capacity: v.number(),
  /** Devices holding a place (assigned, joining, online, offline, paused). */
  placed: v.number(),
  online: v.number(),
  pending: v.number(),
  headscale: ComponentHealth,
  /** The region's Kubernetes API server. */
  cluster: ComponentHealth,
  ingress: ComponentHealth,
  firstUserBootstraps: v.boolean(),
  providerAddress: v.nullable(v.string()),
});
export type RegionOverview = v.InferOutput<typeof RegionOverview>;

export const RegionOverviewList = v.object({ regions: v.array(RegionOverview) });
export type RegionOverviewList = v.InferOutput<typeof RegionOverviewList>;

/** NetworkRegionLoad is one region on the public network page. */
export const NetworkRegionLoad = v.object({
  id: v.string(),
  name: v.string(),
  locationRegion: v.string(),
  status: v.picklist(["active", "planned"]),
  placed: v.number(),
  online: v.number(),
  capacity: v.number(),
});
export type NetworkRegionLoad = v.InferOutput<typeof NetworkRegionLoad>;

/** MapCell is one H3 cell on the public map: never fewer devices than the privacy floor, never finer than its resolution. */
export const MapCell = v.object({ h3: v.string(), resolution: v.number(), lat: v.number(), lng: v.number(), devices: v.number(), online: v.number() });
export type MapCell = v.InferOutput<typeof MapCell>;

/** WaitingArea is an area where devices wait for a region, on the public page. */
export const WaitingArea = v.object({ area: v.string(), label: v.string(), waiting: v.number(), threshold: v.number(), readyToBootstrap: v.boolean() });
export type WaitingArea = v.InferOutput<typeof WaitingArea>;

/** NetworkStats answers GET /api/v1/network: public totals, the map's cells and the privacy rule they keep. */
export const NetworkStats = v.object({
  at: v.string(),
  devicesOnline: v.number(),
  devicesPlaced: v.number(),
  devicesWaiting: v.number(),
  cpuCoresOnline: v.number(),
  memoryBytesOnline: v.number(),
  gpusOnline: v.number(),
  gpusByModel: v.array(v.object({ model: v.string(), count: v.number() })),
  regions: v.array(NetworkRegionLoad),
  waitingAreas: v.array(WaitingArea),
  /** Waiting devices in areas below the privacy floor, counted but not named. */
  waitingElsewhere: v.number(),
  cells: v.array(MapCell),
  /** Devices in cells below the privacy floor at every resolution: counted in the totals only. */
  unmapped: v.number(),
  privacy: v.object({ minDevicesPerCell: v.number(), finestResolution: v.number(), rule: v.string() }),
});
export type NetworkStats = v.InferOutput<typeof NetworkStats>;

/** AdminDeviceAction is what an operator may do to a device. */
export const ADMIN_DEVICE_ACTIONS = ["approve", "pause", "resume", "drain", "remove", "ban"] as const;
export const AdminDeviceAction = v.picklist(ADMIN_DEVICE_ACTIONS);
export type AdminDeviceAction = v.InferOutput<typeof AdminDeviceAction>;

/** OWNER_DEVICE_ACTIONS are what an owner may do to their own device from the portal. */
export const OWNER_DEVICE_ACTIONS = ["pause", "resume", "remove"] as const;
export const OwnerDeviceAction = v.picklist(OWNER_DEVICE_ACTIONS);
export type OwnerDeviceAction = v.InferOutput<typeof OwnerDeviceAction>;

/** DeviceActionOutcome answers an owner's or operator's action: the device after it, and what the cluster did. */
export const DeviceActionOutcome = v.object({
  deviceId: v.string(),
  action: v.string(),
  state: DeviceState,
  /** One sentence: what happened, including what could not be done in the cluster. */
  message: v.string(),
  cluster: v.object({
    configured: v.boolean(),
    cordoned: v.nullable(v.boolean()),
    evicted: v.number(),
    remaining: v.array(v.string()),
    nodeDeleted: v.boolean(),
    tailnetNodeDeleted: v.boolean(),
    /** The region's cluster or Headscale did not answer: the registry deletes the Node and tailnet node there once it does. */
    cleanupPending: v.boolean(),
  }),
});
export type DeviceActionOutcome = v.InferOutput<typeof DeviceActionOutcome>;

/** PORTAL_PAGES are the registry's HTML pages; paths with :name are templates. */
export const PORTAL_PAGES = {
  network: "/",
  mapImage: "/network/map.svg",
  signIn: "/sign-in",
  signInVerify: "/sign-in/verify",
  signOut: "/sign-out",
  devices: "/portal",
  devicesTable: "/portal/devices",
  device: "/portal/devices/:id",
  deviceAction: "/portal/devices/:id/:action",
  /** Pause or resume many of the owner's devices at once (form: action, device repeated). */
  devicesBulk: "/portal/bulk-action",
  addDevice: "/portal/add-device",
  claimCodes: "/portal/claim-codes",
  claimStatus: "/portal/claim-codes/:code",
  offerDecision: "/portal/offers/:id/:decision",
  earnings: "/portal/earnings",
  payoutAddress: "/portal/earnings/payout-address",
  admin: "/admin",
  adminRegion: "/admin/regions/:id",
  adminRegionTable: "/admin/regions/:id/devices",
  adminDeviceAction: "/admin/devices/:id/action",
  adminOffer: "/admin/regions/:id/offers",
  adminAudit: "/admin/audit",
} as const;

/** pagePath fills a page template's :names, encoding each value. */
export function pagePath(template: string, values: Record<string, string>): string {
  return template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
}
