import type { DeviceView, JoinCredentials, LeaveResult } from "../../protocol/index.ts";
import type { DeviceRecord } from "../devices/repo.ts";
import type { DevicesService } from "../devices/service.ts";
import { PublicError } from "../public-error.ts";
import type { JoinTokensRepo } from "./join-tokens.ts";
import type { RegionInfra } from "./region-infra.ts";

/** Join credentials live long enough for a slow home connection to bring up the tailnet and the agent. */
export const JOIN_CREDENTIAL_TTL_MS = 10 * 60_000;
/** How long leaving waits for pods to be evicted before the Node is deleted anyway. */
export const DRAIN_TIMEOUT_MS = 60_000;

const CAN_JOIN = new Set(["assigned", "joining", "online", "offline", "paused"]);

export interface MembershipOptions {
  devices: DevicesService;
  /** Tokens issued and not yet seen used, kept across restarts. */
  tokens: JoinTokensRepo;
  infra: (regionId: string) => RegionInfra | null;
  /** The labels every device Node carries (identity, owner, region, capabilities). */
  labelsFor: (device: DeviceRecord) => Record<string, string>;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

export class MembershipService {
  constructor(private readonly o: MembershipOptions) {}

  /** issue hands a placed device its single-use, expiring credentials, replacing any it was given before. */
  async issue(deviceId: string): Promise<JoinCredentials> {
    const d = await this.placedDevice(deviceId);
    const infra = this.infraOf(d);
    await this.revokeOutstanding(d.id, "both");
    const [authKey, token] = await Promise.all([
      this.call("Headscale", () => infra.tailnet.mintAuthKey({ deviceId: d.id, ttlMs: JOIN_CREDENTIAL_TTL_MS })),
      this.call("cluster", () => infra.cluster.mintBootstrapToken({ deviceId: d.id, ttlMs: JOIN_CREDENTIAL_TTL_MS })),
    ]);
    await this.o.tokens.put({ deviceId: d.id, regionId: infra.regionId, tokenId: token.tokenId, authKeyId: authKey.keyId, expiresAt: Date.parse(token.expiresAt) });
    await this.o.devices.startJoin(d.id);
    // Never the secrets themselves: only which ones, and until when.
    this.log("join credentials issued", { device: d.id, region: infra.regionId, tokenId: token.tokenId, authKeyId: authKey.keyId, expiresAt: token.expiresAt });
    return {
      nodeName: d.id,
      regionId: infra.regionId,
      tailnet: { loginServer: infra.loginServer, authKey: authKey.key, tags: infra.tags, expiresAt: authKey.expiresAt },
      cluster: { server: infra.server, token: token.token, expiresAt: token.expiresAt, labels: this.o.labelsFor(d), taints: infra.taints, flannelIface: infra.flannelIface },
    };
  }

  /**
   * nodeRegistered is told by the cluster watcher that a device's Node exists: its bootstrap token has
   * done its one job and is revoked (the tailnet key, single-use, was spent getting here), the registry's labels are put on (the node may not set all of them
   * itself), and a paused device stays cordoned.
   */
  async nodeRegistered(nodeName: string): Promise<void> {
    await this.revokeOutstanding(nodeName, "bootstrap token");
    const d = await this.o.devices.device(nodeName);
    if (!d || !d.regionId) return;
    const infra = this.o.infra(d.regionId);
    if (!infra) return;
    await infra.cluster.labelNode(d.id, this.o.labelsFor(d));
    if (d.state === "paused") await infra.cluster.cordon(d.id);
  }

  /** pause cordons (or uncordons) the device's Node and records the pause with the device. */
  async pause(deviceId: string, paused: boolean): Promise<DeviceView> {
    const view = await this.o.devices.setPaused(deviceId, paused);
    const d = await this.o.devices.device(deviceId);
    const infra = d?.regionId ? this.o.infra(d.regionId) : null;
    if (infra && d && CAN_JOIN.has(d.state)) {
      await this.call("cluster", () => (paused ? infra.cluster.cordon(d.id) : infra.cluster.uncordon(d.id))).catch((err: unknown) => {
        // A device paused before its Node registered is cordoned when it does (nodeRegistered).
        if (!isNotFound(err)) throw err;
      });
    }
    return view;
  }

  /**
   * leave takes the device out in reverse order of joining: no new pods, running ones evicted (respecting
   * disruption budgets, up to a time limit), the Node and its k3s password deleted, the tailnet node
   * deleted, unused credentials revoked, and the device marked removed (or banned, when an operator shuts
   * it out: the same way out, so a ban leaves no join token behind either). Safe to repeat.
   */
  async leave(deviceId: string, reason = "left the network", end: "removed" | "banned" = "removed"): Promise<LeaveResult> {
    const d = await this.o.devices.device(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check the device id");
    const infra = d.regionId ? this.o.infra(d.regionId) : null;
    let evicted = 0;
    let remaining: string[] = [];
    let nodeDeleted = false;
    let tailnetNodeDeleted = false;
    if (infra) {
      const drained = await this.call("cluster", () => infra.cluster.drain(d.id, { timeoutMs: DRAIN_TIMEOUT_MS })).catch((err: unknown) => {
        if (isNotFound(err)) return { evicted: [], remaining: [] };
        throw err;
      });
      evicted = drained.evicted.length;
      remaining = drained.remaining.map((r) => r.pod);
      nodeDeleted = (await this.call("cluster", () => infra.cluster.deleteNode(d.id))).nodeDeleted;
      tailnetNodeDeleted = await this.call("Headscale", () => infra.tailnet.removeNode(d.id));
      await this.revokeOutstanding(d.id, "both");
    }
    const device = end === "banned" ? await this.o.devices.ban(d.id, reason) : await this.o.devices.remove(d.id, reason);
    this.log(end === "banned" ? "device banned" : "device left", { device: d.id, region: d.regionId, evicted, remaining: remaining.length, nodeDeleted, tailnetNodeDeleted });
    return { device, evicted, remaining, nodeDeleted, tailnetNodeDeleted };
  }

  private async placedDevice(deviceId: string): Promise<DeviceRecord> {
    const d = await this.o.devices.device(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check in first");
    if (d.state === "waitlisted") throw new PublicError(409, "not_placed", "this device is on a waitlist, not in a region yet", "wait: it joins when a region near it has room");
    if (d.state === "pending_approval") throw new PublicError(409, "not_approved", "the region's operator has not approved this device yet", "wait for the approval");
    if (d.state === "removed" || d.state === "banned") throw new PublicError(409, `device_${d.state}`, `this device was ${d.state}`, d.state === "removed" ? "check in again with a new claim code" : "contact the region's operator");
    if (!CAN_JOIN.has(d.state) || !d.regionId) throw new PublicError(409, "not_placed", "this device has no region yet", "check in again");
    return d;
  }

  private infraOf(d: DeviceRecord): RegionInfra {
    const infra = this.o.infra(d.regionId!);
    if (!infra) throw new PublicError(409, "region_not_ready", `region ${d.regionId} does not take devices into its cluster yet`, "stay checked in: the device keeps its place and joins once the region's operator connects the cluster");
    return infra;
  }

  /**
   * revokeOutstanding revokes the device's unused bootstrap token, if it has one, and forgets it; with
   * "both" it expires the tailnet join key issued with it as well, so neither outlives a leave or a ban.
   */
  private async revokeOutstanding(deviceId: string, which: "bootstrap token" | "both"): Promise<void> {
    const issued = await this.o.tokens.get(deviceId);
    if (!issued) return;
    await this.o.tokens.delete(deviceId);
    const infra = this.o.infra(issued.regionId);
    // An expired token is gone from the cluster already (its cleaner deletes it), and an expired key joins nothing.
    if (!infra || issued.expiresAt <= Date.now()) return;
    // Either expires by itself within minutes: say so rather than fail the caller.
    const failed = (what: string) => (err: unknown) => void this.log(`${what} not revoked`, { device: deviceId, tokenId: issued.tokenId, error: (err as Error)?.message });
    await Promise.all([
      infra.cluster.revokeBootstrapToken(issued.tokenId).catch(failed("bootstrap token")),
      which === "both" && issued.authKeyId ? infra.tailnet.revokeAuthKey(issued.authKeyId).catch(failed("tailnet join key")) : null,
    ]);
  }

  /** call turns an unreachable region component into a refusal the device can retry. */
  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      if (err instanceof PublicError || isNotFound(err)) throw err;
      this.log("region component failed", { component: what, error: (err as Error)?.message ?? String(err) });
      throw new PublicError(503, "region_unavailable", `the region's ${what} did not answer`, "try again in a minute; nothing was lost", { cause: err });
    }
  }

  private log(event: string, fields: Record<string, unknown>): void {
    this.o.log?.(event, { subsystem: "membership", ...fields });
  }
}

/** isNotFound recognises a 404 from an adapter, whatever shape its error has. */
function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; status?: unknown; statusCode?: unknown } | null;
  return e?.code === 404 || e?.status === 404 || e?.statusCode === 404;
}
