import type { DeviceView, JoinCredentials, LeaveResult } from "../../protocol/index.ts";
import type { DeviceRecord } from "../devices/repo.ts";
import type { DevicesService } from "../devices/service.ts";
import { PublicError } from "../public-error.ts";
import type { JoinTokensRepo } from "./join-tokens.ts";
import type { PendingLeave, PendingLeavesRepo } from "./pending-leaves.ts";
import type { RegionInfra } from "./region-infra.ts";

/** Join credentials live long enough for a slow home connection to bring up the tailnet and the agent. */
export const JOIN_CREDENTIAL_TTL_MS = 10 * 60_000;
/** How long leaving waits for pods to be evicted before the Node is deleted anyway. */
export const DRAIN_TIMEOUT_MS = 60_000;
/** How often leaves a region could not hear of are retried. */
export const PENDING_LEAVE_RETRY_MS = 15_000;

const CAN_JOIN = new Set(["assigned", "joining", "online", "offline", "paused"]);

export interface MembershipOptions {
  devices: DevicesService;
  /** Tokens issued and not yet seen used, kept across restarts. */
  tokens: JoinTokensRepo;
  /** Devices taken out while their region did not answer, with what is still to undo there. */
  pending: PendingLeavesRepo;
  infra: (regionId: string) => RegionInfra | null;
  /** The labels every device Node carries (identity, owner, region, capabilities). */
  labelsFor: (device: DeviceRecord) => Record<string, string>;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

/** What taking a device out did in its region. */
type LeftRegion = Omit<LeaveResult, "device" | "cleanupPending">;

const NOTHING_LEFT: LeftRegion = { evicted: 0, remaining: [], nodeDeleted: false, tailnetNodeDeleted: false };

export class MembershipService {
  private sweeping = false;

  constructor(private readonly o: MembershipOptions) {}

  /** issue hands a placed device its single-use, expiring credentials, replacing any it was given before. */
  async issue(deviceId: string): Promise<JoinCredentials> {
    const d = await this.placedDevice(deviceId);
    const infra = this.infraOf(d);
    // A device back after a leave its region never heard of: its old Node and tailnet node go first, or
    // the retry would delete the new ones.
    const pending = await this.o.pending.get(d.id);
    if (pending) {
      const failed = await this.finishPending(pending);
      if (failed) throw failed;
    }
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
   *
   * A region whose cluster or Headscale does not answer does not keep a device in: the registry's decision
   * stands at once (a banned device is refused from then on), and what is left to undo there is kept as a
   * pending leave that finishPendingLeaves retries until the region answers.
   */
  async leave(deviceId: string, reason = "left the network", end: "removed" | "banned" = "removed"): Promise<LeaveResult> {
    const d = await this.o.devices.device(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check the device id");
    const infra = d.regionId ? this.o.infra(d.regionId) : null;
    let left = NOTHING_LEFT;
    let cleanupPending = false;
    if (infra) {
      const prior = await this.o.pending.get(d.id);
      try {
        left = await this.undoInRegion(d.id, infra);
        if (prior) await this.o.pending.delete(d.id);
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        await this.o.pending.put({ deviceId: d.id, regionId: infra.regionId, since: prior?.since ?? Date.now(), attempts: (prior?.attempts ?? 0) + 1, lastError: describe(err) });
        cleanupPending = true;
      }
    }
    const device = end === "banned" ? await this.o.devices.ban(d.id, reason) : await this.o.devices.remove(d.id, reason);
    this.log(end === "banned" ? "device banned" : "device left", { device: d.id, region: d.regionId, evicted: left.evicted, remaining: left.remaining.length, nodeDeleted: left.nodeDeleted, tailnetNodeDeleted: left.tailnetNodeDeleted, cleanupPending });
    return { device, ...left, cleanupPending };
  }

  /**
   * finishPendingLeaves retries what leaves could not undo in their regions, oldest first; one sweep at a
   * time. Returns how many are still pending.
   */
  async finishPendingLeaves(): Promise<number> {
    if (this.sweeping) return (await this.o.pending.list()).length;
    this.sweeping = true;
    try {
      let still = 0;
      for (const p of await this.o.pending.list()) if (await this.finishPending(p)) still++;
      return still;
    } finally {
      this.sweeping = false;
    }
  }

  /** pendingLeaves lists the devices whose region still holds a Node or tailnet node to delete. */
  pendingLeaves(regionId?: string): Promise<PendingLeave[]> {
    return this.o.pending.list(regionId);
  }

  /** finishPending undoes one pending leave; null when done, else the refusal (and the try is counted). */
  private async finishPending(p: PendingLeave): Promise<PublicError | null> {
    const infra = this.o.infra(p.regionId);
    // A region no longer connected keeps its pending leaves for when its operator connects it again.
    if (!infra) return new PublicError(409, "region_not_ready", `region ${p.regionId} is not connected`, "connect the region's cluster; the device's old node is removed then");
    try {
      const left = await this.undoInRegion(p.deviceId, infra);
      await this.o.pending.delete(p.deviceId);
      this.log("pending leave finished", { device: p.deviceId, region: p.regionId, attempts: p.attempts + 1, waitedMs: Date.now() - p.since, ...left, remaining: left.remaining.length });
      return null;
    } catch (err) {
      await this.o.pending.put({ ...p, attempts: p.attempts + 1, lastError: describe(err) });
      if (err instanceof PublicError) return err;
      // Anything else (a permission the registry's role lacks) is the operator's to see; it is retried too.
      this.log("pending leave failed", { device: p.deviceId, region: p.regionId, error: describe(err) });
      return new PublicError(503, "region_unavailable", "the region could not delete this device's earlier node", "try again in a minute; nothing was lost", { cause: err });
    }
  }

  /**
   * undoInRegion revokes the device's unused credentials, drains its Node, deletes it (and its k3s password)
   * and its tailnet node. The credentials go first, so the device cannot come back in while its Node goes.
   */
  private async undoInRegion(deviceId: string, infra: RegionInfra): Promise<LeftRegion> {
    await this.revokeOutstanding(deviceId, "both");
    const drained = await this.call("cluster", () => infra.cluster.drain(deviceId, { timeoutMs: DRAIN_TIMEOUT_MS })).catch((err: unknown) => {
      if (isNotFound(err)) return { evicted: [], remaining: [] };
      throw err;
    });
    const { nodeDeleted } = await this.call("cluster", () => infra.cluster.deleteNode(deviceId));
    const tailnetNodeDeleted = await this.call("Headscale", () => infra.tailnet.removeNode(deviceId));
    return { evicted: drained.evicted.length, remaining: drained.remaining.map((r) => r.pod), nodeDeleted, tailnetNodeDeleted };
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
   * revokeOutstanding revokes the device's unused bootstrap token, if it has one; with "both" it expires
   * the tailnet join key issued with it as well, so neither outlives a leave or a ban. The record is kept
   * until the region confirms (or the credentials have expired), so a pending leave's retry finishes it.
   */
  private async revokeOutstanding(deviceId: string, which: "bootstrap token" | "both"): Promise<void> {
    const issued = await this.o.tokens.get(deviceId);
    if (!issued) return;
    const infra = this.o.infra(issued.regionId);
    // An expired token is gone from the cluster already (its cleaner deletes it), and an expired key joins nothing.
    if (!infra || issued.expiresAt <= Date.now()) return this.o.tokens.delete(deviceId);
    // Either expires by itself within minutes: say so rather than fail the caller.
    const revoked = (what: string, f: () => Promise<unknown>) =>
      f().then(
        () => true,
        (err: unknown) => (this.log(`${what} not revoked`, { device: deviceId, tokenId: issued.tokenId, error: (err as Error)?.message }), false),
      );
    const done = await Promise.all([
      revoked("bootstrap token", () => infra.cluster.revokeBootstrapToken(issued.tokenId)),
      which === "both" && issued.authKeyId ? revoked("tailnet join key", () => infra.tailnet.revokeAuthKey(issued.authKeyId!)) : true,
    ]);
    if (done.every(Boolean)) await this.o.tokens.delete(deviceId);
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

/** isUnavailable is the refusal call() makes of a region component that did not answer. */
function isUnavailable(err: unknown): err is PublicError {
  return err instanceof PublicError && err.status === 503;
}

/** describe is what a failed try ran into: the refusal and, when there is one, what the component said. */
function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } } | null;
  const message = e?.message ?? String(err);
  return (e?.cause?.message ? `${message}: ${e.cause.message}` : message).slice(0, 300);
}

/** isNotFound recognises a 404 from an adapter, whatever shape its error has. */
function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; status?: unknown; statusCode?: unknown } | null;
  return e?.code === 404 || e?.status === 404 || e?.statusCode === 404;
}
