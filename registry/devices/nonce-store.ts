import type { SqlDriver } from "../store/sql-driver.ts";

/** NonceStore remembers nonces of signed requests until their window has passed, across restarts and replicas. */
export interface NonceStore {
  /** claim records nonce until expiresAt and says whether it was new. */
  claim(nonce: string, expiresAt: number): Promise<boolean>;
  /** purge forgets nonces whose window has passed. */
  purge(now: number): Promise<number>;
}

export function sqlNonceStore(db: SqlDriver): NonceStore {
  return {
    async claim(nonce, expiresAt) {
      return (await db.insertMany("device_nonces", ["nonce", "expires_at"], [[nonce, expiresAt]], "ignore")) === 1;
    },
    async purge(now) {
      return (await db.run("DELETE FROM device_nonces WHERE expires_at < $1", [now])).changes;
    },
  };
}
