// registry/main.ts: the registry's composition root. It opens the store, builds each domain's service
// on it, joins them through their ports, and serves the HTTP API. Nothing else builds concrete stores.
import { mkdirSync } from "node:fs";
import { BUILD, REGISTRY_API, type DeviceState, type Hardware } from "../protocol/index.ts";
import installScript from "../install.sh" with { type: "text" };
import { AccountsService } from "./accounts/service.ts";
import { SqlAccountsRepo } from "./accounts/sql-accounts-repo.ts";
import { loadRegistryConfig, type RegistryConfig } from "./config/registry-config.ts";
import { DeviceSessions } from "./devices/device-sessions.ts";
import { sqlNonceStore } from "./devices/nonce-store.ts";
import { DevicesService, type ClaimsPort, type RegionsPort } from "./devices/service.ts";
import { SqlDevicesRepo } from "./devices/sql-devices-repo.ts";
import { MembershipService, PENDING_LEAVE_RETRY_MS } from "./membership/service.ts";
import { SqlJoinTokensRepo } from "./membership/join-tokens.ts";
import { SqlPendingLeavesRepo } from "./membership/pending-leaves.ts";
import { buildPortal } from "./portal-root.ts";
import { buildRewards } from "./rewards-root.ts";
import { deviceLabels, watchDeviceNodes, wireRegion, type WiredRegion } from "./region-wiring.ts";
import { RegistryUsageError, REGISTRY_HELP, parseRegistryFlags, type RegistryFlags } from "./flags.ts";
import { adminRoutes } from "./http/admin-routes.ts";
import { deviceRoutes } from "./http/device-routes.ts";
import { jsonResponse } from "./http/dispatcher.ts";
import { Downloads } from "./http/downloads.ts";
import { HttpMetrics } from "./http/http-metrics.ts";
import { openApiDocument } from "./http/openapi.ts";
import { ownerRoutes } from "./http/owner-routes.ts";
import { RateLimiter } from "./http/rate-limiter.ts";
import { regionRoutes } from "./http/region-routes.ts";
import { startHttpServer } from "./http/server.ts";
import { gaugesText } from "./metrics-text.ts";
import { RegionDirectory } from "./regions/directory.ts";
import { countryOfIp } from "./regions/geo.ts";
import { placeDevice } from "./regions/placement.ts";
import { thresholdFor } from "./regions/waitlist.ts";
import { openStore } from "./store/open-store.ts";
import type { SqlDriver } from "./store/sql-driver.ts";
import { TelemetryService } from "./telemetry/service.ts";
import { SqlTelemetryRepo } from "./telemetry/sql-telemetry-repo.ts";

export type Log = (event: string, fields?: Record<string, unknown>) => void;

export interface RunningRegistry {
  url: string;
  port: number;
  engine: "sqlite" | "postgres";
  devices: DevicesService;
  accounts: AccountsService;
  telemetry: TelemetryService;
  stop(): Promise<void>;
}

async function sessionSecret(db: SqlDriver): Promise<Buffer> {
  // INSERT-then-read, so replicas starting together agree on one secret.
  await db.insertMany("registry_meta", ["key", "value"], [["device_session_secret", DeviceSessions.newSecret()]], "ignore");
  const rows = await db.query<{ value: string }>("SELECT value FROM registry_meta WHERE key = $1", ["device_session_secret"]);
  return Buffer.from(rows[0]!.value, "base64url");
}

function fitOf(hardware: Hardware) {
  return { cpuCores: hardware.cpu.cores, memoryGiB: hardware.memory.totalBytes / 2 ** 30, gpuCount: hardware.gpus.filter((g) => g.supported).length };
}

/** regionsPortFor is how the devices domain asks the regions domain where a device goes. */
export function regionsPortFor(regions: RegionDirectory, config: RegistryConfig): RegionsPort {
  return {
    place: ({ rtts, choice, country, hardware, placed }) => {
      const p = placeDevice({ regions: regions.list(), devicesInRegion: (id) => placed.get(id) ?? 0, rtts, choice, country, device: fitOf(hardware), maxRttMs: config.placement.maxRttMs, maxDistanceKm: config.placement.maxDistanceKm });
      return p.kind === "waitlisted" ? p : { kind: p.kind, regionId: p.regionId, why: p.rttMs === null ? `placed by ${p.basis}` : `placed by ${p.basis}: ${Math.round(p.rttMs)} ms` };
    },
    region: (id) => {
      const named = regions.deviceRegion(id);
      return named ? { ...named, capacity: regions.get(id)!.capacity } : null;
    },
    threshold: (area) => thresholdFor(config.waitlist, area),
  };
}

/** claimsPortFor is how check-in redeems a claim code in the accounts domain, inside its own transaction. */
export function claimsPortFor(accounts: AccountsService): ClaimsPort {
  return {
    async redeem(code, device, ex) {
      const r = await accounts.redeemClaimCode(code, device, ex);
      if (r.ok) return { ok: true, owner: r.owner };
      return r.reason === "used" ? { ok: false, reason: "used", sameMachine: r.sameMachine, owner: r.owner } : { ok: false, reason: r.reason, sameMachine: false, owner: null };
    },
  };
}

/** startRegistry opens the store and serves the API; stop() ends it, flushing queued telemetry first. */
export async function startRegistry(flags: RegistryFlags, log: Log): Promise<RunningRegistry> {
  // A registry without regions could only waitlist; say so at start rather than run half-configured.
  if (!flags.config) throw new Error("no regions file: pass --config regions.yaml (registry/config/demo-regions.yaml is an example; list planned regions only to run a waitlist)");
  const config = await loadRegistryConfig(flags.config, { registryUrl: flags.publicUrl });
  if (flags.db.startsWith("sqlite:")) mkdirSync(flags.stateDir, { recursive: true, mode: 0o700 });
  const store = await openStore(flags.db, { backgroundCheckpoints: true });
  const db = store.driver;
  log("store_open", { store: store.display, engine: store.engine, ...(store.engine === "sqlite" ? { checkpoints: store.backgroundCheckpoints ? "worker thread" : "in commits" } : {}) });

  const regions = new RegionDirectory(config);
  const publicHost = new URL(flags.publicUrl).host;
  const accounts = new AccountsService(new SqlAccountsRepo(db), {
    registryHost: publicHost,
    installCommand: (code) => `curl -fsSL ${flags.publicUrl}/install.sh | AKASH_HOME_CLAIM=${code} sh -s -- --registry ${flags.publicUrl}`,
    globalOperators: regions.admins(),
    allowsFirstUserBootstrap: (id) => regions.allowsFirstUserBootstrap(id),
  });
  const regionsPort = regionsPortFor(regions, config);
  const claims = claimsPortFor(accounts);
  const sessions = new DeviceSessions(await sessionSecret(db));
  const devices = new DevicesService({ db, repo: new SqlDevicesRepo(db), regions: regionsPort, claims, sessions, heartbeatIntervalS: flags.heartbeatIntervalS, log });
  await devices.load();
  const telemetry = new TelemetryService({
    repo: new SqlTelemetryRepo(db),
    graceMs: flags.offlineGraceS * 1000,
    batching: flags.batching,
    onPresence: (change) => devices.presence(change),
    onError: (err, context) => log("telemetry_error", { context, error: String((err as Error)?.message ?? err) }),
  });
  const { online } = await telemetry.loadPresence();
  const reconciled = await devices.reconcilePresence(new Set(online), Date.now());
  if (reconciled) log("presence_reconciled", { devices: reconciled });
  const nonces = sqlNonceStore(db);
  const wired = new Map<string, WiredRegion>();
  for (const region of regions.list()) {
    const w = wireRegion(region);
    if (w) wired.set(region.id, w);
  }
  const membership = new MembershipService({ devices, tokens: new SqlJoinTokensRepo(db), pending: new SqlPendingLeavesRepo(db), infra: (id) => wired.get(id)?.infra ?? null, labelsFor: (d) => deviceLabels(d, d.regionId ? regions.get(d.regionId) : undefined), log });
  const rewards = await buildRewards({ db, config: config.rewards, accounts, devices, log });
  const nodeWatches = [...wired.values()].map((w) => watchDeviceNodes(w, (node) => membership.nodeRegistered(node), log, (s) => rewards.clusterReport(s)));

  const downloads = new Downloads(flags.downloads, installScript, flags.publicUrl);
  const metrics = new HttpMetrics();
  const portal = buildPortal({
    db,
    regions,
    devices,
    accounts,
    telemetry,
    wired,
    membership,
    publicUrl: flags.publicUrl,
    version: BUILD.version,
    ipRate: flags.ipRate,
    metrics,
    clientIp: (req) => clientIp(req, flags.trustProxy, server),
    ownerSession: (token) => accounts.sessionFromToken(token),
    earnings: rewards.service,
    log,
  });
  const routes = [
    ...regionRoutes({ regions, placedCounts: () => devices.placedCounts() }),
    ...deviceRoutes({ devices, membership, telemetry, countryOfIp, heartbeatIntervalS: flags.heartbeatIntervalS }),
    ...ownerRoutes({ accounts, devices, secureCookies: flags.publicUrl.startsWith("https:") }),
    ...adminRoutes({ accounts, devices, regions }),
    ...portal.routes,
    ...rewards.routes,
  ];
  const openapi = JSON.stringify(openApiDocument(routes, BUILD.version));
  const server = startHttpServer(
    flags.listen,
    routes,
    {
      ...portal.pages,
      [REGISTRY_API.health]: () => jsonResponse(200, { ok: true, version: BUILD.version, store: store.engine }),
      [REGISTRY_API.openapi]: () => new Response(openapi, { headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=60" } }),
      [REGISTRY_API.installScript]: () => downloads.script(),
      [REGISTRY_API.checksums]: () => downloads.file("SHA256SUMS"),
      [`${REGISTRY_API.downloads}/:file`]: (req) => downloads.file(req.params?.file ?? ""),
      [REGISTRY_API.metrics]: async () => {
        const byState = new Map<DeviceState, number>();
        for (const s of devices.stateCounts()) byState.set(s.state, s.count);
        const placed = await devices.placedCounts();
        const waitlist = await devices.waitlistAreas();
        const t = telemetry.stats();
        const text =
          gaugesText({
            devicesByState: byState,
            regions: regions.list().map((r) => ({ id: r.id, capacity: r.capacity, devices: placed.get(r.id) ?? 0 })),
            waitlist: waitlist.map((w) => ({ area: w.area, waiting: w.waiting, ready: w.readyToBootstrap })),
            telemetry: t,
          }) + metrics.prometheus();
        return new Response(text, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
      },
    },
    {
      sessions,
      nonces,
      ownerSession: (token) => accounts.sessionFromToken(token),
      deviceMaySend: (id) => {
        const s = devices.stateOf(id);
        return s !== null && s !== "removed" && s !== "banned";
      },
      ipLimiter: new RateLimiter(flags.ipRate, Math.max(1, flags.ipRate * 3)),
      deviceLimiter: new RateLimiter(flags.deviceRate, Math.max(1, flags.deviceRate * 15)),
      metrics,
      clientIp: (req) => clientIp(req, flags.trustProxy, server),
      log,
    },
  );
  const sweeper = telemetry.startSweeper(5000);
  const timers = [
    setInterval(() => devices.promoteWaitlisted().catch((err) => log("promote_failed", { error: String(err) })), 30_000),
    // A device taken out while its region was down has its Node and tailnet node deleted once the region answers.
    setInterval(() => membership.finishPendingLeaves().catch((err) => log("pending_leaves_failed", { error: String(err) })), PENDING_LEAVE_RETRY_MS),
    setInterval(() => nonces.purge(Date.now()).catch(() => {}), 60_000),
    setInterval(() => accounts.pruneExpired().catch(() => {}), 10 * 60_000),
  ];
  for (const t of timers) t.unref();
  const url = `http://${flags.listen.hostname === "0.0.0.0" ? "127.0.0.1" : flags.listen.hostname}:${server.port}`;
  log("registry_listening", { url, publicUrl: flags.publicUrl, regions: regions.list().length, downloads: downloads.available().length, batching: flags.batching });
  return {
    url,
    port: server.port!,
    engine: store.engine,
    devices,
    accounts,
    telemetry,
    async stop() {
      for (const t of timers) clearInterval(t);
      rewards.stop();
      sweeper.stop();
      await Promise.all(nodeWatches.map((w) => w.stop()));
      await server.stop();
      await telemetry.close();
      await db.close();
    },
  };
}

function clientIp(req: Request, trustProxy: boolean, server: { requestIP(req: Request): { address: string } | null }): string {
  if (trustProxy) {
    const forwarded = req.headers.get("x-forwarded-for");
    if (forwarded) return forwarded.split(",")[0]!.trim();
  }
  return server.requestIP(req)?.address ?? "unknown";
}

function jsonLog(event: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + "\n");
}

/** runRegistry is `akash-home registry`: serve until SIGINT or SIGTERM. Returns the exit code. */
export async function runRegistry(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === "claim-code") {
    const { runClaimCode } = await import("./cli/claim-code.ts");
    return runClaimCode(argv.slice(1), env);
  }
  if (argv[0] === "region") {
    const { runRegion } = await import("./cli/region-manifest.ts");
    return runRegion(argv.slice(1), env);
  }
  let flags: RegistryFlags;
  try {
    flags = parseRegistryFlags(argv, env);
  } catch (err) {
    if (err instanceof RegistryUsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (flags.help) {
    process.stdout.write(REGISTRY_HELP);
    return 0;
  }
  let registry: RunningRegistry;
  try {
    registry = await startRegistry(flags, jsonLog);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  jsonLog("registry_stopping");
  await registry.stop();
  return 0;
}
