// registry/devices: check-in, identity (device keys, reinstalls, clones), placement decisions and the
// device state machine. No HTTP here: routes in registry/http call this service. Regions and claim codes
// come in through the small ports below so this domain does not reach into the others' stores.
import { deviceStateMessage, type CheckInRequest, type CheckInResponse, type DeviceSession, type DeviceState, type DeviceView, type Hardware, type RegionRtt, type WaitlistArea } from "../../protocol/index.ts";
import { PublicError } from "../public-error.ts";
import type { SqlDriver, SqlExecutor } from "../store/sql-driver.ts";
import type { DeviceSessions } from "./device-sessions.ts";
import { assertTransition, holdsPlace, presenceTarget, type DeviceEvent } from "./lifecycle.ts";
import type { DeviceRecord, DevicesRepo } from "./repo.ts";
import type { SignedDevice } from "./signed-request.ts";

/** States a pause can start from: the device holds its place in a region. */
const PAUSABLE: ReadonlySet<DeviceState> = new Set(["online", "offline", "assigned", "joining"]);
/** The reason a pause made on the device carries; only such a pause is lifted by a heartbeat. */
const PAUSED_ON_DEVICE = "paused by its owner on the device";

export type PlacementOutcome = { kind: "assigned" | "pending_approval"; regionId: string; why: string } | { kind: "waitlisted"; area: string; reason: string };

export interface RegionInfo {
  id: string;
  name: string;
  locationRegion: string;
  capacity: number;
}

/** RegionsPort is what check-in needs from the regions domain. */
export interface RegionsPort {
  place(input: { rtts: RegionRtt[]; choice: string; country: string | null; hardware: Hardware; placed: Map<string, number> }): PlacementOutcome;
  region(id: string): RegionInfo | null;
  threshold(area: string): number;
}

export type ClaimOutcome = { ok: true; owner: string } | { ok: false; reason: "unknown" | "expired" | "used"; sameMachine: boolean; owner: string | null };

/** ClaimsPort redeems a claim code inside the check-in transaction. */
export interface ClaimsPort {
  redeem(code: string, device: { deviceId: string; machineIdHash: string }, ex: SqlExecutor): Promise<ClaimOutcome>;
}

export interface DevicesServiceOptions {
  db: SqlDriver;
  repo: DevicesRepo;
  regions: RegionsPort;
  claims: ClaimsPort;
  sessions: DeviceSessions;
  heartbeatIntervalS: number;
  now?: () => number;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

/** CacheChange is one device's new state and region, applied to memory once its transaction commits. */
interface CacheChange {
  id: string;
  state: DeviceState;
  regionId: string | null;
}

export class DevicesService {
  /** The state of every device, kept current so the telemetry path never reads the store to authorise. */
  private readonly stateCache = new Map<string, DeviceState>();
  /** The region of every device holding a place, and the count per region: placement reads these, not the store. */
  private readonly placeOf = new Map<string, string>();
  private readonly placed = new Map<string, number>();
  /** Changes made by the transaction in progress (the store runs one at a time); applied only if it commits. */
  private pending: CacheChange[] | null = null;
  private readonly now: () => number;

  constructor(private readonly o: DevicesServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  /** load fills the caches from the store; call once at start. */
  async load(): Promise<void> {
    for (const d of await this.o.repo.states()) this.cache(d);
  }

  private cache(c: CacheChange): void {
    this.stateCache.set(c.id, c.state);
    const old = this.placeOf.get(c.id);
    if (old) this.placed.set(old, (this.placed.get(old) ?? 1) - 1);
    if (holdsPlace(c.state) && c.regionId) {
      this.placeOf.set(c.id, c.regionId);
      this.placed.set(c.regionId, (this.placed.get(c.regionId) ?? 0) + 1);
    } else this.placeOf.delete(c.id);
  }

  /** transaction runs fn in a store transaction and updates the caches only if it commits. */
  private async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let changes: CacheChange[] = [];
    const out = await this.o.db.transaction(async (tx) => {
      this.pending = changes = [];
      try {
        return await fn(tx);
      } finally {
        this.pending = null;
      }
    });
    for (const c of changes) this.cache(c);
    return out;
  }

  /** placedNow is the count per region as the transaction in progress sees it. */
  private placedNow(): Map<string, number> {
    const counts = new Map(this.placed);
    const seen = new Map<string, string | null>();
    for (const c of this.pending ?? []) {
      const old = seen.has(c.id) ? seen.get(c.id)! : (this.placeOf.get(c.id) ?? null);
      if (old) counts.set(old, (counts.get(old) ?? 1) - 1);
      const now = holdsPlace(c.state) && c.regionId ? c.regionId : null;
      if (now) counts.set(now, (counts.get(now) ?? 0) + 1);
      seen.set(c.id, now);
    }
    return counts;
  }

  /** stateOf is the device's current state from memory, or null for an unknown device. */
  stateOf(deviceId: string): DeviceState | null {
    return this.stateCache.get(deviceId) ?? null;
  }

  /** checkIn registers or refreshes a device and decides where it goes. The request was signed by its key. */
  async checkIn(signed: SignedDevice, req: CheckInRequest, ctx: { country: string | null }): Promise<CheckInResponse> {
    const record = await this.transaction(async (tx) => {
      await this.lockPlacement(tx);
      const existing = await this.o.repo.byId(signed.deviceId, tx);
      if (existing && existing.publicKey !== signed.publicKey) {
        // Two keys hashing to one id would take 2^80 work; treat it as an attack, not a case to handle.
        throw new PublicError(409, "device_id_conflict", "another key already holds this device id", "make a new device key");
      }
      if (existing) return this.refresh(existing, req, ctx, tx);
      return this.enrol(signed, req, ctx, tx);
    });
    return { device: await this.view(record), session: this.o.sessions.issue(record.id, this.now()) };
  }

  /** openSession gives a registered device a new telemetry credential. */
  async openSession(signed: SignedDevice): Promise<DeviceSession> {
    const d = await this.o.repo.byId(signed.deviceId);
    if (!d || d.publicKey !== signed.publicKey) throw new PublicError(404, "device_unknown", "this device has not checked in", "check in with a claim code first");
    if (d.state === "banned") throw new PublicError(403, "device_banned", "this device is banned", "contact the region's operator");
    if (d.state === "removed") throw new PublicError(403, "device_removed", "this device was removed", "check in again with a new claim code");
    return this.o.sessions.issue(d.id, this.now());
  }

  async self(deviceId: string): Promise<DeviceView> {
    const d = await this.o.repo.byId(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", "this device has not checked in", "check in with a claim code first");
    return this.view(d);
  }

  async ownerDevices(owner: string): Promise<DeviceView[]> {
    return Promise.all((await this.o.repo.byOwner(owner)).filter((d) => d.replacedBy === null).map((d) => this.view(d)));
  }

  async device(deviceId: string): Promise<DeviceRecord | null> {
    return this.o.repo.byId(deviceId);
  }

  /** approve lets a pending device into its region, if the region still has room; record writes the audit entry in the same transaction. */
  async approve(deviceId: string, actor: string, record?: (tx: SqlExecutor, device: DeviceRecord) => Promise<void>): Promise<DeviceView> {
    const d = await this.transaction(async (tx) => {
      await this.lockPlacement(tx);
      const d = await this.o.repo.byId(deviceId, tx);
      if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check the device id");
      if (d.state !== "pending_approval") throw new PublicError(409, "not_pending", `device ${deviceId} is ${d.state}, not waiting for approval`);
      const region = d.regionId ? this.o.regions.region(d.regionId) : null;
      if (!region) throw new PublicError(409, "region_gone", "the device's region is no longer configured", "ask the device to check in again");
      const placed = this.placedNow().get(region.id) ?? 0;
      if (placed >= region.capacity) throw new PublicError(409, "region_full", `${region.name} is full (${placed}/${region.capacity})`, "raise the region's capacity or remove devices first");
      const approved = await this.move(d, "assigned", "approve", `approved by ${actor}`, {}, tx);
      // The audit entry commits with the approval, or neither happens.
      await record?.(tx, approved);
      return approved;
    });
    return this.view(d);
  }

  /** presence applies what the telemetry service concluded from heartbeats (or their absence). */
  async presence(change: { deviceId: string; presence: "online" | "offline"; at: number }): Promise<void> {
    const state = this.stateCache.get(change.deviceId);
    if (!state) return;
    const to = presenceTarget(state, change.presence);
    if (!to) return;
    const d = await this.o.repo.byId(change.deviceId);
    if (!d || presenceTarget(d.state, change.presence) !== to) return;
    await this.move(d, to, change.presence === "online" ? "heartbeat" : "heartbeat_lost", change.presence === "online" ? "heartbeats arrive" : "no heartbeat within the grace period", {}, this.o.db);
  }

  /**
   * reconcilePresence lines device states up with what telemetry knows at start-up: a crash between a commit
   * and its presence change, or a registry that was down longer than the grace period, leaves them apart.
   */
  async reconcilePresence(online: ReadonlySet<string>, at: number): Promise<number> {
    let changed = 0;
    for (const [deviceId, state] of [...this.stateCache]) {
      const presence = online.has(deviceId) ? "online" : "offline";
      if (presenceTarget(state, presence) === null) continue;
      // Only "online" is proven by telemetry; a device assigned but never heard from simply stays assigned.
      if (presence === "offline" && state !== "online") continue;
      await this.presence({ deviceId, presence, at });
      changed++;
    }
    return changed;
  }

  /**
   * reportedPause follows the owner pausing or resuming on the device itself. Every heartbeat repeats the
   * device's flag, so a "not paused" only resumes a pause the device made: a pause from the portals stays
   * until it is lifted there. The state is read again from the store because a leave or a ban may have
   * moved the device since the cache was filled.
   */
  async reportedPause(deviceId: string, paused: boolean): Promise<void> {
    const cached = this.stateCache.get(deviceId);
    if (paused ? !PAUSABLE.has(cached as DeviceState) : cached !== "paused") return;
    const d = await this.o.repo.byId(deviceId);
    if (!d) return;
    if (paused && PAUSABLE.has(d.state)) await this.move(d, "paused", "pause", PAUSED_ON_DEVICE, {}, this.o.db);
    else if (!paused && d.state === "paused" && d.stateReason === PAUSED_ON_DEVICE) await this.move(d, "online", "resume", "resumed by its owner on the device", {}, this.o.db);
  }

  /** startJoin marks a placed device as joining its cluster once its join credentials are issued. */
  async startJoin(deviceId: string): Promise<DeviceRecord> {
    const d = await this.o.repo.byId(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check in first");
    if (d.state === "assigned") return this.move(d, "joining", "join_started", "join credentials issued", {}, this.o.db);
    return d;
  }

  /**
   * setPaused pauses or resumes a device when its agent asks outright (`akash-home pause|resume`): unlike
   * a heartbeat's flag this is the owner's word now, so it lifts a pause made in the portal too.
   */
  async setPaused(deviceId: string, paused: boolean): Promise<DeviceView> {
    await this.pauseFor(deviceId, paused, paused ? PAUSED_ON_DEVICE : "resumed by its owner on the device");
    const d = await this.o.repo.byId(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check in first");
    return this.view(d);
  }

  /** remove takes a device out of its region for good (it left, or an operator removed it); idempotent. */
  async remove(deviceId: string, reason: string): Promise<DeviceView> {
    const d = await this.o.repo.byId(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check the device id");
    const after = d.state === "removed" || d.state === "banned" ? d : await this.move(d, "removed", "remove", reason, {}, this.o.db);
    return this.view(after);
  }

  /**
   * pauseFor pauses or resumes a device from the portals with the reason its history keeps; a resumed
   * device goes to resumeTo (offline when nothing has been heard from it lately). Other states stay.
   */
  async pauseFor(deviceId: string, paused: boolean, reason: string, resumeTo: "online" | "offline" = "online"): Promise<DeviceState> {
    const d = await this.o.repo.byId(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check the device id");
    if (paused && PAUSABLE.has(d.state)) return (await this.move(d, "paused", "pause", reason, {}, this.o.db)).state;
    if (!paused && d.state === "paused") return (await this.move(d, resumeTo, "resume", reason, {}, this.o.db)).state;
    return d.state;
  }

  /** ban shuts a device (and, at check-in, its machine) out for good; an operator decides it. */
  async ban(deviceId: string, reason: string): Promise<DeviceView> {
    const d = await this.o.repo.byId(deviceId);
    if (!d) throw new PublicError(404, "device_unknown", `no device ${deviceId}`, "check the device id");
    return this.view(d.state === "banned" ? d : await this.move(d, "banned", "ban", reason, {}, this.o.db));
  }

  /** promoteWaitlisted places waiting devices, oldest first, where regions now have room. Returns how many moved. */
  async promoteWaitlisted(limit = 1000): Promise<number> {
    // Most of the time nobody waits: then there is nothing to scan, and ingest is not held up by a transaction.
    if (!this.anyWaitlisted()) return 0;
    return this.transaction(async (tx) => {
      await this.lockPlacement(tx);
      let moved = 0;
      for (const d of await this.o.repo.waitlisted(limit, tx)) {
        const outcome = this.place(d, this.placedNow());
        if (outcome.kind === "waitlisted") continue;
        await this.applyPlacement(d, outcome, tx);
        moved++;
      }
      return moved;
    });
  }

  async waitlistAreas(): Promise<WaitlistArea[]> {
    return (await this.o.repo.waitlistCounts()).map((c) => {
      const threshold = this.o.regions.threshold(c.area);
      return { area: c.area, waiting: c.waiting, threshold, readyToBootstrap: c.waiting >= threshold, oldestSince: c.oldestSince === null ? null : new Date(c.oldestSince).toISOString() };
    });
  }

  private anyWaitlisted(): boolean {
    for (const state of this.stateCache.values()) if (state === "waitlisted") return true;
    return false;
  }

  /** stateCounts counts devices per state, from memory (for /metrics). */
  stateCounts(): { state: DeviceState; count: number }[] {
    const counts = new Map<DeviceState, number>();
    for (const s of this.stateCache.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    return [...counts].map(([state, count]) => ({ state, count }));
  }

  /** placedCounts is how many devices hold a place in each region, from memory. */
  async placedCounts(): Promise<Map<string, number>> {
    return new Map(this.placed);
  }

  // --- check-in internals ---

  private async lockPlacement(tx: SqlExecutor): Promise<void> {
    // SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL replicas need a lock so two check-ins
    // cannot both take a region's last place.
    if (tx.engine === "postgres") await tx.query("SELECT pg_advisory_xact_lock(6060)");
  }

  private async enrol(signed: SignedDevice, req: CheckInRequest, ctx: { country: string | null }, tx: SqlExecutor): Promise<DeviceRecord> {
    if (!req.claimCode) throw new PublicError(400, "claim_required", "this device is new to the registry and needs a claim code", "make a claim code in the owner portal and pass it with --claim");
    const onMachine = await this.o.repo.byMachine(req.machineIdHash, tx);
    const banned = onMachine.find((d) => d.state === "banned");
    if (banned) throw new PublicError(403, "machine_banned", "this machine was banned from the network", "contact the region's operator");
    const claim = await this.o.claims.redeem(req.claimCode, { deviceId: signed.deviceId, machineIdHash: req.machineIdHash }, tx);
    let owner: string;
    if (claim.ok) owner = claim.owner;
    // The code this machine already used, presented again with a new key: the agent was reinstalled
    // without its state (or its key file was lost) while the code was still valid.
    else if (claim.reason === "used" && claim.sameMachine && claim.owner) owner = claim.owner;
    else throw claimRefusal(claim.reason);

    const now = this.now();
    // A live record of the same machine is this machine's previous install: retire it on purpose, keep the
    // link so history (uptime, earnings) stays traceable, and give its place to the new key.
    const previous = onMachine.filter((d) => d.state !== "removed" && d.replacedBy === null);
    for (const p of previous) {
      const why = p.owner === owner ? `reinstalled as ${signed.deviceId}` : `machine re-claimed by another owner as ${signed.deviceId}`;
      await this.move(p, "removed", "remove", why, { replacedBy: signed.deviceId }, tx);
    }
    const predecessor = previous.find((p) => p.owner === owner) ?? null;
    const record: DeviceRecord = {
      id: signed.deviceId,
      publicKey: signed.publicKey,
      owner,
      machineIdHash: req.machineIdHash,
      hostname: req.hostname,
      state: "removed",
      stateReason: null,
      stateChangedAt: now,
      regionId: null,
      waitlistArea: null,
      waitlistedAt: null,
      agentVersion: req.agentVersion,
      hardware: JSON.stringify(req.hardware),
      bench: req.bench ? JSON.stringify(req.bench) : null,
      rtts: JSON.stringify(req.rtts),
      share: req.share ? JSON.stringify(req.share) : null,
      regionChoice: req.regionChoice,
      predecessorId: predecessor?.id ?? null,
      replacedBy: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.o.repo.insert(record, tx);
    this.log("device_enrolled", { device: record.id, owner, replaces: record.predecessorId });
    const placed = this.placedNow();
    // A reinstall keeps the region its predecessor held when that region still qualifies.
    const choice = req.regionChoice === "auto" && predecessor?.regionId ? predecessor.regionId : req.regionChoice;
    let outcome = this.placeWith(record, placed, ctx.country, choice);
    if (outcome.kind === "waitlisted" && choice !== req.regionChoice) outcome = this.placeWith(record, placed, ctx.country, req.regionChoice);
    return this.applyPlacement(record, outcome, tx, "check_in");
  }

  private async refresh(d: DeviceRecord, req: CheckInRequest, ctx: { country: string | null }, tx: SqlExecutor): Promise<DeviceRecord> {
    if (d.machineIdHash !== req.machineIdHash) {
      this.log("device_key_copied", { device: d.id });
      throw new PublicError(409, "device_key_copied", "this device key is registered to another machine (its state directory was copied)", "on this machine, delete the agent's device-key file (or run `akash-home uninstall` and reinstall), then set it up with a new claim code");
    }
    if (d.state === "banned") throw new PublicError(403, "device_banned", "this device is banned", "contact the region's operator");
    if (d.state === "removed") {
      // Coming back after removal is a new enrolment under whoever's code it brings.
      if (!req.claimCode) throw new PublicError(400, "claim_required", "this device was removed and needs a new claim code to return", "make a claim code in the owner portal and pass it with --claim");
      const claim = await this.o.claims.redeem(req.claimCode, { deviceId: d.id, machineIdHash: req.machineIdHash }, tx);
      const owner = claim.ok ? claim.owner : claim.reason === "used" && claim.sameMachine && claim.owner ? claim.owner : null;
      if (!owner) throw claimRefusal(claim.ok ? "unknown" : claim.reason);
      d = { ...d, owner };
      await this.o.repo.update(d.id, { owner }, tx);
    }
    const patch = {
      hostname: req.hostname,
      agentVersion: req.agentVersion,
      hardware: JSON.stringify(req.hardware),
      bench: req.bench ? JSON.stringify(req.bench) : d.bench,
      rtts: JSON.stringify(req.rtts),
      share: req.share ? JSON.stringify(req.share) : d.share,
      regionChoice: req.regionChoice,
      updatedAt: this.now(),
    };
    await this.o.repo.update(d.id, patch, tx);
    d = { ...d, ...patch };
    // A placed or pending device keeps its place; a waiting or returning one is placed again with what it measured now.
    if (d.state === "waitlisted" || d.state === "removed") {
      const outcome = this.placeWith(d, this.placedNow(), ctx.country, d.regionChoice);
      return this.applyPlacement(d, outcome, tx, "check_in");
    }
    return d;
  }

  private place(d: DeviceRecord, placed: Map<string, number>): PlacementOutcome {
    return this.placeWith(d, placed, null, d.regionChoice);
  }

  private placeWith(d: DeviceRecord, placed: Map<string, number>, country: string | null, choice: string): PlacementOutcome {
    return this.o.regions.place({ rtts: JSON.parse(d.rtts) as RegionRtt[], choice, country: country ?? (d.waitlistArea && /^[A-Z]{2}$/.test(d.waitlistArea) ? d.waitlistArea : null), hardware: JSON.parse(d.hardware) as Hardware, placed });
  }

  private async applyPlacement(d: DeviceRecord, outcome: PlacementOutcome, tx: SqlExecutor, event: DeviceEvent = "check_in"): Promise<DeviceRecord> {
    if (outcome.kind === "waitlisted") {
      const keepQueuePlace = d.state === "waitlisted" && d.waitlistArea === outcome.area && d.waitlistedAt !== null;
      return this.move(d, "waitlisted", event, outcome.reason, { regionId: null, waitlistArea: outcome.area, waitlistedAt: keepQueuePlace ? d.waitlistedAt : this.now() }, tx);
    }
    return this.move(d, outcome.kind, event, outcome.why, { regionId: outcome.regionId, waitlistArea: null, waitlistedAt: null }, tx);
  }

  /** move is the only writer of a device's state: it checks the transition, writes it, its history and the cache. */
  private async move(d: DeviceRecord, to: DeviceState, event: DeviceEvent, reason: string, extra: Partial<DeviceRecord>, ex: SqlExecutor): Promise<DeviceRecord> {
    assertTransition(d.state, to, event);
    const now = this.now();
    const changed = d.state !== to;
    const patch: Partial<DeviceRecord> = { ...extra, state: to, stateReason: reason, updatedAt: now, ...(changed ? { stateChangedAt: now } : {}) };
    await this.o.repo.update(d.id, patch, ex);
    // A device being enrolled has no earlier state; its history starts with where it was placed.
    const from = this.stateCache.has(d.id) || this.pending?.some((c) => c.id === d.id) ? d.state : null;
    if (changed || event === "check_in") await this.o.repo.recordEvent(d.id, now, from, to, reason, ex);
    const change = { id: d.id, state: to, regionId: "regionId" in extra ? (extra.regionId ?? null) : d.regionId };
    // Inside a transaction the caches wait for its commit; a single statement has committed already.
    if (ex !== this.o.db && this.pending) this.pending.push(change);
    else this.cache(change);
    if (changed) this.log("device_state", { device: d.id, from, to, event });
    return { ...d, ...patch };
  }

  /** view is the registry's answer about a device, for the device and its owner. */
  async view(d: DeviceRecord): Promise<DeviceView> {
    const region = d.regionId ? this.o.regions.region(d.regionId) : null;
    let waitlist: DeviceView["waitlist"] = null;
    if (d.state === "waitlisted" && d.waitlistArea && d.waitlistedAt !== null) {
      const [position, counts] = await Promise.all([this.o.repo.waitlistPosition(d.waitlistArea, d.waitlistedAt, d.id), this.o.repo.waitlistCounts()]);
      const waiting = counts.find((c) => c.area === d.waitlistArea)?.waiting ?? position;
      const threshold = this.o.regions.threshold(d.waitlistArea);
      waitlist = { area: d.waitlistArea, position, waiting, threshold, readyToBootstrap: waiting >= threshold, reason: d.stateReason ?? "" };
    }
    return {
      deviceId: d.id,
      owner: d.owner,
      state: d.state,
      region: region && holdsPlaceOrPending(d.state) ? { id: region.id, name: region.name, locationRegion: region.locationRegion } : null,
      waitlist,
      message: deviceStateMessage(d.state),
      heartbeatIntervalS: this.o.heartbeatIntervalS,
      replaces: d.predecessorId,
    };
  }

  private log(event: string, fields: Record<string, unknown>): void {
    this.o.log?.(event, { subsystem: "devices", ...fields });
  }
}

function holdsPlaceOrPending(state: DeviceState): boolean {
  return holdsPlace(state) || state === "pending_approval";
}

function claimRefusal(reason: "unknown" | "expired" | "used"): PublicError {
  switch (reason) {
    case "unknown":
      return new PublicError(400, "claim_code_unknown", "this claim code does not exist", "check the code for typos, or make a new one in the owner portal");
    case "expired":
      return new PublicError(400, "claim_code_expired", "this claim code has expired", "make a new claim code in the owner portal");
    case "used":
      return new PublicError(409, "claim_code_used", "this claim code was already used by another device", "make a new claim code for each device in the owner portal");
  }
}
