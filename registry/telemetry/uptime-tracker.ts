import type { NewUptimeInterval, UptimeInterval, UptimeKind } from "./repo.ts";

// The registry's own view of which devices are alive, kept in memory so that ingest never reads the store:
// per device its open (latest) uptime interval and whether it is online. The rules, in one place:
// - a new heartbeat received within graceMs of the open interval's end, of the same kind, extends it;
// - of the other kind (paused ↔ sharing) it starts a new interval where the last one ended, so the
//   intervals of a device that never went quiet cover its whole time without gaps or overlaps;
// - otherwise (first heartbeat, a gap longer than graceMs, or the device was declared offline) a new
//   interval starts at the heartbeat;
// - a device is online from its first heartbeat until graceMs pass without one.
// Times are the registry's receive times: device clocks are not trusted for any of this.

/** PresenceChange tells the devices domain that the registry's view of a device changed. */
export interface PresenceChange {
  deviceId: string;
  presence: "online" | "offline";
  /** When the registry decided: the heartbeat's receive time, or the sweep's time. */
  at: number;
  /** For "offline": the receive time of the last heartbeat, so a caller can date the outage from it. */
  lastHeartbeatAt?: number;
}

/** ArrivedHeartbeat is what uptime needs of a new (not duplicate) heartbeat. */
export interface ArrivedHeartbeat {
  deviceId: string;
  seq: number;
  receivedAt: number;
  paused: boolean;
}

interface DeviceUptime {
  interval: UptimeInterval | null;
  online: boolean;
}

interface DraftInterval {
  /** The stored interval's id, or null for one this plan creates. */
  id: number | null;
  createIndex: number;
  kind: UptimeKind;
  startAt: number;
  endAt: number;
}

interface Draft {
  online: boolean;
  cameOnlineAt: number | null;
  interval: DraftInterval | null;
}

/** UptimePlan is what one batch of new heartbeats does to intervals, to be written in that batch's transaction. */
export interface UptimePlan {
  readonly create: NewUptimeInterval[];
  readonly extend: { id: number; endAt: number }[];
  /** @internal the per-device outcome, applied to memory once the writes are durable. */
  readonly drafts: Map<string, Draft>;
}

export class UptimeTracker {
  private readonly devices = new Map<string, DeviceUptime>();
  /** Online devices, least recently heard from first (each heartbeat moves its device to the end). */
  private readonly onlineByLastHeartbeat = new Map<string, DeviceUptime>();
  /** True once every device in the store has been loaded, so a device not in memory has no intervals. */
  private loadedAll = false;

  constructor(readonly graceMs: number) {}

  /** unknown returns the devices among ids whose state is neither in memory nor known to be absent. */
  unknown(ids: Iterable<string>): string[] {
    if (this.loadedAll) return [];
    const out = new Set<string>();
    for (const id of ids) if (!this.devices.has(id)) out.add(id);
    return [...out];
  }

  /**
   * load takes the latest stored interval of devices not yet in memory: a device whose interval ended within
   * graceMs of now is online. `devices` names the devices asked about (those without a row have no interval
   * recent enough to matter); without it, the rows are every such device the store has.
   */
  load(latest: readonly UptimeInterval[], now: number, devices?: readonly string[]): void {
    const sorted = [...latest].sort((a, b) => a.endAt - b.endAt);
    for (const interval of sorted) {
      if (this.devices.has(interval.deviceId)) continue;
      const state: DeviceUptime = { interval, online: now - interval.endAt <= this.graceMs };
      this.devices.set(interval.deviceId, state);
      if (state.online) this.onlineByLastHeartbeat.set(interval.deviceId, state);
    }
    if (devices === undefined) this.loadedAll = true;
    else for (const id of devices) if (!this.devices.has(id)) this.devices.set(id, { interval: null, online: false });
  }

  /** plan decides what heartbeats (new ones, in arrival order) do to intervals; memory is untouched until apply. */
  plan(heartbeats: readonly ArrivedHeartbeat[]): UptimePlan {
    const create: NewUptimeInterval[] = [];
    const extended = new Map<number, DraftInterval>();
    const drafts = new Map<string, Draft>();
    for (const hb of heartbeats) {
      let draft = drafts.get(hb.deviceId);
      if (!draft) {
        const base = this.devices.get(hb.deviceId);
        const iv = base?.interval;
        draft = {
          online: base?.online ?? false,
          cameOnlineAt: null,
          interval: iv ? { id: iv.id, createIndex: -1, kind: iv.kind, startAt: iv.startAt, endAt: iv.endAt } : null,
        };
        drafts.set(hb.deviceId, draft);
      }
      const kind: UptimeKind = hb.paused ? "paused" : "online";
      const t = hb.receivedAt;
      const open = draft.interval;
      const start = (startAt: number, endAt: number) => {
        create.push({ deviceId: hb.deviceId, kind, startAt, endAt });
        draft.interval = { id: null, createIndex: create.length - 1, kind, startAt, endAt };
      };
      if (draft.online && open && t - open.endAt <= this.graceMs) {
        if (open.kind === kind) {
          open.endAt = Math.max(open.endAt, t);
          if (open.id === null) create[open.createIndex]!.endAt = open.endAt;
          else extended.set(open.id, open);
        } else {
          start(open.endAt, Math.max(open.endAt, t));
        }
      } else {
        start(t, t);
      }
      if (!draft.online) {
        draft.online = true;
        draft.cameOnlineAt = t;
      }
    }
    const extend = [...extended.values()].map((iv) => ({ id: iv.id!, endAt: iv.endAt }));
    return { create, extend, drafts };
  }

  /** apply takes a plan whose writes committed (ids: of plan.create, in order) and returns who came online. */
  apply(plan: UptimePlan, createdIds: readonly number[]): PresenceChange[] {
    const changes: PresenceChange[] = [];
    for (const [deviceId, draft] of plan.drafts) {
      const iv = draft.interval!;
      const id = iv.id ?? createdIds[iv.createIndex];
      if (id === undefined) throw new Error(`interval for ${deviceId} has no id after commit`);
      let state = this.devices.get(deviceId);
      if (!state) {
        state = { interval: null, online: false };
        this.devices.set(deviceId, state);
      }
      state.interval = { id, deviceId, kind: iv.kind, startAt: iv.startAt, endAt: iv.endAt };
      state.online = true;
      this.onlineByLastHeartbeat.delete(deviceId);
      this.onlineByLastHeartbeat.set(deviceId, state);
      if (draft.cameOnlineAt !== null) changes.push({ deviceId, presence: "online", at: draft.cameOnlineAt });
    }
    return changes;
  }

  /** expire declares offline, once, every online device not heard from for more than graceMs before now. */
  expire(now: number): PresenceChange[] {
    const changes: PresenceChange[] = [];
    for (const [deviceId, state] of this.onlineByLastHeartbeat) {
      const last = state.interval!.endAt;
      if (now - last <= this.graceMs) break;
      state.online = false;
      this.onlineByLastHeartbeat.delete(deviceId);
      changes.push({ deviceId, presence: "offline", at: now, lastHeartbeatAt: last });
    }
    return changes;
  }

  presence(deviceId: string): "online" | "offline" | "unknown" {
    const state = this.devices.get(deviceId);
    if (!state?.interval) return this.loadedAll || state ? "offline" : "unknown";
    return state.online ? "online" : "offline";
  }

  onlineDeviceIds(): string[] {
    return [...this.onlineByLastHeartbeat.keys()];
  }

  get onlineCount(): number {
    return this.onlineByLastHeartbeat.size;
  }

  get knownCount(): number {
    return this.devices.size;
  }
}
