import type { DeviceState } from "../../protocol/index.ts";
import type { SqlExecutor } from "../store/sql-driver.ts";

/** DeviceRecord is one device row; JSON columns stay strings here and are parsed where they are read. */
export interface DeviceRecord {
  id: string;
  publicKey: string;
  owner: string;
  machineIdHash: string;
  hostname: string;
  state: DeviceState;
  stateReason: string | null;
  stateChangedAt: number;
  regionId: string | null;
  waitlistArea: string | null;
  waitlistedAt: number | null;
  agentVersion: string;
  hardware: string;
  bench: string | null;
  rtts: string;
  share: string | null;
  regionChoice: string;
  predecessorId: string | null;
  replacedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface WaitlistCount {
  area: string;
  waiting: number;
  oldestSince: number | null;
}

/** DevicesRepo is the devices domain's store. Methods taking ex run inside the caller's transaction. */
export interface DevicesRepo {
  byId(id: string, ex?: SqlExecutor): Promise<DeviceRecord | null>;
  /** liveOnMachine lists devices of a machine that are neither removed nor banned, and banned ones. */
  byMachine(machineIdHash: string, ex?: SqlExecutor): Promise<DeviceRecord[]>;
  insert(device: DeviceRecord, ex?: SqlExecutor): Promise<void>;
  /** update writes the given fields (and updatedAt). */
  update(id: string, patch: Partial<Omit<DeviceRecord, "id">>, ex?: SqlExecutor): Promise<void>;
  /** recordEvent appends to the device's state history. */
  recordEvent(deviceId: string, at: number, from: DeviceState | null, to: DeviceState, reason: string, ex?: SqlExecutor): Promise<void>;
  /** placedCounts counts, per region, the devices holding a place. */
  placedCounts(ex?: SqlExecutor): Promise<Map<string, number>>;
  /** waitlistPosition is 1 + devices waiting in the area ahead of this one. */
  waitlistPosition(area: string, waitlistedAt: number, id: string, ex?: SqlExecutor): Promise<number>;
  waitlistCounts(ex?: SqlExecutor): Promise<WaitlistCount[]>;
  /** waitlisted lists waiting devices, oldest first. */
  waitlisted(limit: number, ex?: SqlExecutor): Promise<DeviceRecord[]>;
  byOwner(owner: string, ex?: SqlExecutor): Promise<DeviceRecord[]>;
  /** states lists every device's state and region (for the caches the ingest path and placement read). */
  states(): Promise<{ id: string; state: DeviceState; regionId: string | null }[]>;
}
