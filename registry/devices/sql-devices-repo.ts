import type { DeviceState } from "../../protocol/index.ts";
import type { SqlDriver, SqlExecutor, SqlValue } from "../store/sql-driver.ts";
import { PLACE_HOLDING_STATES } from "./lifecycle.ts";
import type { DeviceRecord, DevicesRepo, WaitlistCount } from "./repo.ts";

// Column ↔ field names, in one list so insert, update and select cannot drift apart.
const COLUMNS: [keyof DeviceRecord, string][] = [
  ["id", "id"],
  ["publicKey", "public_key"],
  ["owner", "owner"],
  ["machineIdHash", "machine_id_hash"],
  ["hostname", "hostname"],
  ["state", "state"],
  ["stateReason", "state_reason"],
  ["stateChangedAt", "state_changed_at"],
  ["regionId", "region_id"],
  ["waitlistArea", "waitlist_area"],
  ["waitlistedAt", "waitlisted_at"],
  ["agentVersion", "agent_version"],
  ["hardware", "hardware"],
  ["bench", "bench"],
  ["rtts", "rtts"],
  ["share", "share"],
  ["regionChoice", "region_choice"],
  ["predecessorId", "predecessor_id"],
  ["replacedBy", "replaced_by"],
  ["createdAt", "created_at"],
  ["updatedAt", "updated_at"],
];
const COLUMN_OF = new Map(COLUMNS);
const SELECT = `SELECT ${COLUMNS.map(([f, c]) => (f === c ? c : `${c} AS "${f}"`)).join(", ")} FROM devices`;
const NUMERIC: (keyof DeviceRecord)[] = ["stateChangedAt", "waitlistedAt", "createdAt", "updatedAt"];
const PLACED_LIST = PLACE_HOLDING_STATES.map((s) => `'${s}'`).join(", ");

function fromRow(row: Record<string, unknown>): DeviceRecord {
  for (const f of NUMERIC) if (row[f] !== null && row[f] !== undefined) row[f] = Number(row[f]);
  return row as unknown as DeviceRecord;
}

export class SqlDevicesRepo implements DevicesRepo {
  constructor(private readonly db: SqlDriver) {}

  async byId(id: string, ex: SqlExecutor = this.db) {
    const rows = await ex.query(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async byMachine(machineIdHash: string, ex: SqlExecutor = this.db) {
    return (await ex.query(`${SELECT} WHERE machine_id_hash = $1 ORDER BY created_at`, [machineIdHash])).map(fromRow);
  }

  async insert(d: DeviceRecord, ex: SqlExecutor = this.db) {
    await ex.insertMany("devices", COLUMNS.map(([, c]) => c), [COLUMNS.map(([f]) => d[f] as SqlValue)], "error");
  }

  async update(id: string, patch: Partial<Omit<DeviceRecord, "id">>, ex: SqlExecutor = this.db) {
    const fields = Object.keys(patch).filter((k) => k !== "updatedAt") as (keyof DeviceRecord)[];
    const sets = fields.map((f, i) => `${COLUMN_OF.get(f)} = $${i + 1}`);
    const params = fields.map((f) => (patch as Record<string, SqlValue>)[f] ?? null);
    sets.push(`updated_at = $${params.length + 1}`);
    params.push(patch.updatedAt ?? Date.now());
    params.push(id);
    await ex.run(`UPDATE devices SET ${sets.join(", ")} WHERE id = $${params.length}`, params);
  }

  async recordEvent(deviceId: string, at: number, from: DeviceState | null, to: DeviceState, reason: string, ex: SqlExecutor = this.db) {
    await ex.run("INSERT INTO device_events (device_id, at, from_state, to_state, reason) VALUES ($1, $2, $3, $4, $5)", [deviceId, at, from, to, reason]);
  }

  async placedCounts(ex: SqlExecutor = this.db) {
    const rows = await ex.query<{ region_id: string; n: number }>(`SELECT region_id, COUNT(*) AS n FROM devices WHERE state IN (${PLACED_LIST}) AND region_id IS NOT NULL GROUP BY region_id`);
    return new Map(rows.map((r) => [r.region_id, Number(r.n)]));
  }

  async waitlistPosition(area: string, waitlistedAt: number, id: string, ex: SqlExecutor = this.db) {
    const rows = await ex.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM devices WHERE state = 'waitlisted' AND waitlist_area = $1 AND (waitlisted_at < $2 OR (waitlisted_at = $2 AND id < $3))",
      [area, waitlistedAt, id],
    );
    return Number(rows[0]?.n ?? 0) + 1;
  }

  async waitlistCounts(ex: SqlExecutor = this.db): Promise<WaitlistCount[]> {
    const rows = await ex.query<{ area: string; waiting: number; oldest: number | null }>(
      "SELECT waitlist_area AS area, COUNT(*) AS waiting, MIN(waitlisted_at) AS oldest FROM devices WHERE state = 'waitlisted' GROUP BY waitlist_area ORDER BY waitlist_area",
    );
    return rows.map((r) => ({ area: r.area, waiting: Number(r.waiting), oldestSince: r.oldest === null ? null : Number(r.oldest) }));
  }

  async waitlisted(limit: number, ex: SqlExecutor = this.db) {
    return (await ex.query(`${SELECT} WHERE state = 'waitlisted' ORDER BY waitlisted_at, id LIMIT $1`, [limit])).map(fromRow);
  }

  async byOwner(owner: string, ex: SqlExecutor = this.db) {
    return (await ex.query(`${SELECT} WHERE owner = $1 ORDER BY created_at`, [owner])).map(fromRow);
  }

  async states() {
    return this.db.query<{ id: string; state: DeviceState; regionId: string | null }>('SELECT id, state, region_id AS "regionId" FROM devices');
  }
}
