// Migration 4: the rewards domain's tables, engine-neutral like initial-schema.ts and rendered the same way.
// Money is TEXT: decimal integers of fine units (10^-18 of a micro-unit), which outgrow 64 bits; block
// heights are TEXT (uint64 on chain). The ledger (ledger_lines) is append-only: rows are inserted, never
// updated or deleted; reward_balances is a running sum of it, rewritten in the same transaction as the
// lines it sums (for the accounts that carry a balance from one epoch to the next: carry, fee, owners, payouts), with the last epoch whose close touched it.
// An owner account's balance row also carries, in credits, the running totals of its credit lines by device
// (gross, fee, net and the part a recorded payout settled), and reward_owner_epochs the owner's credits per
// epoch (usage, availability, gross, fee): written in the same transactions as the lines, so summaries read
// a few rows instead of the ledger. Both are JSON of decimal strings (registry/rewards/running-totals.ts).
// Lines arrive in epoch order, so on PostgreSQL the epoch index is a block-range (BRIN) one: a few pages
// for the whole ledger and nearly free to keep up, where a B-tree cost about a second per close of 300,000
// lines (bench/README.md); it serves only re-reading one epoch's lines, to verify a close.
// Never edit this text: a change is a new numbered migration.
export const REWARDS_SCHEMA = `
CREATE TABLE reward_policies (
  version BIGINT PRIMARY KEY,
  policy TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE reward_epochs (
  id BIGINT PRIMARY KEY,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  policy_version BIGINT,
  start_height TEXT,
  end_height TEXT,
  closed_at BIGINT,
  summary TEXT
);

CREATE TABLE reward_epoch_leases (
  epoch_id BIGINT NOT NULL,
  lease_key TEXT NOT NULL,
  denom TEXT NOT NULL,
  state TEXT NOT NULL,
  price TEXT NOT NULL,
  created_height TEXT NOT NULL,
  closed_height TEXT NOT NULL,
  PRIMARY KEY (epoch_id, lease_key)
);

CREATE TABLE reward_epoch_usage (
  epoch_id BIGINT NOT NULL,
  lease_key TEXT NOT NULL,
  node TEXT NOT NULL,
  weight TEXT NOT NULL,
  owner TEXT NOT NULL,
  pod_ms BIGINT NOT NULL,
  pods BIGINT NOT NULL,
  PRIMARY KEY (epoch_id, lease_key, node)
);

CREATE TABLE reward_epoch_devices (
  epoch_id BIGINT NOT NULL,
  device_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  eligible INTEGER NOT NULL,
  available_ms BIGINT NOT NULL,
  capacity_points BIGINT NOT NULL,
  raw_capacity_points BIGINT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (epoch_id, device_id)
);
CREATE INDEX reward_epoch_devices_device ON reward_epoch_devices (device_id, epoch_id);

CREATE TABLE ledger_lines (
  entry_id TEXT NOT NULL,
  line BIGINT NOT NULL,
  epoch_id BIGINT,
  batch_id BIGINT,
  account TEXT NOT NULL,
  denom TEXT NOT NULL,
  amount TEXT NOT NULL,
  kind TEXT NOT NULL,
  gross TEXT,
  fee TEXT,
  device TEXT,
  ref TEXT,
  detail TEXT,
  PRIMARY KEY (entry_id, line)
);
CREATE INDEX ledger_lines_account ON ledger_lines (account, epoch_id);
CREATE INDEX ledger_lines_epoch ON ledger_lines @BLOCK_RANGE@(epoch_id);
CREATE INDEX ledger_lines_device ON ledger_lines (device, epoch_id);

CREATE TABLE reward_balances (
  account TEXT NOT NULL,
  denom TEXT NOT NULL,
  amount TEXT NOT NULL,
  last_epoch BIGINT NOT NULL,
  credits TEXT,
  PRIMARY KEY (account, denom)
);

CREATE TABLE reward_owner_epochs (
  owner TEXT NOT NULL,
  epoch_id BIGINT NOT NULL,
  totals TEXT NOT NULL,
  PRIMARY KEY (owner, epoch_id)
);

CREATE TABLE payout_batches (
  id @SERIAL@,
  denom TEXT NOT NULL,
  from_address TEXT NOT NULL,
  through_epoch BIGINT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  paid_at BIGINT,
  total TEXT NOT NULL,
  skipped TEXT NOT NULL,
  txs TEXT NOT NULL,
  tx_hashes TEXT
);
CREATE UNIQUE INDEX payout_batches_one_built ON payout_batches (denom) WHERE status = 'built';

CREATE TABLE payout_items (
  batch_id BIGINT NOT NULL,
  owner TEXT NOT NULL,
  address TEXT NOT NULL,
  amount TEXT NOT NULL,
  PRIMARY KEY (batch_id, owner)
);
CREATE INDEX payout_items_owner ON payout_items (owner, batch_id);

CREATE TABLE reward_pod_intervals (
  id @SERIAL@,
  namespace TEXT NOT NULL,
  pod TEXT NOT NULL,
  node TEXT NOT NULL,
  cpu_milli BIGINT NOT NULL,
  memory_bytes BIGINT NOT NULL,
  gpus BIGINT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL
);
CREATE INDEX reward_pod_intervals_end ON reward_pod_intervals (end_at);

CREATE TABLE reward_node_ready (
  id @SERIAL@,
  node TEXT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL
);
CREATE INDEX reward_node_ready_end ON reward_node_ready (end_at);
`;
