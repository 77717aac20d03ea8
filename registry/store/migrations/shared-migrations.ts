import type { SqlEngine } from "../sql-driver.ts";
import { INITIAL_SCHEMA } from "./initial-schema.ts";
import type { Migration } from "./migration.ts";
import { renderSchema } from "./render-schema.ts";
import { REWARDS_SCHEMA } from "./rewards-schema.ts";

/**
 * migrationsFor is the numbered list of an engine's migrations, each rendered from one engine-neutral text.
 * Add new ones at the end and never edit an applied one.
 */
export function migrationsFor(engine: SqlEngine): Migration[] {
  return [
    { version: 1, name: "initial", sql: renderSchema(INITIAL_SCHEMA, engine) },
    {
      version: 2,
      name: "one open operator offer per region and owner",
      sql: `
CREATE UNIQUE INDEX operator_offers_one_open ON operator_offers (region_id, owner) WHERE status = 'open';
CREATE INDEX claim_codes_open ON claim_codes (owner, used_at);
`,
    },
    {
      version: 3,
      name: "join tokens issued and not yet used, so a restarted registry still revokes them",
      sql: `
CREATE TABLE join_tokens (
  device_id TEXT PRIMARY KEY,
  region_id TEXT NOT NULL,
  token_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
`,
    },
    { version: 4, name: "rewards: epochs, ledger, payouts, placement and readiness intervals", sql: renderSchema(REWARDS_SCHEMA, engine) },
    {
      version: 5,
      name: "the tailnet join key issued with a bootstrap token, so leaving or a ban expires it too",
      sql: `
ALTER TABLE join_tokens ADD COLUMN auth_key_id TEXT;
`,
    },
    {
      version: 6,
      name: "devices taken out while their region did not answer, whose Node and tailnet node are still to delete",
      sql: `
CREATE TABLE pending_leaves (
  device_id TEXT PRIMARY KEY,
  region_id TEXT NOT NULL,
  since BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL
);
`,
    },
  ];
}
