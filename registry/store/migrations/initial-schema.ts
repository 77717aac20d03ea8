// The first schema, written once and rendered for each engine by render-schema.ts. Types are the ones both
// engines share, with placeholders where they differ: @SERIAL@ (an auto-numbered key), @REAL@ (a float) and
// @WITHOUT_ROWID@ (SQLite's clustered tables). Times are integer milliseconds since the epoch everywhere, so
// repositories run the same SQL on both. Never edit it: a change to the schema is a new numbered migration.
export const INITIAL_SCHEMA = `
CREATE TABLE registry_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE owners (
  address TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  payout_address TEXT
);

CREATE TABLE auth_challenges (
  message_hash TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

CREATE TABLE owner_sessions (
  token_hash TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX owner_sessions_address ON owner_sessions (address);

CREATE TABLE claim_codes (
  code TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  label TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  used_by_device TEXT,
  used_by_machine TEXT
);
CREATE INDEX claim_codes_owner ON claim_codes (owner, created_at);

CREATE TABLE region_roles (
  owner TEXT NOT NULL,
  region_id TEXT NOT NULL,
  role TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  granted_by TEXT NOT NULL,
  PRIMARY KEY (owner, region_id, role)
);

CREATE TABLE operator_offers (
  id TEXT PRIMARY KEY,
  region_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  decided_at BIGINT
);
CREATE INDEX operator_offers_owner ON operator_offers (owner, status);

CREATE TABLE audit_log (
  id @SERIAL@,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  region_id TEXT,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  machine_id_hash TEXT NOT NULL,
  hostname TEXT NOT NULL,
  state TEXT NOT NULL,
  state_reason TEXT,
  state_changed_at BIGINT NOT NULL,
  region_id TEXT,
  waitlist_area TEXT,
  waitlisted_at BIGINT,
  agent_version TEXT NOT NULL,
  hardware TEXT NOT NULL,
  bench TEXT,
  rtts TEXT NOT NULL,
  share TEXT,
  region_choice TEXT NOT NULL,
  predecessor_id TEXT,
  replaced_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_heartbeat_at BIGINT,
  last_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX devices_owner ON devices (owner);
CREATE INDEX devices_region_state ON devices (region_id, state);
CREATE INDEX devices_waitlist ON devices (waitlist_area, waitlisted_at);
CREATE INDEX devices_machine ON devices (machine_id_hash);

CREATE TABLE device_events (
  id @SERIAL@,
  device_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX device_events_device ON device_events (device_id, at);

CREATE TABLE device_nonces (
  nonce TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX device_nonces_expiry ON device_nonces (expires_at);

CREATE TABLE heartbeats (
  device_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  paused INTEGER NOT NULL,
  tailscale_state TEXT NOT NULL,
  tailscale_ip TEXT,
  kubelet_state TEXT NOT NULL,
  agent_version TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
)@WITHOUT_ROWID@;

CREATE TABLE metrics (
  device_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  cpu_percent @REAL@ NOT NULL,
  memory_used_bytes BIGINT NOT NULL,
  memory_total_bytes BIGINT NOT NULL,
  gpus TEXT NOT NULL,
  pods BIGINT NOT NULL,
  PRIMARY KEY (device_id, seq)
)@WITHOUT_ROWID@;

CREATE TABLE uptime_intervals (
  id @SERIAL@,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL
);
CREATE INDEX uptime_intervals_device ON uptime_intervals (device_id, start_at);
`;
