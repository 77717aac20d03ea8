// registry/portal: the read models behind the owner portal, the admin portal, the public network page and
// the deploy console's provider API: device lists with uptime, a device's history and resource use,
// region overviews, network totals with a privacy-keeping map, provider reliability and attributes. It
// reads through PortalRepo and asks other domains through the ports in ports.ts; who may see what is the
// caller's check (registry/http). Must not import Elysia, JSX, ui/, agent/, a concrete store, or another
// registry domain.
import type {
  BenchResult,
  DeviceDetail,
  DeviceListFilter,
  DevicePage,
  DeviceRegion,
  DeviceState,
  DeviceSummary,
  Hardware,
  HardwareSummary,
  NetworkStats,
  ProviderAttributes,
  ProviderInfo,
  RegionOverview,
  ResourceSample,
  Workload,
  WorkloadsSource,
} from "../../protocol/index.ts";
import { isBehind } from "./agent-version.ts";
import { gpuModelsOf, readHardware, summariseHardware } from "./hardware-summary.ts";
import { aggregateCells, FINEST_RESOLUTION, MIN_DEVICES_PER_CELL, PRIVACY_RULE, type MapPoint } from "./map-cells.ts";
import { mean, percentile } from "./percentiles.ts";
import { NOT_CONFIGURED, type DeviceCommands, type HealthPort, type PortalRegion, type WaitlistPort, type WorkloadsPort } from "./ports.ts";
import { deriveAttributes } from "./provider-attributes.ts";
import type { DeviceScope, MetricsSample, PortalDeviceRecord, PortalDeviceRow, PortalRepo } from "./repo.ts";
import { downtimePeriods, uptimeStrip, type HeardInterval } from "./uptime.ts";

const DAY = 86_400_000;
/** The states that hold a place in a region (registry/devices/lifecycle.ts says the same). */
const PLACED: readonly DeviceState[] = ["assigned", "joining", "online", "offline", "paused"];
const GONE: readonly DeviceState[] = ["removed", "banned"];

export const LIST_WINDOW_DAYS = 30;
export const DETAIL_BUCKETS = 120;
export const RELIABILITY_WINDOW_DAYS = 30;
/** The device list's default and largest page. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface PortalServiceOptions {
  repo: PortalRepo;
  regions: () => readonly PortalRegion[];
  /** Devices holding a place per region, from the devices domain's memory. */
  placedCounts: () => Promise<Map<string, number>>;
  waitlist: WaitlistPort;
  /** The registry's own build version: agents behind it are told an update is available. */
  registryVersion: string;
  commands?: Pick<DeviceCommands, "view">;
  health?: HealthPort;
  workloads?: WorkloadsPort;
  now?: () => number;
  /** How long public numbers (network stats, provider answers) are reused; default a minute. */
  publicCacheMs?: number;
  /** How long after its last heartbeat a device is still online (the telemetry grace period). */
  graceMs?: number;
}

interface HardwareEntry {
  updatedAt: number;
  hardware: Hardware | null;
  summary: HardwareSummary | null;
  gpuModels: string[];
}

interface Cached<T> {
  at: number;
  value: T;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** DEFAULT_STATE_FILTER hides removed devices unless asked for: they are history, not fleet. */
export const DEFAULT_STATE_FILTER = "current";

export class PortalService {
  private readonly now: () => number;
  private readonly publicCacheMs: number;
  private readonly graceMs: number;
  /** Parsed hardware per device, until its row changes: a list of a thousand devices parses none twice. */
  private readonly hardwareCache = new Map<string, HardwareEntry>();
  private networkCache: Cached<NetworkStats> | null = null;
  private readonly providerCache = new Map<string, Cached<ProviderInfo>>();
  private readonly attributesCache = new Map<string, Cached<ProviderAttributes>>();

  constructor(private readonly o: PortalServiceOptions) {
    this.now = o.now ?? Date.now;
    this.publicCacheMs = o.publicCacheMs ?? 60_000;
    this.graceMs = o.graceMs ?? 60_000;
  }

  // ---- device lists ----

  /** devicePage is one page of the devices in scope that match filter, with counts and filter choices. */
  async devicePage(scope: DeviceScope, filter: DeviceListFilter, page = 1, pageSize = DEFAULT_PAGE_SIZE): Promise<DevicePage> {
    const rows = await this.o.repo.devices(scope);
    const regions = this.regionMap();
    const byState: Record<string, number> = {};
    const gpuModels = new Set<string>();
    const versions = new Set<string>();
    const regionIds = new Set<string>();
    for (const r of rows) {
      byState[r.state] = (byState[r.state] ?? 0) + 1;
      for (const m of this.hardwareOf(r).gpuModels) gpuModels.add(m);
      versions.add(r.agentVersion);
      if (r.regionId) regionIds.add(r.regionId);
    }
    const matching = rows.filter((r) => this.matches(r, filter)).sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(pageSize)));
    const pages = Math.max(1, Math.ceil(matching.length / size));
    const current = Math.min(pages, Math.max(1, Math.floor(page)));
    const shown = matching.slice((current - 1) * size, current * size);
    return {
      devices: await this.summaries(shown, regions),
      matching: matching.length,
      total: rows.length,
      page: current,
      pageSize: size,
      byState,
      choices: {
        regions: [...regionIds].map((id) => this.deviceRegion(id, regions)).filter((r): r is DeviceRegion => r !== null),
        gpuModels: [...gpuModels].sort(),
        agentVersions: [...versions].sort(),
      },
    };
  }

  private matches(r: PortalDeviceRow, f: DeviceListFilter): boolean {
    const state = f.state || DEFAULT_STATE_FILTER;
    if (state === DEFAULT_STATE_FILTER ? r.state === "removed" : state !== "all" && r.state !== state) return false;
    if (f.region && r.regionId !== f.region) return false;
    if (f.agentVersion && r.agentVersion !== f.agentVersion) return false;
    if (f.owner && !r.owner.startsWith(f.owner.trim().toLowerCase())) return false;
    if (f.gpu && !this.hardwareOf(r).gpuModels.includes(f.gpu)) return false;
    if (f.text) {
      const t = f.text.trim().toLowerCase();
      if (t && !r.hostname.toLowerCase().includes(t) && !r.id.toLowerCase().includes(t)) return false;
    }
    return true;
  }

  private async summaries(rows: readonly PortalDeviceRow[], regions: Map<string, PortalRegion>): Promise<DeviceSummary[]> {
    if (rows.length === 0) return [];
    const to = this.now();
    const from = to - LIST_WINDOW_DAYS * DAY;
    const ids = rows.map((r) => r.id);
    const [intervals, lastHeard] = await Promise.all([this.o.repo.intervals(ids, from, to), this.o.repo.lastHeard(ids)]);
    const byDevice = new Map<string, HeardInterval[]>();
    for (const i of intervals) {
      const list = byDevice.get(i.deviceId) ?? [];
      list.push(i);
      byDevice.set(i.deviceId, list);
    }
    return rows.map((r) => this.summary(r, regions, lastHeard.get(r.id) ?? null, uptimeStrip(byDevice.get(r.id) ?? [], { from, to, buckets: LIST_WINDOW_DAYS, existsFrom: r.createdAt, existsTo: this.endOf(r), graceMs: this.graceMs })));
  }

  private summary(r: PortalDeviceRow, regions: Map<string, PortalRegion>, lastHeard: number | null, uptime: DeviceSummary["uptime"]): DeviceSummary {
    return {
      deviceId: r.id,
      name: r.hostname,
      owner: r.owner,
      state: r.state,
      stateReason: r.stateReason,
      stateSince: iso(r.stateChangedAt),
      region: r.regionId ? this.deviceRegion(r.regionId, regions) : null,
      agentVersion: r.agentVersion,
      updateAvailable: !GONE.includes(r.state) && isBehind(r.agentVersion, this.o.registryVersion),
      hardware: this.hardwareOf(r).summary,
      lastSeenAt: lastHeard === null ? null : iso(lastHeard),
      createdAt: iso(r.createdAt),
      uptime,
    };
  }

  /** endOf is when a device stopped existing for uptime purposes: removed and banned devices end at that change. */
  private endOf(r: PortalDeviceRow): number | null {
    return GONE.includes(r.state) ? r.stateChangedAt : null;
  }

  /** deviceNames names every device of an owner (removed ones included), for pages that list them by id. */
  async deviceNames(owner: string): Promise<Record<string, string>> {
    return Object.fromEntries((await this.o.repo.devices({ owner })).map((r) => [r.id, r.hostname || r.id]));
  }

  // ---- one device ----

  /** deviceFacts says whose and where a device is, for the caller's access check; null when unknown. */
  async deviceFacts(deviceId: string): Promise<{ owner: string; regionId: string | null; state: DeviceState; name: string } | null> {
    if (deviceId.length > 128) return null;
    const d = await this.o.repo.device(deviceId);
    return d ? { owner: d.owner, regionId: d.regionId, state: d.state, name: d.hostname } : null;
  }

  /** deviceDetail is the device page's data: a finer uptime strip, downtime, resource use, benchmark, history. */
  async deviceDetail(deviceId: string): Promise<DeviceDetail | null> {
    if (deviceId.length > 128) return null;
    const d = await this.o.repo.device(deviceId);
    if (!d) return null;
    const to = this.now();
    const from = to - LIST_WINDOW_DAYS * DAY;
    const regions = this.regionMap();
    const [intervals, lastHeard, metrics, events, view, workloads] = await Promise.all([
      this.o.repo.intervals([d.id], from, to),
      this.o.repo.lastHeard([d.id]),
      this.o.repo.recentMetrics(d.id, to - DAY, 2000),
      this.o.repo.events(d.id, 25),
      this.o.commands?.view(d.id) ?? Promise.resolve(null),
      this.workloadsOf(d),
    ]);
    const life = { from, to, existsFrom: d.createdAt, existsTo: this.endOf(d), graceMs: this.graceMs };
    const samples = metrics.map(toSample).sort((a, b) => a.at.localeCompare(b.at));
    return {
      device: this.summary(d, regions, lastHeard.get(d.id) ?? null, uptimeStrip(intervals, { ...life, buckets: LIST_WINDOW_DAYS })),
      waitlist: view?.waitlist ?? null,
      uptime: uptimeStrip(intervals, { ...life, buckets: DETAIL_BUCKETS }),
      downtime: downtimePeriods(intervals, { ...life, limit: 20 }),
      workloads: workloads.source === "cluster" ? workloads.workloads : null,
      workloadsSource: workloads.source,
      latest: samples.at(-1) ?? null,
      recent: downsample(samples, 96),
      bench: benchSummary(d.bench),
      events: events.map((e) => ({ at: iso(e.at), from: e.from, to: e.to, reason: e.reason })),
      replaces: d.predecessorId,
    };
  }

  /** workloadsOf asks the device's region's cluster what runs on it; a cluster that does not answer does not hold up the page. */
  private async workloadsOf(d: PortalDeviceRecord): Promise<{ source: WorkloadsSource; workloads: Workload[] }> {
    if (!d.regionId || !PLACED.includes(d.state)) return { source: "not_in_cluster", workloads: [] };
    if (!this.o.workloads) return { source: "no_cluster", workloads: [] };
    try {
      const answer = await this.o.workloads(d.id, d.regionId);
      return { source: answer.source, workloads: answer.source === "cluster" ? answer.workloads : [] };
    } catch {
      return { source: "unreachable", workloads: [] };
    }
  }

  // ---- regions ----

  /** regionsOverview describes the given regions ("*" for all) with load and health, for operators. */
  async regionsOverview(ids: readonly string[] | "*"): Promise<RegionOverview[]> {
    const regions = this.o.regions().filter((r) => ids === "*" || ids.includes(r.id));
    const counts = await this.o.repo.countsByRegionState();
    const count = (regionId: string, states: readonly DeviceState[]) => counts.filter((c) => c.regionId === regionId && states.includes(c.state)).reduce((n, c) => n + c.count, 0);
    const health = await Promise.all(
      regions.map((r) =>
        this.o.health
          ? this.o.health(r).catch(() => ({ headscale: unknownHealth(), cluster: unknownHealth(), ingress: unknownHealth() }))
          : Promise.resolve({ headscale: NOT_CONFIGURED, cluster: NOT_CONFIGURED, ingress: NOT_CONFIGURED }),
      ),
    );
    return regions.map((r, i) => ({
      id: r.id,
      name: r.name,
      locationRegion: r.locationRegion,
      status: r.status,
      admission: r.admission,
      capacity: r.capacity,
      placed: count(r.id, PLACED),
      online: count(r.id, ["online"]),
      pending: count(r.id, ["pending_approval"]),
      headscale: health[i]!.headscale,
      cluster: health[i]!.cluster,
      ingress: health[i]!.ingress,
      firstUserBootstraps: r.firstUserBootstraps,
      providerAddress: r.providerAddress,
    }));
  }

  // ---- public ----

  /** networkStats are the public page's numbers and map cells, computed at most once per cache period. */
  async networkStats(): Promise<NetworkStats> {
    const now = this.now();
    if (this.networkCache && now - this.networkCache.at < this.publicCacheMs) return this.networkCache.value;
    const [counts, online, areas] = await Promise.all([this.o.repo.countsByRegionState(), this.o.repo.devicesInStates(["online"]), this.o.waitlist()]);
    const regions = this.o.regions();
    const gpus = new Map<string, number>();
    let cores = 0;
    let memory = 0;
    for (const r of online) {
      const h = this.hardwareOf(r);
      cores += h.summary?.cpuCores ?? 0;
      memory += h.summary?.memoryBytes ?? 0;
      for (const g of h.summary?.gpus ?? []) if (g.supported) gpus.set(g.akashModel ?? g.name, (gpus.get(g.akashModel ?? g.name) ?? 0) + 1);
    }
    const regionLoad = regions.map((r) => {
      const of = (states: readonly DeviceState[]) => counts.filter((c) => c.regionId === r.id && states.includes(c.state)).reduce((n, c) => n + c.count, 0);
      return { id: r.id, name: r.name, locationRegion: r.locationRegion, status: r.status, placed: of(PLACED), online: of(["online"]), capacity: r.capacity };
    });
    const points: MapPoint[] = regions.map((r, i) => ({ lat: r.latitude, lng: r.longitude, devices: regionLoad[i]!.placed, online: regionLoad[i]!.online }));
    const { cells, unmapped } = aggregateCells(points);
    const shownAreas = areas.filter((a) => a.waiting >= MIN_DEVICES_PER_CELL && a.area !== "unknown");
    const stats: NetworkStats = {
      at: iso(now),
      devicesOnline: online.length,
      devicesPlaced: regionLoad.reduce((n, r) => n + r.placed, 0),
      devicesWaiting: areas.reduce((n, a) => n + a.waiting, 0),
      cpuCoresOnline: cores,
      memoryBytesOnline: memory,
      gpusOnline: [...gpus.values()].reduce((a, b) => a + b, 0),
      gpusByModel: [...gpus].map(([model, count]) => ({ model, count })).sort((a, b) => b.count - a.count || a.model.localeCompare(b.model)),
      regions: regionLoad,
      waitingAreas: shownAreas.map((a) => ({ area: a.area, label: this.areaLabel(a.area), waiting: a.waiting, threshold: a.threshold, readyToBootstrap: a.readyToBootstrap })),
      waitingElsewhere: areas.filter((a) => !shownAreas.includes(a)).reduce((n, a) => n + a.waiting, 0),
      cells,
      unmapped,
      privacy: { minDevicesPerCell: MIN_DEVICES_PER_CELL, finestResolution: FINEST_RESOLUTION, rule: PRIVACY_RULE },
    };
    this.networkCache = { at: now, value: stats };
    return stats;
  }

  /** areaLabel names a waiting area for people: a country code stays, "near-<region>" names the region. */
  areaLabel(area: string): string {
    if (area.startsWith("near-")) {
      const region = this.o.regions().find((r) => r.id === area.slice(5));
      return region ? `near ${region.name}` : area;
    }
    return area;
  }

  /** providerRegions are the regions whose cluster is this provider's. */
  private providerRegions(address: string): PortalRegion[] {
    const a = address.trim().toLowerCase();
    return this.o.regions().filter((r) => r.providerAddress !== null && r.providerAddress.toLowerCase() === a);
  }

  /** providerAnswer is a public answer about a provider's regions, computed at most once per cache period; null for no provider here. */
  private async providerAnswer<T>(address: string, cache: Map<string, Cached<T>>, compute: (regions: PortalRegion[], key: string, now: number) => Promise<T>): Promise<T | null> {
    const regions = this.providerRegions(address);
    if (regions.length === 0) return null;
    const key = regions[0]!.providerAddress!;
    const now = this.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < this.publicCacheMs) return hit.value;
    const value = await compute(regions, key, now);
    cache.set(key, { at: now, value });
    return value;
  }

  /** providerInfo answers the deploy console about a provider, or null when it is not an Akash at Home provider. */
  providerInfo(address: string): Promise<ProviderInfo | null> {
    return this.providerAnswer(address, this.providerCache, (regions, key, now) => this.computeProviderInfo(regions, key, now));
  }

  private async computeProviderInfo(regions: PortalRegion[], key: string, now: number): Promise<ProviderInfo> {
    const from = now - RELIABILITY_WINDOW_DAYS * DAY;
    const perRegion = await Promise.all(regions.map((r) => this.o.repo.devices({ regionId: r.id })));
    const onlineMs = await this.o.repo.onlineMs(regions.map((r) => r.id), from, now);
    const fractions: number[] = [];
    let total = 0;
    let online = 0;
    let gpus = 0;
    const regionViews = regions.map((r, i) => {
      const placed = perRegion[i]!.filter((d) => PLACED.includes(d.state));
      const up = placed.filter((d) => d.state === "online");
      total += placed.length;
      online += up.length;
      for (const d of up) gpus += (this.hardwareOf(d).summary?.gpus ?? []).filter((g) => g.supported).length;
      for (const d of placed) {
        const known = now - Math.max(from, d.createdAt);
        if (known >= 60 * 60_000) fractions.push(Math.min(1, (onlineMs.get(d.id) ?? 0) / known));
      }
      return { id: r.id, name: r.name, locationRegion: r.locationRegion, devices: placed.length, online: up.length };
    });
    const round = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
    return {
      address: key,
      edge: true,
      network: "akash-at-home",
      locationType: "home",
      regions: regionViews,
      devices: { total, online, gpus },
      reliability: {
        windowDays: RELIABILITY_WINDOW_DAYS,
        devicesMeasured: fractions.length,
        mean: round(mean(fractions)),
        p10: round(percentile(fractions, 10)),
        p50: round(percentile(fractions, 50)),
        p90: round(percentile(fractions, 90)),
      },
      at: iso(now),
    };
  }

  /** providerAttributes is the attribute set for the provider's record on chain, or null when unknown here. */
  providerAttributes(address: string): Promise<ProviderAttributes | null> {
    return this.providerAnswer(address, this.attributesCache, (regions, key, now) => this.computeProviderAttributes(regions, key, now));
  }

  private async computeProviderAttributes(regions: PortalRegion[], key: string, now: number): Promise<ProviderAttributes> {
    const perRegion = await Promise.all(regions.map((r) => this.o.repo.devices({ regionId: r.id })));
    const placed = perRegion.map((rows) => rows.filter((d) => PLACED.includes(d.state)));
    const hardware = placed.flat().flatMap((d) => {
      const h = this.hardwareOf(d).hardware;
      return h ? [h] : [];
    });
    const derived = deriveAttributes(
      regions.map((r, i) => ({ locationRegion: r.locationRegion, countries: r.countries, devices: placed[i]!.length })),
      hardware,
    );
    return { address: key, attributes: derived.attributes, notes: derived.notes, at: iso(now) };
  }

  // ---- helpers ----

  private regionMap(): Map<string, PortalRegion> {
    return new Map(this.o.regions().map((r) => [r.id, r]));
  }

  private deviceRegion(id: string, regions: Map<string, PortalRegion>): DeviceRegion | null {
    const r = regions.get(id);
    return r ? { id: r.id, name: r.name, locationRegion: r.locationRegion } : { id, name: id, locationRegion: "" };
  }

  private hardwareOf(r: PortalDeviceRow): HardwareEntry {
    const hit = this.hardwareCache.get(r.id);
    if (hit && hit.updatedAt === r.updatedAt) return hit;
    const hardware = readHardware(r.hardware);
    const summary = hardware ? summariseHardware(r.hardware) : null;
    const entry = { updatedAt: r.updatedAt, hardware, summary, gpuModels: gpuModelsOf(summary) };
    // A bound, not an LRU: past it the cache starts over, which costs one parse per device once.
    if (this.hardwareCache.size >= 200_000) this.hardwareCache.clear();
    this.hardwareCache.set(r.id, entry);
    return entry;
  }
}

function unknownHealth() {
  return { status: "unknown" as const, detail: "the health check failed to run", checkedAt: null };
}

function toSample(m: MetricsSample): ResourceSample {
  let gpus: ResourceSample["gpus"] = [];
  try {
    const parsed = JSON.parse(m.gpus) as unknown;
    if (Array.isArray(parsed)) gpus = parsed.filter((g) => g && typeof g === "object").map((g) => ({ index: Number(g.index) || 0, utilPercent: Number(g.utilPercent) || 0, memoryUsedMiB: Number(g.memoryUsedMiB) || 0 }));
  } catch {}
  return { at: iso(m.at), cpuPercent: m.cpuPercent, memoryUsedBytes: m.memoryUsedBytes, memoryTotalBytes: m.memoryTotalBytes, gpus, pods: m.pods };
}

/** downsample keeps at most n samples, evenly spread, always keeping the newest. */
function downsample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.min(items.length - 1, Math.floor((i + 1) * step) - 1)]!);
  return out;
}

function benchSummary(json: string | null): DeviceDetail["bench"] {
  if (!json) return null;
  try {
    const b = JSON.parse(json) as BenchResult;
    return {
      at: b.startedAt,
      quick: b.quick,
      cpuSingle: b.cpu.singleCore,
      cpuMulti: b.cpu.multiCore,
      memoryMBps: b.memory.bandwidthMBps,
      diskWriteMBps: b.disk.seqWriteMBps,
      diskReadMBps: b.disk.seqReadMBps,
      downloadMBps: b.network.downloadMBps,
      gpus: b.gpus.map((g) => ({ name: g.name, vramMiB: g.vramMiB })),
    };
  } catch {
    return null;
  }
}
