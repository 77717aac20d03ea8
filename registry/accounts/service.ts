// registry/accounts: owners (Akash addresses), wallet sign-in (ADR-36 challenges), owner sessions, claim codes,
// operator roles per region, operator offers ("first user bootstraps") and the audit log of admin actions.
// Domain logic only: it talks to its store through AccountsRepo and must not import Elysia, JSX, ui/, agent/,
// a concrete store, or another registry domain. Region config is not its business: callers say whether a
// region allows first-user bootstrap. Tokens and signatures never leave this file except to their owner.

import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AuditEntry, AuthChallenge, AuthVerifyRequest, ClaimCode, OperatorOffer, OwnerRole, OwnerSession, PayoutAddress } from "../../protocol/index.ts";
import type { SqlExecutor } from "../store/sql-driver.ts";
import { AccountsError } from "./accounts-error.ts";
import { verifyAdr36 } from "./adr36.ts";
import { parseAkashAddress } from "./akash-address.ts";
import { generateClaimCode, normalizeClaimCode } from "./claim-code.ts";
import type { AccountsRepo, ClaimCodeRecord, OperatorOfferRecord } from "./repo.ts";

export { AccountsError } from "./accounts-error.ts";

/** SYSTEM_ACTOR is the registry acting on its own (e.g. offering a region to the first owner waiting for it). */
export const SYSTEM_ACTOR = "registry";
/** ALL_REGIONS is the region id of a role over every region. */
export const ALL_REGIONS = "*";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface AccountsServiceOptions {
  now?: () => number;
  /** How long a sign-in message may be signed and sent back; default 5 minutes. */
  challengeTtlMs?: number;
  /** How long a session lasts; default 12 hours. */
  sessionTtlMs?: number;
  /** How long a claim code can be redeemed; default 24 hours. */
  claimCodeTtlMs?: number;
  /** The registry's public host (e.g. "registry.example.org"): named in every sign-in message, checked on verify. */
  registryHost: string;
  /** The exact install command for a code, shown next to it in the owner portal. */
  installCommand: (code: string) => string;
  /** Addresses from config that operate every region. */
  globalOperators?: readonly string[];
  /** Whether a region lets its first user become its operator; default: none does. */
  allowsFirstUserBootstrap?: (regionId: string) => boolean;
  /** How many unused, unexpired codes one owner may hold; default 50. */
  maxOpenClaimCodes?: number;
}

/** SignIn is a new session: the token goes into the owner's cookie and nowhere else. */
export interface SignIn {
  token: string;
  session: OwnerSession;
}

/** DeviceClaim names the device that redeems a claim code. */
export interface DeviceClaim {
  deviceId: string;
  machineIdHash: string;
}

/**
 * ClaimRedemption is the outcome of redeeming a claim code. "used" says who used it: a code used before by the
 * same machine is a reinstall, which the devices service handles on purpose.
 */
export type ClaimRedemption =
  | { ok: true; owner: string; code: string }
  | { ok: false; reason: "unknown" | "expired"; code: string | null }
  | { ok: false; reason: "used"; code: string; owner: string; usedByDevice: string | null; sameMachine: boolean };

export type ClaimRefusal = Extract<ClaimRedemption, { ok: false }>;

/** NewAuditEntry is one admin action to record; detail must not hold a secret. */
export interface NewAuditEntry {
  actor: string;
  action: string;
  target: string;
  regionId?: string | null;
  detail?: string;
}

/** claimRefusalError turns a refused redemption into the error a device (and its owner) should see. */
export function claimRefusalError(refusal: ClaimRefusal): AccountsError {
  const fix = "make a new claim code in the owner portal and use it";
  switch (refusal.reason) {
    case "unknown":
      return new AccountsError(400, "claim_code_unknown", "this claim code does not exist on this registry; check it for typing mistakes", fix);
    case "expired":
      return new AccountsError(400, "claim_code_expired", "this claim code has expired", fix);
    case "used":
      return new AccountsError(409, "claim_code_used", "this claim code was already used by another device; each code claims one device", fix);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

function checkRegionId(regionId: string): string {
  if (regionId === "" || regionId.length > 128) {
    throw new AccountsError(400, "invalid_region", "a region id has 1 to 128 characters", "use a region id from the region list");
  }
  return regionId;
}

export class AccountsService {
  private readonly now: () => number;
  private readonly challengeTtlMs: number;
  private readonly sessionTtlMs: number;
  private readonly claimCodeTtlMs: number;
  private readonly registryHost: string;
  private readonly installCommand: (code: string) => string;
  private readonly globalOperators: ReadonlySet<string>;
  private readonly allowsFirstUserBootstrap: (regionId: string) => boolean;
  private readonly maxOpenClaimCodes: number;

  constructor(
    private readonly repo: AccountsRepo,
    options: AccountsServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.challengeTtlMs = options.challengeTtlMs ?? 5 * MINUTE;
    this.sessionTtlMs = options.sessionTtlMs ?? 12 * HOUR;
    this.claimCodeTtlMs = options.claimCodeTtlMs ?? 24 * HOUR;
    this.registryHost = options.registryHost.trim().toLowerCase();
    if (this.registryHost === "" || /\s/.test(this.registryHost)) throw new Error("accounts: registryHost must be the registry's public host name, e.g. registry.example.org");
    this.installCommand = options.installCommand;
    this.globalOperators = new Set(
      (options.globalOperators ?? []).map((a, i) => {
        try {
          return parseAkashAddress(a);
        } catch (err) {
          throw new Error(`accounts: global operator #${i + 1}: ${(err as Error).message}`);
        }
      }),
    );
    this.allowsFirstUserBootstrap = options.allowsFirstUserBootstrap ?? (() => false);
    this.maxOpenClaimCodes = options.maxOpenClaimCodes ?? 50;
  }

  // ---- sign-in ----

  /** createChallenge issues the text address must sign to sign in; it is accepted once, until it expires. */
  async createChallenge(address: string): Promise<AuthChallenge> {
    const owner = parseAkashAddress(address);
    const now = this.now();
    const expiresAt = now + this.challengeTtlMs;
    const message = [
      `Sign in to Akash at Home at ${this.registryHost}.`,
      "Signing proves you control this address. It is not a transaction and costs nothing.",
      "",
      `Registry: ${this.registryHost}`,
      `Address: ${owner}`,
      `Nonce: ${randomBytes(16).toString("hex")}`,
      `Issued at: ${iso(now)}`,
      `Expires at: ${iso(expiresAt)}`,
    ].join("\n");
    await this.repo.insertChallenge({ messageHash: sha256Hex(message), address: owner, createdAt: now, expiresAt, usedAt: null });
    return { address: owner, message, expiresAt: iso(expiresAt) };
  }

  /** verifySignIn checks a signed challenge and opens a session; the first sign-in of an address makes it an owner. */
  async verifySignIn(req: AuthVerifyRequest): Promise<SignIn> {
    const address = parseAkashAddress(req.address);
    const again = "ask for a new sign-in message and sign it with your wallet";
    if (registryNamedIn(req.message) !== this.registryHost) {
      throw new AccountsError(401, "challenge_wrong_registry", `this sign-in message is not for ${this.registryHost}`, again);
    }
    const messageHash = sha256Hex(req.message);
    const challenge = await this.repo.getChallenge(messageHash);
    const now = this.now();
    if (!challenge) throw new AccountsError(401, "challenge_unknown", "this registry did not issue this sign-in message (or it was changed)", again);
    if (challenge.address !== address) throw new AccountsError(401, "challenge_address_mismatch", `this sign-in message was issued for ${challenge.address}, not ${address}`, again);
    if (challenge.usedAt !== null) throw new AccountsError(401, "challenge_used", "this sign-in message was already used", again);
    if (challenge.expiresAt <= now) throw new AccountsError(401, "challenge_expired", "this sign-in message has expired", again);

    const verdict = verifyAdr36(address, req.message, req.signature);
    if (!verdict.ok) {
      switch (verdict.reason) {
        case "malformed":
          throw new AccountsError(400, "signature_malformed", `the signature is not well-formed: ${verdict.detail}`, "sign with Keplr or Leap (signArbitrary) and send its result unchanged");
        case "wrong_key":
          throw new AccountsError(401, "signature_wrong_key", `the signing key belongs to ${verdict.keyAddress}, not ${address}`, `select the account ${address} in your wallet and sign again`);
        case "bad_signature":
          throw new AccountsError(401, "signature_invalid", "the signature does not match the sign-in message", "sign the message exactly as it was given, with signArbitrary and an empty chain id");
      }
    }

    const token = randomBytes(32).toString("base64url");
    const expiresAt = now + this.sessionTtlMs;
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.useChallenge(messageHash, address, now, tx))) {
        throw new AccountsError(401, "challenge_used", "this sign-in message was already used", again);
      }
      await this.repo.ensureOwner(address, now, tx);
      await this.repo.insertSession({ tokenHash: sha256Hex(token), address, createdAt: now, expiresAt }, tx);
    });
    return { token, session: { address, expiresAt: iso(expiresAt), roles: await this.rolesOf(address) } };
  }

  /** sessionFromToken returns the signed-in owner of a session token, or null if it is unknown or expired. */
  async sessionFromToken(token: string): Promise<OwnerSession | null> {
    if (token === "" || token.length > 128) return null;
    const session = await this.repo.getSession(sha256Hex(token));
    if (!session || session.expiresAt <= this.now()) return null;
    return { address: session.address, expiresAt: iso(session.expiresAt), roles: await this.rolesOf(session.address) };
  }

  /** requireSession is sessionFromToken for routes that need a signed-in owner. */
  async requireSession(token: string | null | undefined): Promise<OwnerSession> {
    const session = token ? await this.sessionFromToken(token) : null;
    if (!session) throw new AccountsError(401, "not_signed_in", "you are not signed in, or your session has expired", "sign in again with your wallet");
    return session;
  }

  /** signOut ends a session; an unknown token is already signed out. */
  async signOut(token: string): Promise<void> {
    if (token === "" || token.length > 128) return;
    await this.repo.deleteSession(sha256Hex(token));
  }

  /** pruneExpired deletes expired challenges and sessions; the registry calls it now and then. */
  async pruneExpired(): Promise<number> {
    return this.repo.deleteExpired(this.now());
  }

  // ---- claim codes ----

  /** createClaimCode makes a single-use code that claims one device for owner. */
  async createClaimCode(owner: string, label?: string | null): Promise<ClaimCode> {
    const address = parseAkashAddress(owner);
    const cleanLabel = label?.trim() || null;
    if (cleanLabel !== null && cleanLabel.length > 80) {
      throw new AccountsError(400, "invalid_label", "a label has at most 80 characters", "shorten the label");
    }
    const now = this.now();
    if ((await this.repo.countOpenClaimCodes(address, now)) >= this.maxOpenClaimCodes) {
      throw new AccountsError(429, "too_many_claim_codes", `you have ${this.maxOpenClaimCodes} unused claim codes`, "use the codes you have, or wait until some expire");
    }
    // 60 random bits make a collision unheard of; drawing again keeps it harmless if one happens.
    for (let attempt = 0; attempt < 5; attempt++) {
      const record: ClaimCodeRecord = {
        code: generateClaimCode(),
        owner: address,
        label: cleanLabel,
        createdAt: now,
        expiresAt: now + this.claimCodeTtlMs,
        usedAt: null,
        usedByDevice: null,
        usedByMachine: null,
      };
      if (await this.repo.insertClaimCode(record)) return this.toClaimCode(record);
    }
    throw new Error("accounts: could not draw an unused claim code in 5 attempts");
  }

  /** listClaimCodes returns owner's codes, newest first (the latest 200). */
  async listClaimCodes(owner: string): Promise<ClaimCode[]> {
    const rows = await this.repo.listClaimCodes(parseAkashAddress(owner), 200);
    return rows.map((r) => this.toClaimCode(r));
  }

  /**
   * redeemClaimCode uses a code (as the owner typed it) for a device. Pass the caller's transaction as ex to
   * make the redemption part of it. Single use holds under concurrency: one conditional UPDATE decides.
   */
  async redeemClaimCode(typed: string, device: DeviceClaim, ex?: SqlExecutor): Promise<ClaimRedemption> {
    const code = normalizeClaimCode(typed);
    if (code === null) return { ok: false, reason: "unknown", code: null };
    const owner = await this.repo.redeemClaimCode(code, device, this.now(), ex);
    if (owner !== null) return { ok: true, owner, code };
    const record = await this.repo.getClaimCode(code, ex);
    if (!record) return { ok: false, reason: "unknown", code };
    if (record.usedAt !== null) {
      return { ok: false, reason: "used", code, owner: record.owner, usedByDevice: record.usedByDevice, sameMachine: record.usedByMachine === device.machineIdHash };
    }
    return { ok: false, reason: "expired", code };
  }

  private toClaimCode(r: ClaimCodeRecord): ClaimCode {
    return {
      code: r.code,
      label: r.label,
      createdAt: iso(r.createdAt),
      expiresAt: iso(r.expiresAt),
      usedAt: r.usedAt === null ? null : iso(r.usedAt),
      usedByDevice: r.usedByDevice,
      installCommand: this.installCommand(r.code),
    };
  }

  // ---- roles ----

  /** rolesOf lists owner's roles; a global operator from config holds the operator role of "*". */
  async rolesOf(owner: string): Promise<OwnerRole[]> {
    const address = parseAkashAddress(owner);
    const roles: OwnerRole[] = this.globalOperators.has(address) ? [{ regionId: ALL_REGIONS, role: "operator" }] : [];
    for (const r of await this.repo.rolesOf(address)) {
      if (!roles.some((x) => x.regionId === r.regionId && x.role === r.role)) roles.push({ regionId: r.regionId, role: r.role });
    }
    return roles;
  }

  /** isOperator says whether owner may operate regionId (regionId "*" asks for every region). */
  async isOperator(owner: string, regionId: string): Promise<boolean> {
    const roles = await this.rolesOf(owner);
    return roles.some((r) => r.role === "operator" && (r.regionId === ALL_REGIONS || r.regionId === regionId));
  }

  /** requireOperator throws unless owner may operate regionId. */
  async requireOperator(owner: string, regionId: string): Promise<void> {
    if (!(await this.isOperator(owner, regionId))) {
      const what = regionId === ALL_REGIONS ? "every region" : `region ${regionId}`;
      throw new AccountsError(403, "not_operator", `only an operator of ${what} may do this`, "sign in with an operator account, or ask an operator to grant you the role");
    }
  }

  /** grantOperator makes owner an operator of regionId; actor must operate it already. Says whether it was new. */
  async grantOperator(actor: string, owner: string, regionId: string): Promise<boolean> {
    const address = parseAkashAddress(owner);
    checkRegionId(regionId);
    await this.requireOperator(actor, regionId);
    const now = this.now();
    return this.repo.transaction(async (tx) => {
      const granted = await this.repo.grantRole({ owner: address, regionId, role: "operator", grantedAt: now, grantedBy: actor }, tx);
      if (granted) await this.repo.appendAudit({ at: now, actor, action: "operator.grant", target: address, regionId, detail: "operator role granted" }, tx);
      return granted;
    });
  }

  /** revokeOperator takes the operator role of regionId from owner; roles from config cannot be revoked here. */
  async revokeOperator(actor: string, owner: string, regionId: string): Promise<boolean> {
    const address = parseAkashAddress(owner);
    checkRegionId(regionId);
    await this.requireOperator(actor, regionId);
    const now = this.now();
    return this.repo.transaction(async (tx) => {
      const revoked = await this.repo.revokeRole(address, regionId, "operator", tx);
      if (revoked) await this.repo.appendAudit({ at: now, actor, action: "operator.revoke", target: address, regionId, detail: "operator role revoked" }, tx);
      return revoked;
    });
  }

  // ---- payouts ----

  /** payoutAddress is where owner's payouts go: the address they set, or the one they sign in with. */
  async payoutAddress(owner: string): Promise<PayoutAddress> {
    const set = (await this.repo.getOwner(owner))?.payoutAddress ?? null;
    return { payoutAddress: set ?? owner, isOwn: set === null };
  }

  /**
   * setPayoutAddress sends owner's payouts to address from the next payout batch on (one already built keeps
   * the addresses it was built with), or to their own address again when address is empty. The address is
   * checked as a wallet would; the change, from what to what, goes in the audit log, as money follows it.
   */
  async setPayoutAddress(owner: string, address: string): Promise<PayoutAddress> {
    const text = address.trim();
    const parsed = text === "" ? null : parseAkashAddress(text);
    const next = parsed === owner ? null : parsed;
    const words = (a: string | null) => a ?? "the owner's own address";
    await this.repo.transaction(async (tx) => {
      await this.repo.ensureOwner(owner, this.now(), tx);
      const before = (await this.repo.getOwner(owner, tx))?.payoutAddress ?? null;
      if (before === next) return;
      await this.repo.setPayoutAddress(owner, next, tx);
      await this.audit({ actor: owner, action: "owner.payout_address", target: owner, detail: `payouts go to ${words(next)} (were going to ${words(before)})` }, tx);
    });
    return { payoutAddress: next ?? owner, isOwn: next === null };
  }

  // ---- audit log ----

  /** audit records an admin action; pass ex to record it in the same transaction as the action. */
  async audit(entry: NewAuditEntry, ex?: SqlExecutor): Promise<void> {
    await this.repo.appendAudit(
      { at: this.now(), actor: entry.actor, action: entry.action, target: entry.target, regionId: entry.regionId ?? null, detail: entry.detail ?? "" },
      ex,
    );
  }

  /** listAudit returns the newest entries first (at most 1000), of one region when regionId is given. */
  async listAudit(query: { regionId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.min(1000, Math.max(1, Math.floor(query.limit ?? 100)));
    const rows = await this.repo.listAudit({ regionId: query.regionId, limit });
    return rows.map((r) => ({ at: iso(r.at), actor: r.actor, action: r.action, target: r.target, regionId: r.regionId, detail: r.detail }));
  }

  // ---- operator offers ("first user bootstraps") ----

  /**
   * createOperatorOffer invites owner to operate regionId. actor is an operator of the region or SYSTEM_ACTOR.
   * An owner has at most one open offer per region: asking again returns the open one.
   */
  async createOperatorOffer(actor: string, regionId: string, owner: string): Promise<OperatorOffer> {
    const address = parseAkashAddress(owner);
    checkRegionId(regionId);
    this.requireBootstrap(regionId);
    if (actor !== SYSTEM_ACTOR) await this.requireOperator(actor, regionId);
    if (await this.isOperator(address, regionId)) {
      throw new AccountsError(409, "already_operator", `${address} already operates region ${regionId}`, "nothing to do: the owner has the role");
    }
    const now = this.now();
    const { offer } = await this.repo.transaction(async (tx) => {
      await this.repo.ensureOwner(address, now, tx);
      await this.repo.lockOwner(address, tx);
      const result = await this.repo.insertOfferIfNoneOpen({ id: randomUUID(), regionId, owner: address, status: "open", createdAt: now, createdBy: actor, decidedAt: null }, tx);
      if (result.created) {
        await this.repo.appendAudit({ at: now, actor, action: "operator_offer.create", target: address, regionId, detail: `offer ${result.offer.id}` }, tx);
      }
      return result;
    });
    return toOperatorOffer(offer);
  }

  /** listOperatorOffers returns owner's offers, newest first. */
  async listOperatorOffers(owner: string): Promise<OperatorOffer[]> {
    return (await this.repo.listOffers(parseAkashAddress(owner))).map(toOperatorOffer);
  }

  /** acceptOperatorOffer makes owner the operator of the offer's region and records it in the audit log. */
  async acceptOperatorOffer(owner: string, id: string): Promise<OperatorOffer> {
    const address = parseAkashAddress(owner);
    const offer = await this.ownOpenOffer(address, id);
    this.requireBootstrap(offer.regionId);
    const now = this.now();
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.decideOffer(id, "accepted", now, tx))) throw offerClosed();
      await this.repo.grantRole({ owner: address, regionId: offer.regionId, role: "operator", grantedAt: now, grantedBy: offer.createdBy }, tx);
      await this.repo.appendAudit(
        { at: now, actor: address, action: "operator_offer.accept", target: address, regionId: offer.regionId, detail: `offer ${id} from ${offer.createdBy}; operator role granted` },
        tx,
      );
    });
    return toOperatorOffer({ ...offer, status: "accepted", decidedAt: now });
  }

  /** declineOperatorOffer closes the offer without a role. */
  async declineOperatorOffer(owner: string, id: string): Promise<OperatorOffer> {
    const address = parseAkashAddress(owner);
    const offer = await this.ownOpenOffer(address, id);
    const now = this.now();
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.decideOffer(id, "declined", now, tx))) throw offerClosed();
      await this.repo.appendAudit({ at: now, actor: address, action: "operator_offer.decline", target: address, regionId: offer.regionId, detail: `offer ${id}` }, tx);
    });
    return toOperatorOffer({ ...offer, status: "declined", decidedAt: now });
  }

  /** withdrawOperatorOffer closes an open offer on the region's side; actor is its operator or SYSTEM_ACTOR. */
  async withdrawOperatorOffer(actor: string, id: string): Promise<OperatorOffer> {
    const offer = await this.repo.getOffer(id);
    if (!offer) throw offerNotFound();
    if (actor !== SYSTEM_ACTOR) await this.requireOperator(actor, offer.regionId);
    if (offer.status !== "open") throw offerClosed(offer.status);
    const now = this.now();
    await this.repo.transaction(async (tx) => {
      if (!(await this.repo.decideOffer(id, "withdrawn", now, tx))) throw offerClosed();
      await this.repo.appendAudit({ at: now, actor, action: "operator_offer.withdraw", target: offer.owner, regionId: offer.regionId, detail: `offer ${id}` }, tx);
    });
    return toOperatorOffer({ ...offer, status: "withdrawn", decidedAt: now });
  }

  private async ownOpenOffer(owner: string, id: string): Promise<OperatorOfferRecord> {
    const offer = id.length <= 64 ? await this.repo.getOffer(id) : null;
    // Someone else's offer reads as missing: ids are not for probing.
    if (!offer || offer.owner !== owner) throw offerNotFound();
    if (offer.status !== "open") throw offerClosed(offer.status);
    return offer;
  }

  private requireBootstrap(regionId: string): void {
    if (!this.allowsFirstUserBootstrap(regionId)) {
      throw new AccountsError(409, "bootstrap_not_allowed", `region ${regionId} does not let an owner become its operator by offer`, "an operator of the region can grant the role directly");
    }
  }
}

function offerNotFound(): AccountsError {
  return new AccountsError(404, "offer_not_found", "there is no such operator offer for you", "reload your offers in the owner portal");
}

function offerClosed(status?: string): AccountsError {
  const what = status ? `was already ${status}` : "was decided a moment ago";
  return new AccountsError(409, "offer_closed", `this operator offer ${what}`, "reload your offers in the owner portal");
}

function toOperatorOffer(o: OperatorOfferRecord): OperatorOffer {
  return { id: o.id, regionId: o.regionId, owner: o.owner, status: o.status, createdAt: iso(o.createdAt), decidedAt: o.decidedAt === null ? null : iso(o.decidedAt) };
}

/** registryNamedIn reads the "Registry:" line of a sign-in message. */
function registryNamedIn(message: string): string | null {
  const line = message.split("\n").find((l) => l.startsWith("Registry: "));
  return line === undefined ? null : line.slice("Registry: ".length).trim().toLowerCase();
}
