import * as v from "valibot";
import {
  BuildPayoutRequest,
  CloseEpochRequest,
  DeviceEarnings,
  EarningsPolicyView,
  EarningsStatement,
  EpochSummaryList,
  EpochVerification,
  OwnerEarnings,
  PayoutBatch,
  PayoutBatchList,
  RecordPayoutRequest,
  REGISTRY_API,
} from "../../protocol/index.ts";
import { PublicError } from "../public-error.ts";
import type { RewardsService } from "../rewards/service.ts";
import { route, type RouteDef } from "./route.ts";

/** The parts of the accounts domain these routes need: operator checks and the audit log. */
export interface EarningsAccounts {
  requireOperator(owner: string, regionId: string): Promise<void>;
  audit(entry: { actor: string; action: string; target: string; regionId?: string | null; detail?: string }): Promise<void>;
}

export interface EarningsRouteDeps {
  rewards: RewardsService;
  accounts: EarningsAccounts;
  /** The owner of a device, or null when the registry does not know it. */
  ownerOfDevice: (deviceId: string) => Promise<string | null>;
}

// Rewards belong to the whole provider, not one region: closing epochs and paying out take an operator of
// every region ("*"), the core team. Owners read their own earnings; a device reads its own.
const ALL_REGIONS = "*";

function epochRange(query: URLSearchParams): { from: number | null; to: number | null } {
  const read = (name: string) => {
    const raw = query.get(name);
    if (raw === null || raw === "") return null;
    if (!/^\d{1,12}$/.test(raw)) throw new PublicError(400, "invalid_query", `${name} must be an epoch number`, `pass ?${name}=<epoch id> or leave it out`);
    return Number(raw);
  };
  const from = read("from");
  const to = read("to");
  if (from !== null && to !== null && from > to) throw new PublicError(400, "invalid_query", "from is after to", "give from ≤ to");
  return { from, to };
}

/** pathId reads a numeric id from the path, refusing anything else with where to find the ids. */
function pathId(raw: string | undefined, what: string, list: string): number {
  if (!/^\d{1,12}$/.test(raw ?? "")) throw new PublicError(400, "invalid_path", `the ${what} id must be a number`, `see GET ${list}`);
  return Number(raw);
}

const Cancelled = v.object({ cancelled: v.boolean() });

export function earningsRoutes(d: EarningsRouteDeps): RouteDef[] {
  const operator = (address: string) => d.accounts.requireOperator(address, ALL_REGIONS);
  const deviceOwner = async (deviceId: string) => {
    const owner = await d.ownerOfDevice(deviceId);
    if (!owner) throw new PublicError(404, "device_unknown", "this device has not checked in", "check in with a claim code first");
    return owner;
  };
  return [
    route({
      method: "GET",
      path: REGISTRY_API.earningsPolicy,
      summary: "The reward policy in force and every earlier version, each rule in plain words",
      tag: "earnings",
      auth: "none",
      limit: "ip",
      response: EarningsPolicyView,
      handler: () => d.rewards.policyView(),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.deviceEarnings,
      summary: "The calling device's earnings: totals per denomination and its recent epochs, with why it earned what it did",
      tag: "earnings",
      auth: "device-session",
      limit: "device",
      response: DeviceEarnings,
      handler: async ({ auth }) => d.rewards.deviceEarnings(auth.deviceId!, await deviceOwner(auth.deviceId!)),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.deviceStatement,
      summary: "The calling device's statement: every ledger line, explained (?from=&to= epoch ids)",
      tag: "earnings",
      auth: "device-session",
      limit: "device",
      response: EarningsStatement,
      handler: async ({ auth, query }) => {
        const { from, to } = epochRange(query);
        return d.rewards.deviceStatement(auth.deviceId!, await deviceOwner(auth.deviceId!), from, to);
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.ownerEarnings,
      summary: "The signed-in owner's earnings: totals, per device, per epoch, payouts, minimum payout",
      tag: "earnings",
      auth: "owner",
      limit: "ip",
      response: OwnerEarnings,
      handler: ({ auth }) => d.rewards.ownerEarnings(auth.owner!.address),
    }),
    route({
      method: "GET",
      path: REGISTRY_API.ownerStatement,
      summary: "The signed-in owner's statement: every ledger line behind the totals, explained (?from=&to= epoch ids)",
      tag: "earnings",
      auth: "owner",
      limit: "ip",
      response: EarningsStatement,
      handler: ({ auth, query }) => {
        const { from, to } = epochRange(query);
        return d.rewards.ownerStatement(auth.owner!.address, from, to);
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.ownerStatementCsv,
      summary: "The signed-in owner's statement as CSV, one row per ledger line (?from=&to= epoch ids; ?device= one of the owner's devices only)",
      tag: "earnings",
      auth: "owner",
      limit: "ip",
      handler: async ({ auth, query }) => {
        const { from, to } = epochRange(query);
        const owner = auth.owner!.address;
        const device = query.get("device") || null;
        if (device !== null && (await d.ownerOfDevice(device)) !== owner) throw new PublicError(404, "device_unknown", `you have no device ${device}`, "see your devices at /api/v1/owner/devices");
        const statement = device === null ? await d.rewards.ownerStatement(owner, from, to) : await d.rewards.deviceStatement(device, owner, from, to, { ownerOnly: true });
        return new Response(d.rewards.statementCsv(statement), {
          headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="akash-home-earnings-${device ?? owner}.csv"`, "cache-control": "no-store" },
        });
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.ownerDeviceEarnings,
      summary: "One of the signed-in owner's devices: its earnings and recent epochs",
      tag: "earnings",
      auth: "owner",
      limit: "ip",
      response: DeviceEarnings,
      handler: async ({ auth, params }) => {
        const owner = await d.ownerOfDevice(params.id!);
        if (owner !== auth.owner!.address) throw new PublicError(404, "device_unknown", `you have no device ${params.id}`, "see your devices at /api/v1/owner/devices");
        return d.rewards.deviceEarnings(params.id!, owner);
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.adminEpochs,
      summary: "Reward epochs, newest first, with how each denomination's revenue was divided (operator of every region)",
      tag: "earnings",
      auth: "operator",
      limit: "ip",
      response: EpochSummaryList,
      handler: async ({ auth }) => {
        await operator(auth.owner!.address);
        await d.rewards.ensureEpochs();
        return { epochs: await d.rewards.epochs() };
      },
    }),
    route({
      method: "POST",
      path: REGISTRY_API.adminCloseEpochs,
      summary: "Close an ended epoch (or every ended epoch, in order); closing a closed epoch changes nothing",
      tag: "earnings",
      auth: "operator",
      limit: "ip",
      body: CloseEpochRequest,
      response: EpochSummaryList,
      handler: async ({ auth, body }) => {
        await operator(auth.owner!.address);
        const epochs = body.epochId === undefined ? await d.rewards.closeDueEpochs() : [await d.rewards.closeEpoch(body.epochId)];
        await d.accounts.audit({ actor: auth.owner!.address, action: "rewards.close_epochs", target: epochs.map((e) => `epoch ${e.epochId}`).join(", ") || "none due", detail: "" });
        return { epochs };
      },
    }),
    route({
      method: "GET",
      path: `${REGISTRY_API.adminEpochs}/:id/verify`,
      summary: "Recompute a closed epoch from what its close recorded and compare with its ledger lines",
      tag: "earnings",
      auth: "operator",
      limit: "ip",
      response: EpochVerification,
      handler: async ({ auth, params }) => {
        await operator(auth.owner!.address);
        return d.rewards.verifyEpoch(pathId(params.id, "epoch", REGISTRY_API.adminEpochs));
      },
    }),
    route({
      method: "GET",
      path: REGISTRY_API.adminPayouts,
      summary: "Payout batches, newest first",
      tag: "earnings",
      auth: "operator",
      limit: "ip",
      response: PayoutBatchList,
      handler: async ({ auth }) => {
        await operator(auth.owner!.address);
        return { batches: await d.rewards.payouts() };
      },
    }),
    route({
      method: "POST",
      path: REGISTRY_API.adminPayouts,
      summary: "Build a payout batch in a denomination as unsigned transactions for the provider wallet to sign",
      tag: "earnings",
      auth: "operator",
      limit: "ip",
      body: BuildPayoutRequest,
      response: PayoutBatch,
      handler: async ({ auth, body }) => {
        await operator(auth.owner!.address);
        const batch = await d.rewards.buildPayout(body.denom, auth.owner!.address);
        await d.accounts.audit({ actor: auth.owner!.address, action: "rewards.payout_build", target: `payout ${batch.batchId}`, detail: `${batch.items.length} owners, ${batch.total} ${batch.denom} through epoch ${batch.throughEpoch}` });
        return batch;
      },
    }),
    route({
      method: "POST",
      path: REGISTRY_API.adminPayoutRecord,
      summary: "Record the broadcast transactions' hashes; the chain is checked and the batch counts as paid",
      tag: "earnings",
      auth: "operator",
      limit: "ip",
      body: RecordPayoutRequest,
      response: PayoutBatch,
      handler: async ({ auth, params, body }) => {
        await operator(auth.owner!.address);
        const batch = await d.rewards.recordPayout(pathId(params.id, "batch", REGISTRY_API.adminPayouts), body.txHashes, auth.owner!.address);
        await d.accounts.audit({ actor: auth.owner!.address, action: "rewards.payout_paid", target: `payout ${batch.batchId}`, detail: batch.txHashes.join(" ") });
        return batch;
      },
    }),
    route({
      method: "DELETE",
      path: `${REGISTRY_API.adminPayouts}/:id`,
      summary: "Cancel a built payout batch that was not sent",
      tag: "earnings",
      auth: "operator",
      limit: "ip",
      response: Cancelled,
      handler: async ({ auth, params }) => {
        await operator(auth.owner!.address);
        await d.rewards.cancelPayout(pathId(params.id, "batch", REGISTRY_API.adminPayouts));
        await d.accounts.audit({ actor: auth.owner!.address, action: "rewards.payout_cancel", target: `payout ${params.id}`, detail: "" });
        return { cancelled: true };
      },
    }),
  ];
}
