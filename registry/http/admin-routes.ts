import { AuditLog, CreateOperatorOfferRequest, DeviceActionRequest, DeviceView, OperatorOffer, REGISTRY_API, WaitlistAreaList } from "../../protocol/index.ts";
import type { AccountsService } from "../accounts/service.ts";
import type { DevicesService } from "../devices/service.ts";
import { PublicError } from "../public-error.ts";
import type { RegionDirectory } from "../regions/directory.ts";
import { route, type RouteDef } from "./route.ts";

export interface AdminRouteDeps {
  accounts: AccountsService;
  devices: DevicesService;
  regions: RegionDirectory;
}

// Operators act on the regions they hold a role for; every action is checked here against the device's or
// region's id and written to the audit log with the reason given.

export function adminRoutes(d: AdminRouteDeps): RouteDef[] {
  return [
    route({
      method: "POST",
      path: REGISTRY_API.adminApprove,
      summary: "Approve a device waiting in an approval region (operator of that region)",
      tag: "operators",
      auth: "operator",
      limit: "ip",
      body: DeviceActionRequest,
      response: DeviceView,
      handler: async ({ auth, params, body }) => {
        const device = await d.devices.device(params.id!);
        if (!device) throw new PublicError(404, "device_unknown", `no device ${params.id}`, "check the device id");
        await d.accounts.requireOperator(auth.owner!.address, device.regionId ?? "");
        return d.devices.approve(device.id, auth.owner!.address, (tx, approved) =>
          d.accounts.audit({ actor: auth.owner!.address, action: "device.approve", target: approved.id, regionId: approved.regionId, detail: body.reason ?? "" }, tx),
        );
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.adminWaitlists,
      summary: "Waitlisted devices by area, with each area's threshold and whether it is ready to bootstrap a region",
      tag: "operators",
      auth: "operator",
      limit: "ip",
      response: WaitlistAreaList,
      handler: async ({ auth }) => {
        if (!(await d.accounts.rolesOf(auth.owner!.address)).length) throw new PublicError(403, "not_operator", "you operate no region", "ask the core team for an operator role");
        return { areas: await d.devices.waitlistAreas() };
      },
    }),
    route({
      method: "POST",
      path: REGISTRY_API.adminOperatorOffers,
      summary: "Offer an owner the operator role of a planned region that lets its first user bootstrap it",
      tag: "operators",
      auth: "operator",
      limit: "ip",
      body: CreateOperatorOfferRequest,
      response: OperatorOffer,
      handler: async ({ auth, params, body }) => {
        const region = d.regions.get(params.id!);
        if (!region) throw new PublicError(404, "region_unknown", `no region ${params.id}`, "see /api/v1/regions");
        await d.accounts.requireOperator(auth.owner!.address, region.id);
        if (!d.regions.allowsFirstUserBootstrap(region.id)) throw new PublicError(409, "bootstrap_not_allowed", `${region.name} does not let a first user bootstrap it`, "set firstUserBootstraps: true for the region in the registry config");
        return d.accounts.createOperatorOffer(auth.owner!.address, region.id, body.owner);
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.adminAudit,
      summary: "The audit log of admin actions in the regions you operate",
      tag: "operators",
      auth: "operator",
      limit: "ip",
      response: AuditLog,
      handler: async ({ auth, query }) => {
        const regionId = query.get("region") ?? "*";
        await d.accounts.requireOperator(auth.owner!.address, regionId);
        return { entries: await d.accounts.listAudit({ regionId: regionId === "*" ? undefined : regionId, limit: 200 }) };
      },
    }),
  ];
}
