// registry/portal-root.ts: part of the composition root. It builds the portals' read side on the store,
// fits the devices, accounts and telemetry services and each connected region's adapters to the portal's
// ports, and returns the portals' JSON routes and HTML pages for the server. Only registry/main.ts calls it.
import type { ComponentHealth, OwnerSession } from "../protocol/index.ts";
import type { AccountsService } from "./accounts/service.ts";
import type { DevicesService } from "./devices/service.ts";
import type { HttpMetrics } from "./http/http-metrics.ts";
import { earningsPages } from "./http/earnings-pages.ts";
import { operatorPages } from "./http/operator-pages.ts";
import { PageKit } from "./http/page-kit.ts";
import { portalPages } from "./http/portal-pages.ts";
import { portalRoutes } from "./http/portal-routes.ts";
import { serveStatic, STATIC_ROUTE } from "./http/portal-static.ts";
import { PAGE_HEADERS } from "./http/page-kit.ts";
import { RateLimiter } from "./http/rate-limiter.ts";
import type { RouteDef } from "./http/route.ts";
import type { PlainRoutes } from "./http/server.ts";
import type { KubeClusterAdmin } from "./clusters/kube-cluster-admin.ts";
import { DRAIN_TIMEOUT_MS, type MembershipService } from "./membership/service.ts";
import { DEVICE_TAG, INGRESS_TAG } from "./vpn/acl-policy.ts";
import type { HeadscaleTailnet } from "./vpn/headscale-tailnet.ts";
import { DeviceActions } from "./portal/device-actions.ts";
import { NOT_CONFIGURED, type ClusterPort, type DeviceCommands, type EarningsPort, type PortalRegion, type RegionHealth, type Removal, type WorkloadsPort } from "./portal/ports.ts";
import { headscaleHealth, ingressHealth, withPendingLeaves, workloadsFrom } from "./portal/region-state.ts";
import { PortalService } from "./portal/service.ts";
import { SqlPortalRepo } from "./portal/sql-portal-repo.ts";
import type { RegionDirectory } from "./regions/directory.ts";
import type { SqlDriver } from "./store/sql-driver.ts";
import type { TelemetryService } from "./telemetry/service.ts";
import { PublicError } from "./public-error.ts";

type Log = (event: string, fields?: Record<string, unknown>) => void;

export interface PortalRootDeps {
  db: SqlDriver;
  regions: RegionDirectory;
  devices: DevicesService;
  accounts: AccountsService;
  telemetry: Pick<TelemetryService, "presence" | "graceMs">;
  /** Each connected region's adapters (region-wiring.ts); regions missing here read "not configured". */
  wired: ReadonlyMap<string, RegionAdapters>;
  /** Membership takes a removed device out of its connected region (drain, Node and tailnet node deleted). */
  membership?: Pick<MembershipService, "leave" | "pendingLeaves"> | null;
  publicUrl: string;
  version: string;
  ipRate: number;
  metrics: HttpMetrics;
  clientIp: (req: Request) => string;
  ownerSession: (token: string) => Promise<OwnerSession | null>;
  /** The rewards service (registry/rewards-root.ts), or null while this registry computes no earnings. */
  earnings?: EarningsPort | null;
  log: Log;
}

/** RegionAdapters is what the portals use of a connected region's adapters; region-wiring.ts's WiredRegion is one. */
export interface RegionAdapters {
  cluster: Pick<KubeClusterAdmin, "cordon" | "uncordon" | "drain" | "deleteNode" | "health" | "podsOnNode" | "leaseOwners" | "machineNodes">;
  tailnet: Pick<HeadscaleTailnet, "removeNode" | "health" | "listNodes">;
}

export interface Portal {
  service: PortalService;
  routes: RouteDef[];
  pages: PlainRoutes;
}

const HEALTH_CACHE_MS = 30_000;
/** How long a device page waits for its region's cluster to list the pods before it says the cluster did not answer. */
const WORKLOADS_TIMEOUT_MS = 3000;

/** asConflict turns a refused state change (a race with another change) into a 409 the caller can act on. */
async function asConflict<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if ((err as Error)?.name === "TransitionRefused") throw new PublicError(409, "state_changed", (err as Error).message, "reload the page: the device changed state meanwhile");
    throw err;
  }
}

function health(h: { ok: boolean; message: string }, at: number): ComponentHealth {
  return { status: h.ok ? "ok" : "failing", detail: h.message, checkedAt: new Date(at).toISOString() };
}

export function buildPortal(d: PortalRootDeps): Portal {
  const portalRegions = (): PortalRegion[] => d.regions.list().map((r) => ({ ...r, providerAddress: r.providerAddress ?? null }));

  // Removing and banning leave the same way (drain, Node and tailnet node deleted, unused credentials revoked).
  const shutOut = (id: string, reason: string, end: "removed" | "banned"): Promise<Removal> =>
    asConflict(async () => {
      const regionId = (await d.devices.device(id))?.regionId;
      if (!d.membership || !regionId || !d.wired.has(regionId)) {
        const device = end === "banned" ? await d.devices.ban(id, reason) : await d.devices.remove(id, reason);
        return { state: device.state, left: null };
      }
      const left = await d.membership.leave(id, reason, end);
      return { state: left.device.state, left: { evicted: left.evicted, remaining: left.remaining, nodeDeleted: left.nodeDeleted, tailnetNodeDeleted: left.tailnetNodeDeleted, cleanupPending: left.cleanupPending } };
    });

  const commands: DeviceCommands = {
    async facts(id) {
      const r = await d.devices.device(id);
      return r ? { id: r.id, owner: r.owner, regionId: r.regionId, state: r.state } : null;
    },
    view: (id) => d.devices.self(id).catch(() => null),
    setPaused: (id, paused, reason) => asConflict(async () => d.devices.pauseFor(id, paused, reason, paused ? "online" : await d.telemetry.presence(id))),
    remove: (id, reason) => shutOut(id, reason, "removed"),
    ban: (id, reason) => shutOut(id, reason, "banned"),
    approve: (id, actor, audit) => asConflict(async () => (await d.devices.approve(id, actor, (tx) => audit(tx))).state),
  };

  const cluster: ClusterPort = {
    configured: (regionId) => d.wired.has(regionId),
    async cordon(deviceId, regionId, cordoned) {
      const w = d.wired.get(regionId);
      if (!w) return;
      await ignoreMissing(() => (cordoned ? w.cluster.cordon(deviceId) : w.cluster.uncordon(deviceId)), false);
    },
    async drain(deviceId, regionId) {
      const w = d.wired.get(regionId);
      if (!w) return { evicted: 0, remaining: [] };
      const drained = await ignoreMissing(() => w.cluster.drain(deviceId, { timeoutMs: DRAIN_TIMEOUT_MS }), { evicted: [], remaining: [] });
      return { evicted: drained.evicted.length, remaining: drained.remaining.map((r) => r.pod) };
    },
  };

  // Health checks reach out to each region; an admin page reuses an answer for half a minute.
  const healthCache = new Map<string, { at: number; value: RegionHealth }>();
  const checkRegion = async (regionId: string, w: RegionAdapters): Promise<RegionHealth> => {
    const hit = healthCache.get(regionId);
    if (hit && Date.now() - hit.at < HEALTH_CACHE_MS) return hit.value;
    const [headscale, api, nodes, machines] = await Promise.all([
      w.tailnet.health(),
      w.cluster.health(),
      w.tailnet.listNodes().catch(() => null),
      w.cluster.machineNodes().catch(() => null),
    ]);
    const now = Date.now();
    const at = new Date(now).toISOString();
    const value: RegionHealth = {
      headscale: headscaleHealth(headscale, nodes, DEVICE_TAG, at),
      cluster: health(api, now),
      ingress:
        nodes === null
          ? { status: "unknown", detail: `cannot tell: Headscale did not list the tailnet's nodes${headscale.ok ? "" : ` (${headscale.message})`}`, checkedAt: at }
          : ingressHealth(nodes, machines && new Map(machines.map((m) => [m.name, m.ready])), INGRESS_TAG, at),
    };
    healthCache.set(regionId, { at: now, value });
    return value;
  };
  const regionHealth = async (region: PortalRegion): Promise<RegionHealth> => {
    const w = d.wired.get(region.id);
    if (!w) return { headscale: NOT_CONFIGURED, cluster: NOT_CONFIGURED, ingress: NOT_CONFIGURED };
    // What is left to delete there is the registry's own record, read fresh even when the checks are cached.
    const pending = (await d.membership?.pendingLeaves(region.id))?.length ?? 0;
    const checked = await checkRegion(region.id, w);
    return { ...checked, cluster: withPendingLeaves(checked.cluster, pending) };
  };

  const workloads: WorkloadsPort = async (deviceId, regionId) => {
    const w = d.wired.get(regionId);
    if (!w) return { source: "no_cluster" };
    // The pods, then who deployed each one's lease (its namespace's labels), within one time limit.
    const listing = w.cluster.podsOnNode(deviceId).then(async (pods) => ({ pods, owners: await w.cluster.leaseOwners(pods.map((p) => p.namespace)) }));
    listing.catch(() => {}); // a late failure after the timeout has nobody to tell
    const timeout = new Promise<null>((resolve) => setTimeout(resolve, WORKLOADS_TIMEOUT_MS, null).unref());
    const found = await Promise.race([listing, timeout]);
    if (found === null) return { source: "unreachable" };
    return { source: "cluster", workloads: workloadsFrom(found.pods.map((p) => ({ ...p, gpus: p.requests.gpus, leaseOwner: found.owners.get(p.namespace) ?? null }))) };
  };

  const service = new PortalService({
    repo: new SqlPortalRepo(d.db),
    regions: portalRegions,
    placedCounts: () => d.devices.placedCounts(),
    waitlist: () => d.devices.waitlistAreas(),
    registryVersion: d.version,
    commands,
    health: regionHealth,
    workloads,
    graceMs: d.telemetry.graceMs,
  });
  const actions = new DeviceActions({
    commands,
    cluster,
    roles: {
      isOperator: (owner, regionId) => d.accounts.isOperator(owner, regionId),
      audit: (entry, tx) => d.accounts.audit(entry, tx as never),
    },
    log: d.log,
  });
  const secureCookies = d.publicUrl.startsWith("https:");
  const kit = new PageKit({
    ownerSession: d.ownerSession,
    limiter: new RateLimiter(d.ipRate, Math.max(1, d.ipRate * 3)),
    metrics: d.metrics,
    clientIp: d.clientIp,
    log: d.log,
    version: d.version,
    secureCookies,
  });
  const earnings = earningsPages({ kit, earnings: d.earnings ?? null, accounts: d.accounts, portal: service });
  const pages: PlainRoutes = {
    [STATIC_ROUTE]: (req) => serveStatic(req, PAGE_HEADERS),
    ...portalPages({ kit, portal: service, actions, accounts: d.accounts, regions: portalRegions, updateCommand: `curl -fsSL ${d.publicUrl}/install.sh | sh`, secureCookies, earnings: { devicePanel: earnings.devicePanel } }),
    ...earnings.pages,
    ...operatorPages({ kit, portal: service, actions, accounts: d.accounts, regions: portalRegions, waitlist: () => d.devices.waitlistAreas() }),
  };
  return { service, routes: portalRoutes({ portal: service, actions, accounts: d.accounts }), pages };
}

/**
 * ignoreMissing runs a cluster call; a device whose Node is not there (never joined, or gone) gives fallback,
 * and a region that does not answer is a 503 the operator can retry: nothing in the registry changed yet.
 */
async function ignoreMissing<T>(f: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await f();
  } catch (err) {
    const e = err as { code?: unknown; status?: unknown; statusCode?: unknown };
    if (e?.code === 404 || e?.status === 404 || e?.statusCode === 404) return fallback;
    if (err instanceof PublicError) throw err;
    throw new PublicError(503, "region_unavailable", "the region's cluster did not answer", "try again in a minute; the device was not changed", { cause: err });
  }
}
