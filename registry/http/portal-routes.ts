import * as v from "valibot";
import {
  ADMIN_DEVICE_ACTIONS,
  AkashAddress,
  DeviceActionOutcome,
  DeviceActionRequest,
  DeviceDetail,
  DevicePage,
  NetworkStats,
  OWNER_DEVICE_ACTIONS,
  ProviderAttributes,
  ProviderInfo,
  REGISTRY_API,
  RegionOverviewList,
  type AdminDeviceAction,
  type OwnerSession,
} from "../../protocol/index.ts";
import type { AccountsService } from "../accounts/service.ts";
import type { DeviceActions } from "../portal/device-actions.ts";
import type { PortalService } from "../portal/service.ts";
import { PublicError } from "../public-error.ts";
import { filterOf } from "./portal-pages.ts";
import { route, type RouteDef } from "./route.ts";

// The portals' JSON API: what the pages show, for scripts and other front ends, and the public answers
// for the deploy console (is this provider edge compute, how reliable, which attributes). Public answers
// are the same for everyone, so they carry Cache-Control and an ETag and answer 304 when unchanged.

export interface PortalRouteDeps {
  portal: PortalService;
  actions: DeviceActions;
  accounts: AccountsService;
}

const PUBLIC_MAX_AGE_S = 60;

/** cachedJson answers a public value with caching headers, or 304 when the client holds the same bytes. */
function cachedJson(req: Request, value: unknown): Response {
  const body = JSON.stringify(value);
  const etag = `"${new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 20)}"`;
  const headers = { "content-type": "application/json; charset=utf-8", "cache-control": `public, max-age=${PUBLIC_MAX_AGE_S}`, etag };
  const held = req.headers.get("if-none-match");
  if (held && held.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { headers });
}

function providerAddress(raw: string): string {
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {}
  const parsed = v.safeParse(AkashAddress, text);
  if (!parsed.success) throw new PublicError(400, "invalid_address", "the provider address is not an Akash address (akash1…)", "use the provider's bech32 address as it appears on chain");
  return parsed.output.toLowerCase();
}

function unknownProvider(address: string): PublicError {
  return new PublicError(404, "provider_unknown", `${address} is not an Akash at Home provider on this registry`, "providers not listed here are not edge (home) providers of this network");
}

const operatedRegions = (s: OwnerSession): string[] | "*" => (s.roles.some((r) => r.regionId === "*") ? "*" : s.roles.map((r) => r.regionId));

export function portalRoutes(d: PortalRouteDeps): RouteDef[] {
  return [
    route({
      method: "GET",
      path: REGISTRY_API.ownerDevice,
      summary: "One of this owner's devices: uptime, downtime periods, workloads, resource use, benchmark and state history",
      tag: "owners",
      auth: "owner",
      limit: "ip",
      response: DeviceDetail,
      handler: async ({ auth, params }) => {
        const facts = await d.portal.deviceFacts(params.id!);
        if (!facts || facts.owner !== auth.owner!.address) throw new PublicError(404, "device_unknown", "there is no such device among yours", "list your devices at /api/v1/owner/devices");
        return (await d.portal.deviceDetail(params.id!))!;
      },
    }),
    ...OWNER_DEVICE_ACTIONS.map((action) =>
      route({
        method: "POST",
        path: REGISTRY_API.ownerDeviceAction.replace(":action", action),
        summary:
          action === "remove"
            ? "Remove one of your devices: its workloads move elsewhere, it leaves its region's cluster and is deregistered"
            : action === "pause"
              ? "Pause one of your devices: no new workloads are placed on it"
              : "Resume one of your paused devices",
        tag: "owners",
        auth: "owner",
        limit: "ip",
        response: DeviceActionOutcome,
        handler: ({ auth, params }) => d.actions.ownerAct(auth.owner!.address, params.id!, action),
      }),
    ),
    route({
      method: "GET",
      path: REGISTRY_API.adminRegions,
      summary: "The regions you operate, with capacity, load, devices to approve and Headscale and ingress health",
      tag: "operators",
      auth: "operator",
      limit: "ip",
      response: RegionOverviewList,
      handler: async ({ auth }) => {
        const scope = operatedRegions(auth.owner!);
        if (scope !== "*" && scope.length === 0) throw new PublicError(403, "not_operator", "you operate no region", "ask the core team for an operator role");
        return { regions: await d.portal.regionsOverview(scope) };
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.adminRegionDevices,
      summary: "A region's devices (operator of that region); filter with ?state=, gpu=, owner=, agentVersion=, text=; page with ?page= and pageSize=",
      tag: "operators",
      auth: "operator",
      limit: "ip",
      response: DevicePage,
      handler: async ({ auth, params, query }) => {
        const regionId = params.id!;
        await d.accounts.requireOperator(auth.owner!.address, regionId);
        const [overview] = await d.portal.regionsOverview([regionId]);
        if (!overview) throw new PublicError(404, "region_unknown", `no region ${regionId.slice(0, 64)}`, "see /api/v1/regions");
        const page = Number(query.get("page") ?? "1");
        const size = Number(query.get("pageSize") ?? "50");
        return d.portal.devicePage({ regionId }, filterOf(query), Number.isFinite(page) ? page : 1, Number.isFinite(size) ? size : 50);
      },
    }),
    ...ADMIN_DEVICE_ACTIONS.filter((a): a is Exclude<AdminDeviceAction, "approve"> => a !== "approve").map((action) =>
      route({
        method: "POST",
        path: REGISTRY_API.adminDeviceAction.replace(":action", action),
        summary: `${action[0]!.toUpperCase()}${action.slice(1)} a device of a region you operate; the reason goes to the audit log`,
        tag: "operators",
        auth: "operator",
        limit: "ip",
        body: DeviceActionRequest,
        response: DeviceActionOutcome,
        handler: ({ auth, params, body }) => d.actions.operatorAct(auth.owner!.address, params.id!, action, body.reason ?? ""),
      }),
    ),
    route({
      method: "GET",
      path: REGISTRY_API.network,
      summary: "Public network totals: devices and GPUs online, CPU cores, regions with their load, waiting areas, and map cells that never show a home",
      tag: "public",
      auth: "none",
      limit: "ip",
      response: NetworkStats,
      handler: async ({ request }) => cachedJson(request, await d.portal.networkStats()),
    }),
    providerRoute(
      REGISTRY_API.provider,
      "For the deploy console: whether a provider is edge (home) compute, its regions, devices and uptime percentiles over 30 days",
      ProviderInfo,
      (address) => d.portal.providerInfo(address),
    ),
    providerRoute(
      REGISTRY_API.providerAttributes,
      "For the provider's on-chain record: host, tier, location-type home, location-region and capability attributes derived from its devices",
      ProviderAttributes,
      (address) => d.portal.providerAttributes(address),
    ),
  ];
}

/** providerRoute is a public, cacheable answer about one provider by its address; 404 for a provider that is not one of this registry's. */
function providerRoute<S extends v.GenericSchema>(path: string, summary: string, response: S, answer: (address: string) => Promise<v.InferOutput<S> | null>): RouteDef {
  return route({
    method: "GET",
    path,
    summary,
    tag: "public",
    auth: "none",
    limit: "ip",
    response,
    handler: async ({ request, params }) => {
      const address = providerAddress(params.address!);
      const value = await answer(address);
      if (!value) throw unknownProvider(address);
      return cachedJson(request, value);
    },
  });
}
