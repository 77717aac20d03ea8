import type { SqlDriver, SqlExecutor, SqlValue } from "../store/sql-driver.ts";
import type {
  AccountsRepo,
  AuditRecord,
  ChallengeRecord,
  ClaimCodeRecord,
  NewAuditRecord,
  OfferStatus,
  OperatorOfferRecord,
  Role,
  RoleRecord,
  SessionRecord,
} from "./repo.ts";

// AccountsRepo in portable SQL: one implementation for SQLite and PostgreSQL. Every "use once" step (a
// challenge, a claim code, an open offer) is a single conditional statement, so concurrent callers cannot
// both pass a check that only one of them should.

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

type Row = Record<string, SqlValue>;

function toChallenge(r: Row): ChallengeRecord {
  return { messageHash: String(r.message_hash), address: String(r.address), createdAt: num(r.created_at), expiresAt: num(r.expires_at), usedAt: numOrNull(r.used_at) };
}

function toSession(r: Row): SessionRecord {
  return { tokenHash: String(r.token_hash), address: String(r.address), createdAt: num(r.created_at), expiresAt: num(r.expires_at) };
}

function toClaimCode(r: Row): ClaimCodeRecord {
  return {
    code: String(r.code),
    owner: String(r.owner),
    label: strOrNull(r.label),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    usedAt: numOrNull(r.used_at),
    usedByDevice: strOrNull(r.used_by_device),
    usedByMachine: strOrNull(r.used_by_machine),
  };
}

function toRole(r: Row): RoleRecord {
  return { owner: String(r.owner), regionId: String(r.region_id), role: String(r.role) as Role, grantedAt: num(r.granted_at), grantedBy: String(r.granted_by) };
}

function toOffer(r: Row): OperatorOfferRecord {
  return {
    id: String(r.id),
    regionId: String(r.region_id),
    owner: String(r.owner),
    status: String(r.status) as OfferStatus,
    createdAt: num(r.created_at),
    createdBy: String(r.created_by),
    decidedAt: numOrNull(r.decided_at),
  };
}

function toAudit(r: Row): AuditRecord {
  return { id: num(r.id), at: num(r.at), actor: String(r.actor), action: String(r.action), target: String(r.target), regionId: strOrNull(r.region_id), detail: String(r.detail) };
}

const CLAIM_COLUMNS = "code, owner, label, created_at, expires_at, used_at, used_by_device, used_by_machine";
const OFFER_COLUMNS = "id, region_id, owner, status, created_at, created_by, decided_at";

export class SqlAccountsRepo implements AccountsRepo {
  constructor(private readonly db: SqlDriver) {}

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async ensureOwner(address: string, now: number, ex: SqlExecutor = this.db): Promise<boolean> {
    const { changes } = await ex.run("INSERT INTO owners (address, created_at) VALUES ($1, $2) ON CONFLICT (address) DO NOTHING", [address, now]);
    return changes > 0;
  }

  async getOwner(address: string, ex: SqlExecutor = this.db) {
    const [r] = await ex.query<Row>("SELECT address, created_at, payout_address FROM owners WHERE address = $1", [address]);
    return r ? { address: String(r.address), createdAt: num(r.created_at), payoutAddress: strOrNull(r.payout_address) } : null;
  }

  async setPayoutAddress(address: string, payoutAddress: string | null, ex: SqlExecutor = this.db): Promise<void> {
    await ex.run("UPDATE owners SET payout_address = $2 WHERE address = $1", [address, payoutAddress]);
  }

  async lockOwner(address: string, ex: SqlExecutor): Promise<void> {
    // A no-op write takes PostgreSQL's row lock until commit; SQLite's write transactions are serial anyway.
    await ex.run("UPDATE owners SET address = address WHERE address = $1", [address]);
  }

  async insertChallenge(c: ChallengeRecord): Promise<void> {
    await this.db.run("INSERT INTO auth_challenges (message_hash, address, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5)", [
      c.messageHash,
      c.address,
      c.createdAt,
      c.expiresAt,
      c.usedAt,
    ]);
  }

  async getChallenge(messageHash: string): Promise<ChallengeRecord | null> {
    const [r] = await this.db.query<Row>("SELECT message_hash, address, created_at, expires_at, used_at FROM auth_challenges WHERE message_hash = $1", [messageHash]);
    return r ? toChallenge(r) : null;
  }

  async useChallenge(messageHash: string, address: string, now: number, ex: SqlExecutor = this.db): Promise<boolean> {
    const { changes } = await ex.run(
      "UPDATE auth_challenges SET used_at = $1 WHERE message_hash = $2 AND address = $3 AND used_at IS NULL AND expires_at > $1",
      [now, messageHash, address],
    );
    return changes === 1;
  }

  async insertSession(s: SessionRecord, ex: SqlExecutor = this.db): Promise<void> {
    await ex.run("INSERT INTO owner_sessions (token_hash, address, created_at, expires_at) VALUES ($1, $2, $3, $4)", [s.tokenHash, s.address, s.createdAt, s.expiresAt]);
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const [r] = await this.db.query<Row>("SELECT token_hash, address, created_at, expires_at FROM owner_sessions WHERE token_hash = $1", [tokenHash]);
    return r ? toSession(r) : null;
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM owner_sessions WHERE token_hash = $1", [tokenHash])).changes > 0;
  }

  async deleteExpired(now: number): Promise<number> {
    const challenges = await this.db.run("DELETE FROM auth_challenges WHERE expires_at <= $1", [now]);
    const sessions = await this.db.run("DELETE FROM owner_sessions WHERE expires_at <= $1", [now]);
    return challenges.changes + sessions.changes;
  }

  async insertClaimCode(c: ClaimCodeRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      `INSERT INTO claim_codes (${CLAIM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING`,
      [c.code, c.owner, c.label, c.createdAt, c.expiresAt, c.usedAt, c.usedByDevice, c.usedByMachine],
    );
    return changes === 1;
  }

  async getClaimCode(code: string, ex: SqlExecutor = this.db): Promise<ClaimCodeRecord | null> {
    const [r] = await ex.query<Row>(`SELECT ${CLAIM_COLUMNS} FROM claim_codes WHERE code = $1`, [code]);
    return r ? toClaimCode(r) : null;
  }

  async listClaimCodes(owner: string, limit: number): Promise<ClaimCodeRecord[]> {
    const rows = await this.db.query<Row>(`SELECT ${CLAIM_COLUMNS} FROM claim_codes WHERE owner = $1 ORDER BY created_at DESC, code DESC LIMIT $2`, [owner, limit]);
    return rows.map(toClaimCode);
  }

  async countOpenClaimCodes(owner: string, now: number): Promise<number> {
    const [r] = await this.db.query<Row>("SELECT COUNT(*) AS n FROM claim_codes WHERE owner = $1 AND used_at IS NULL AND expires_at > $2", [owner, now]);
    return num(r?.n ?? 0);
  }

  async redeemClaimCode(code: string, use: { deviceId: string; machineIdHash: string }, now: number, ex: SqlExecutor = this.db): Promise<string | null> {
    const [r] = await ex.query<Row>(
      "UPDATE claim_codes SET used_at = $1, used_by_device = $2, used_by_machine = $3 WHERE code = $4 AND used_at IS NULL AND expires_at > $1 RETURNING owner",
      [now, use.deviceId, use.machineIdHash, code],
    );
    return r ? String(r.owner) : null;
  }

  async rolesOf(owner: string, ex: SqlExecutor = this.db): Promise<RoleRecord[]> {
    const rows = await ex.query<Row>("SELECT owner, region_id, role, granted_at, granted_by FROM region_roles WHERE owner = $1 ORDER BY region_id, role", [owner]);
    return rows.map(toRole);
  }

  async grantRole(role: RoleRecord, ex: SqlExecutor = this.db): Promise<boolean> {
    const { changes } = await ex.run(
      "INSERT INTO region_roles (owner, region_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (owner, region_id, role) DO NOTHING",
      [role.owner, role.regionId, role.role, role.grantedAt, role.grantedBy],
    );
    return changes === 1;
  }

  async revokeRole(owner: string, regionId: string, role: Role, ex: SqlExecutor = this.db): Promise<boolean> {
    const { changes } = await ex.run("DELETE FROM region_roles WHERE owner = $1 AND region_id = $2 AND role = $3", [owner, regionId, role]);
    return changes > 0;
  }

  async insertOfferIfNoneOpen(offer: OperatorOfferRecord, ex: SqlExecutor = this.db): Promise<{ offer: OperatorOfferRecord; created: boolean }> {
    // The casts give PostgreSQL the parameter types a SELECT list cannot infer from the target columns.
    const { changes } = await ex.run(
      `INSERT INTO operator_offers (${OFFER_COLUMNS})
       SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), 'open', CAST($4 AS BIGINT), CAST($5 AS TEXT), NULL
       WHERE NOT EXISTS (SELECT 1 FROM operator_offers WHERE region_id = CAST($2 AS TEXT) AND owner = CAST($3 AS TEXT) AND status = 'open')`,
      [offer.id, offer.regionId, offer.owner, offer.createdAt, offer.createdBy],
    );
    if (changes === 1) return { offer: { ...offer, status: "open", decidedAt: null }, created: true };
    const [r] = await ex.query<Row>(`SELECT ${OFFER_COLUMNS} FROM operator_offers WHERE region_id = $1 AND owner = $2 AND status = 'open' ORDER BY created_at LIMIT 1`, [
      offer.regionId,
      offer.owner,
    ]);
    if (!r) throw new Error("operator offer was neither inserted nor found open");
    return { offer: toOffer(r), created: false };
  }

  async getOffer(id: string, ex: SqlExecutor = this.db): Promise<OperatorOfferRecord | null> {
    const [r] = await ex.query<Row>(`SELECT ${OFFER_COLUMNS} FROM operator_offers WHERE id = $1`, [id]);
    return r ? toOffer(r) : null;
  }

  async listOffers(owner: string, ex: SqlExecutor = this.db): Promise<OperatorOfferRecord[]> {
    const rows = await ex.query<Row>(`SELECT ${OFFER_COLUMNS} FROM operator_offers WHERE owner = $1 ORDER BY created_at DESC, id DESC`, [owner]);
    return rows.map(toOffer);
  }

  async decideOffer(id: string, status: Exclude<OfferStatus, "open">, now: number, ex: SqlExecutor = this.db): Promise<boolean> {
    const { changes } = await ex.run("UPDATE operator_offers SET status = $1, decided_at = $2 WHERE id = $3 AND status = 'open'", [status, now, id]);
    return changes === 1;
  }

  async appendAudit(e: NewAuditRecord, ex: SqlExecutor = this.db): Promise<void> {
    await ex.run("INSERT INTO audit_log (at, actor, action, target, region_id, detail) VALUES ($1, $2, $3, $4, $5, $6)", [e.at, e.actor, e.action, e.target, e.regionId, e.detail]);
  }

  async listAudit(query: { regionId?: string; limit: number }): Promise<AuditRecord[]> {
    const columns = "id, at, actor, action, target, region_id, detail";
    const rows =
      query.regionId === undefined
        ? await this.db.query<Row>(`SELECT ${columns} FROM audit_log ORDER BY at DESC, id DESC LIMIT $1`, [query.limit])
        : await this.db.query<Row>(`SELECT ${columns} FROM audit_log WHERE region_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, [query.regionId, query.limit]);
    return rows.map(toAudit);
  }
}
