import * as v from "valibot";

/**
 * REGISTRY_API are the registry's paths. Device routes are authenticated by the device key
 * (protocol/device-auth.ts); owner and admin routes by the owner's session cookie.
 */
export const REGISTRY_API = {
  health: "/healthz",
  metrics: "/metrics",
  openapi: "/api/openapi.json",
  installScript: "/install.sh",
  checksums: "/SHA256SUMS",
  downloads: "/downloads",
  regions: "/api/v1/regions",
  // Devices (signed or session).
  checkIn: "/api/v1/devices/check-in",
  deviceSession: "/api/v1/devices/session",
  deviceSelf: "/api/v1/devices/self",
  telemetry: "/api/v1/devices/telemetry",
  deviceJoin: "/api/v1/devices/join",
  devicePause: "/api/v1/devices/pause",
  deviceLeave: "/api/v1/devices/leave",
  // Owners.
  authChallenge: "/api/v1/auth/challenge",
  authVerify: "/api/v1/auth/verify",
  authSignOut: "/api/v1/auth/sign-out",
  ownerSession: "/api/v1/owner/session",
  claimCodes: "/api/v1/owner/claim-codes",
  ownerDevices: "/api/v1/owner/devices",
  operatorOffers: "/api/v1/owner/operator-offers",
  ownerPayoutAddress: "/api/v1/owner/payout-address",
  // Operators: paths with :id are templates.
  adminApprove: "/api/v1/admin/devices/:id/approve",
  adminWaitlists: "/api/v1/admin/waitlists",
  adminOperatorOffers: "/api/v1/admin/regions/:id/operator-offers",
  adminAudit: "/api/v1/admin/audit",
  // Earnings (protocol/earnings.ts): device by session, owner by cookie, operators for epochs and payouts.
  earningsPolicy: "/api/v1/earnings/policy",
  deviceEarnings: "/api/v1/devices/earnings",
  deviceStatement: "/api/v1/devices/earnings/statement",
  ownerEarnings: "/api/v1/owner/earnings",
  ownerStatement: "/api/v1/owner/earnings/statement",
  ownerStatementCsv: "/api/v1/owner/earnings/statement.csv",
  ownerDeviceEarnings: "/api/v1/owner/devices/:id/earnings",
  adminEpochs: "/api/v1/admin/epochs",
  adminCloseEpochs: "/api/v1/admin/epochs/close",
  adminPayouts: "/api/v1/admin/payouts",
  adminPayoutRecord: "/api/v1/admin/payouts/:id/record",
  // Portals (protocol/portal-api.ts): the owner's devices and actions, operators' regions and actions.
  ownerDevice: "/api/v1/owner/devices/:id",
  ownerDeviceAction: "/api/v1/owner/devices/:id/:action",
  adminRegions: "/api/v1/admin/regions",
  adminRegionDevices: "/api/v1/admin/regions/:id/devices",
  adminDeviceAction: "/api/v1/admin/devices/:id/:action",
  // Public: the network page's numbers, and the deploy console's provider API (protocol/provider-api.ts).
  network: "/api/v1/network",
  provider: "/api/v1/providers/:address",
  providerAttributes: "/api/v1/providers/:address/attributes",
} as const;

/** OWNER_SESSION_COOKIE names the owner's session cookie. */
export const OWNER_SESSION_COOKIE = "akash_home_session";

/** RegionSummary is what the registry tells anyone about one region. */
export const RegionSummary = v.object({
  id: v.string(),
  name: v.string(),
  /** Akash location-region code, e.g. "na-us-west". */
  locationRegion: v.string(),
  probeUrl: v.string(),
  status: v.picklist(["active", "planned"]),
  admission: v.picklist(["open", "approval"]),
  capacity: v.number(),
  devices: v.number(),
  full: v.boolean(),
});
export type RegionSummary = v.InferOutput<typeof RegionSummary>;

/** RegionList answers GET /api/v1/regions. */
export const RegionList = v.object({ regions: v.array(RegionSummary) });
export type RegionList = v.InferOutput<typeof RegionList>;

/** HealthReport answers GET /healthz. */
export const HealthReport = v.object({ ok: v.boolean(), version: v.string(), store: v.picklist(["sqlite", "postgres"]) });
export type HealthReport = v.InferOutput<typeof HealthReport>;
