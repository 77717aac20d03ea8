import type { DeviceState } from "../../protocol/index.ts";
import type { SqlDriver, SqlValue } from "../store/sql-driver.ts";
import type { DeviceInterval, DeviceScope, EventRow, MetricsSample, PortalDeviceRecord, PortalDeviceRow, PortalRepo } from "./repo.ts";

// PortalRepo in portable SQL for SQLite and PostgreSQL. Integer columns may come back as strings from
// PostgreSQL aggregates (SUM of BIGINT is NUMERIC), so every number read is passed through Number().

const ROW_COLUMNS = `id, owner, hostname, state, state_reason AS "stateReason", state_changed_at AS "stateChangedAt", region_id AS "regionId",
  waitlist_area AS "waitlistArea", agent_version AS "agentVersion", hardware, created_at AS "createdAt", updated_at AS "updatedAt"`;

function toRow<T extends PortalDeviceRow>(r: Record<string, unknown>): T {
  r.stateChangedAt = Number(r.stateChangedAt);
  r.createdAt = Number(r.createdAt);
  r.updatedAt = Number(r.updatedAt);
  if ("waitlistedAt" in r && r.waitlistedAt !== null) r.waitlistedAt = Number(r.waitlistedAt);
  return r as unknown as T;
}

/** marks makes "$a, $a+1, …" for n parameters starting at $start. */
function marks(n: number, start = 1): string {
  return Array.from({ length: n }, (_, i) => `$${start + i}`).join(", ");
}

// Long id lists go in chunks, well under either engine's parameter limit.
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export class SqlPortalRepo implements PortalRepo {
  constructor(private readonly db: SqlDriver) {}

  async devices(scope: DeviceScope): Promise<PortalDeviceRow[]> {
    const [where, param] = "owner" in scope ? ["owner = $1 AND replaced_by IS NULL", scope.owner] : ["region_id = $1", scope.regionId];
    const rows = await this.db.query(`SELECT ${ROW_COLUMNS} FROM devices WHERE ${where} ORDER BY created_at, id`, [param]);
    return rows.map((r) => toRow(r as Record<string, unknown>));
  }

  async device(id: string): Promise<PortalDeviceRecord | null> {
    const rows = await this.db.query(
      `SELECT ${ROW_COLUMNS}, bench, predecessor_id AS "predecessorId", replaced_by AS "replacedBy", waitlisted_at AS "waitlistedAt" FROM devices WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRow<PortalDeviceRecord>(rows[0] as Record<string, unknown>) : null;
  }

  async intervals(deviceIds: readonly string[], from: number, to: number): Promise<DeviceInterval[]> {
    const out: DeviceInterval[] = [];
    for (const ids of chunks(deviceIds)) {
      const rows = await this.db.query<{ deviceId: string; kind: string; startAt: number; endAt: number }>(
        `SELECT device_id AS "deviceId", kind, start_at AS "startAt", end_at AS "endAt" FROM uptime_intervals
         WHERE device_id IN (${marks(ids.length, 3)}) AND end_at >= $1 AND start_at <= $2 ORDER BY start_at`,
        [from, to, ...ids],
      );
      for (const r of rows) out.push({ deviceId: r.deviceId, kind: r.kind === "paused" ? "paused" : "online", startAt: Number(r.startAt), endAt: Number(r.endAt) });
    }
    return out;
  }

  async lastHeard(deviceIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const ids of chunks(deviceIds)) {
      const rows = await this.db.query<{ deviceId: string; last: number }>(
        `SELECT device_id AS "deviceId", MAX(end_at) AS last FROM uptime_intervals WHERE device_id IN (${marks(ids.length)}) GROUP BY device_id`,
        ids,
      );
      for (const r of rows) out.set(r.deviceId, Number(r.last));
    }
    return out;
  }

  async recentMetrics(deviceId: string, since: number, limit: number): Promise<MetricsSample[]> {
    // Newest first by seq (the primary key), so the scan stops at `limit` rows however long the history is.
    const rows = await this.db.query<Record<string, SqlValue>>(
      `SELECT at, cpu_percent AS "cpuPercent", memory_used_bytes AS "memoryUsedBytes", memory_total_bytes AS "memoryTotalBytes", gpus, pods
       FROM metrics WHERE device_id = $1 ORDER BY seq DESC LIMIT $2`,
      [deviceId, limit],
    );
    return rows
      .map((r) => ({
        at: Number(r.at),
        cpuPercent: Number(r.cpuPercent),
        memoryUsedBytes: Number(r.memoryUsedBytes),
        memoryTotalBytes: Number(r.memoryTotalBytes),
        gpus: String(r.gpus),
        pods: Number(r.pods),
      }))
      .filter((r) => r.at >= since);
  }

  async events(deviceId: string, limit: number): Promise<EventRow[]> {
    const rows = await this.db.query<{ at: number; from: DeviceState | null; to: DeviceState; reason: string }>(
      `SELECT at, from_state AS "from", to_state AS "to", reason FROM device_events WHERE device_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
      [deviceId, limit],
    );
    return rows.map((r) => ({ ...r, at: Number(r.at) }));
  }

  async onlineMs(regionIds: readonly string[], from: number, to: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (regionIds.length === 0) return out;
    // MIN/MAX of two values is spelled with CASE: SQLite's scalar MIN and PostgreSQL's LEAST differ.
    const rows = await this.db.query<{ deviceId: string; ms: number | string }>(
      `SELECT u.device_id AS "deviceId",
              SUM((CASE WHEN u.end_at < $2 THEN u.end_at ELSE $2 END) - (CASE WHEN u.start_at > $1 THEN u.start_at ELSE $1 END)) AS ms
       FROM uptime_intervals u JOIN devices d ON d.id = u.device_id
       WHERE d.region_id IN (${marks(regionIds.length, 3)}) AND u.kind = 'online' AND u.end_at > $1 AND u.start_at < $2
       GROUP BY u.device_id`,
      [from, to, ...regionIds],
    );
    for (const r of rows) out.set(r.deviceId, Number(r.ms));
    return out;
  }

  async countsByRegionState(): Promise<{ regionId: string | null; state: DeviceState; count: number }[]> {
    const rows = await this.db.query<{ regionId: string | null; state: DeviceState; n: number }>(
      `SELECT region_id AS "regionId", state, COUNT(*) AS n FROM devices WHERE replaced_by IS NULL GROUP BY region_id, state`,
    );
    return rows.map((r) => ({ regionId: r.regionId, state: r.state, count: Number(r.n) }));
  }

  async devicesInStates(states: readonly DeviceState[]): Promise<PortalDeviceRow[]> {
    if (states.length === 0) return [];
    const rows = await this.db.query(`SELECT ${ROW_COLUMNS} FROM devices WHERE state IN (${marks(states.length)}) ORDER BY created_at, id`, states);
    return rows.map((r) => toRow(r as Record<string, unknown>));
  }
}
