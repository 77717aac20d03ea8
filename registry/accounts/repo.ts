import type { SqlExecutor } from "../store/sql-driver.ts";

// The store the accounts domain needs. Times are milliseconds since the epoch. Methods that take an optional
// SqlExecutor run inside that transaction when given one (the devices service redeems a claim code inside
// its check-in transaction); without it they run on their own.

export interface OwnerRecord {
  address: string;
  createdAt: number;
  payoutAddress: string | null;
}

export interface ChallengeRecord {
  messageHash: string;
  address: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface SessionRecord {
  tokenHash: string;
  address: string;
  createdAt: number;
  expiresAt: number;
}

export interface ClaimCodeRecord {
  code: string;
  owner: string;
  label: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedByDevice: string | null;
  usedByMachine: string | null;
}

export type Role = "operator";

export interface RoleRecord {
  owner: string;
  regionId: string;
  role: Role;
  grantedAt: number;
  grantedBy: string;
}

export type OfferStatus = "open" | "accepted" | "declined" | "withdrawn";

export interface OperatorOfferRecord {
  id: string;
  regionId: string;
  owner: string;
  status: OfferStatus;
  createdAt: number;
  createdBy: string;
  decidedAt: number | null;
}

export interface AuditRecord {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  regionId: string | null;
  detail: string;
}

export type NewAuditRecord = Omit<AuditRecord, "id">;

export interface AccountsRepo {
  /** transaction runs fn atomically; pass its executor to the methods below. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;

  /** ensureOwner records address as an owner; says whether it is new. */
  ensureOwner(address: string, now: number, ex?: SqlExecutor): Promise<boolean>;
  getOwner(address: string, ex?: SqlExecutor): Promise<OwnerRecord | null>;
  /** setPayoutAddress records where the owner is paid; null pays them at their own address. The owner must exist. */
  setPayoutAddress(address: string, payoutAddress: string | null, ex?: SqlExecutor): Promise<void>;
  /**
   * lockOwner holds the owner's row until the transaction ends, so two transactions deciding something
   * about one owner (its open offers) take turns. The owner must exist.
   */
  lockOwner(address: string, ex: SqlExecutor): Promise<void>;

  insertChallenge(challenge: ChallengeRecord): Promise<void>;
  getChallenge(messageHash: string): Promise<ChallengeRecord | null>;
  /** useChallenge marks the challenge used if it is still unused and unexpired; false when another use won. */
  useChallenge(messageHash: string, address: string, now: number, ex?: SqlExecutor): Promise<boolean>;

  insertSession(session: SessionRecord, ex?: SqlExecutor): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<boolean>;

  /** deleteExpired drops challenges and sessions that expired before now; returns how many went. */
  deleteExpired(now: number): Promise<number>;

  /** insertClaimCode stores a new code; false if the code already exists (a collision: draw again). */
  insertClaimCode(code: ClaimCodeRecord): Promise<boolean>;
  getClaimCode(code: string, ex?: SqlExecutor): Promise<ClaimCodeRecord | null>;
  /** listClaimCodes returns owner's codes, newest first. */
  listClaimCodes(owner: string, limit: number): Promise<ClaimCodeRecord[]>;
  /** countOpenClaimCodes counts owner's codes that are unused and unexpired at now. */
  countOpenClaimCodes(owner: string, now: number): Promise<number>;
  /**
   * redeemClaimCode marks code used by the device in one conditional UPDATE (unused and unexpired at now) and
   * returns its owner; null when it was unknown, used or expired. Of many concurrent calls at most one wins.
   */
  redeemClaimCode(code: string, use: { deviceId: string; machineIdHash: string }, now: number, ex?: SqlExecutor): Promise<string | null>;

  rolesOf(owner: string, ex?: SqlExecutor): Promise<RoleRecord[]>;
  /** grantRole adds a role; false if the owner already had it. */
  grantRole(role: RoleRecord, ex?: SqlExecutor): Promise<boolean>;
  /** revokeRole removes a role; false if the owner did not have it. */
  revokeRole(owner: string, regionId: string, role: Role, ex?: SqlExecutor): Promise<boolean>;

  /** insertOfferIfNoneOpen stores offer unless owner already has an open offer for its region, which it returns then. */
  insertOfferIfNoneOpen(offer: OperatorOfferRecord, ex?: SqlExecutor): Promise<{ offer: OperatorOfferRecord; created: boolean }>;
  getOffer(id: string, ex?: SqlExecutor): Promise<OperatorOfferRecord | null>;
  /** listOffers returns owner's offers, newest first. */
  listOffers(owner: string, ex?: SqlExecutor): Promise<OperatorOfferRecord[]>;
  /** decideOffer moves an open offer to status; false when it was not open (already decided, or unknown). */
  decideOffer(id: string, status: Exclude<OfferStatus, "open">, now: number, ex?: SqlExecutor): Promise<boolean>;

  appendAudit(entry: NewAuditRecord, ex?: SqlExecutor): Promise<void>;
  /** listAudit returns the newest entries first, of one region when regionId is given. */
  listAudit(query: { regionId?: string; limit: number }): Promise<AuditRecord[]>;
}
