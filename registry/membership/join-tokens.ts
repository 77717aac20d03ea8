import type { SqlDriver } from "../store/sql-driver.ts";

/**
 * OutstandingToken is a bootstrap token the registry handed a device and has not yet seen used, with the
 * tailnet join key issued alongside. Only their ids are kept (never the secrets): enough to revoke them.
 */
export interface OutstandingToken {
  deviceId: string;
  regionId: string;
  tokenId: string;
  /** The Headscale pre-auth key's id; null for tokens issued before it was kept. */
  authKeyId: string | null;
  expiresAt: number;
}

/**
 * JoinTokensRepo remembers outstanding tokens in the store, so a registry restarted between issuing a
 * token and the device's Node registering still revokes it then. One per device: issuing replaces it.
 */
export interface JoinTokensRepo {
  get(deviceId: string): Promise<OutstandingToken | null>;
  put(token: OutstandingToken): Promise<void>;
  delete(deviceId: string): Promise<void>;
}

interface Row {
  device_id: string;
  region_id: string;
  token_id: string;
  auth_key_id: string | null;
  expires_at: number | string;
}

export class SqlJoinTokensRepo implements JoinTokensRepo {
  constructor(private readonly db: SqlDriver) {}

  async get(deviceId: string): Promise<OutstandingToken | null> {
    const [row] = await this.db.query<Row>("SELECT device_id, region_id, token_id, auth_key_id, expires_at FROM join_tokens WHERE device_id = $1", [deviceId]);
    return row ? { deviceId: row.device_id, regionId: row.region_id, tokenId: row.token_id, authKeyId: row.auth_key_id, expiresAt: Number(row.expires_at) } : null;
  }

  async put(t: OutstandingToken): Promise<void> {
    await this.db.run(
      "INSERT INTO join_tokens (device_id, region_id, token_id, auth_key_id, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO UPDATE SET region_id = excluded.region_id, token_id = excluded.token_id, auth_key_id = excluded.auth_key_id, expires_at = excluded.expires_at",
      [t.deviceId, t.regionId, t.tokenId, t.authKeyId, t.expiresAt],
    );
  }

  async delete(deviceId: string): Promise<void> {
    await this.db.run("DELETE FROM join_tokens WHERE device_id = $1", [deviceId]);
  }
}
