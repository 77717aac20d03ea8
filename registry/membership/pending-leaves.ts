import type { SqlDriver } from "../store/sql-driver.ts";

/**
 * PendingLeave is a device the registry took out (removed or banned) while its region's cluster or
 * Headscale did not answer: the registry's decision stands at once, and what is left to undo there (the
 * Node, its pods, the tailnet node) is retried until it is done.
 */
export interface PendingLeave {
  deviceId: string;
  regionId: string;
  /** When the device was taken out, epoch ms. */
  since: number;
  /** Tries so far, the first included. */
  attempts: number;
  /** What the last try ran into, as the region component said it. */
  lastError: string;
}

/** PendingLeavesRepo keeps pending leaves in the store, so a restart does not forget a Node still to delete. */
export interface PendingLeavesRepo {
  /** list gives the pending leaves oldest first, of one region when regionId is given. */
  list(regionId?: string): Promise<PendingLeave[]>;
  get(deviceId: string): Promise<PendingLeave | null>;
  put(leave: PendingLeave): Promise<void>;
  delete(deviceId: string): Promise<void>;
}

interface Row {
  device_id: string;
  region_id: string;
  since: number | string;
  attempts: number | string;
  last_error: string;
}

const COLUMNS = "device_id, region_id, since, attempts, last_error";

function fromRow(row: Row): PendingLeave {
  return { deviceId: row.device_id, regionId: row.region_id, since: Number(row.since), attempts: Number(row.attempts), lastError: row.last_error };
}

export class SqlPendingLeavesRepo implements PendingLeavesRepo {
  constructor(private readonly db: SqlDriver) {}

  async list(regionId?: string): Promise<PendingLeave[]> {
    const rows = regionId === undefined ? await this.db.query<Row>(`SELECT ${COLUMNS} FROM pending_leaves ORDER BY since, device_id`) : await this.db.query<Row>(`SELECT ${COLUMNS} FROM pending_leaves WHERE region_id = $1 ORDER BY since, device_id`, [regionId]);
    return rows.map(fromRow);
  }

  async get(deviceId: string): Promise<PendingLeave | null> {
    const [row] = await this.db.query<Row>(`SELECT ${COLUMNS} FROM pending_leaves WHERE device_id = $1`, [deviceId]);
    return row ? fromRow(row) : null;
  }

  async put(p: PendingLeave): Promise<void> {
    await this.db.run(
      `INSERT INTO pending_leaves (${COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO UPDATE SET region_id = excluded.region_id, attempts = excluded.attempts, last_error = excluded.last_error`,
      [p.deviceId, p.regionId, p.since, p.attempts, p.lastError],
    );
  }

  async delete(deviceId: string): Promise<void> {
    await this.db.run("DELETE FROM pending_leaves WHERE device_id = $1", [deviceId]);
  }
}
