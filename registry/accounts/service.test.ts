import { beforeAll, expect, test } from "bun:test";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { toBech32 } from "@cosmjs/encoding";
import * as v from "valibot";
import { StdSignature } from "../../protocol/index.ts";
import { describeEachEngine } from "../../tests/support/engines.ts";
import type { SqlDriver } from "../store/sql-driver.ts";
import { makeAdr36SignDoc } from "./adr36.ts";
import { AccountsError, AccountsService, SYSTEM_ACTOR, claimRefusalError, type AccountsServiceOptions } from "./service.ts";
import { SqlAccountsRepo } from "./sql-accounts-repo.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const HOST = "registry.example.org";

interface Signer {
  address: string;
  sign(message: string, claimedAddress?: string): Promise<StdSignature>;
}

async function makeSigner(): Promise<Signer> {
  const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
  const [acc] = await wallet.getAccounts();
  const address = acc!.address;
  // Through the protocol schema, as the HTTP layer takes it: a real wallet's output must pass it unchanged.
  return { address, sign: async (message, claimed = address) => v.parse(StdSignature, (await wallet.signAmino(address, makeAdr36SignDoc(claimed, message))).signature) };
}

/** Real wallets take ~0.1 s to make; the suites share a few and give each test fresh plain addresses otherwise. */
let signers: Signer[] = [];
beforeAll(async () => {
  signers = await Promise.all(Array.from({ length: 6 }, makeSigner));
});
const signer = (i: number) => signers[i]!;
const randomAddress = () => toBech32("akash", crypto.getRandomValues(new Uint8Array(20)));
const randomMachine = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");

class Clock {
  t = Date.UTC(2026, 0, 1);
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

function serviceOn(db: SqlDriver, clock = new Clock(), extra: Partial<AccountsServiceOptions> = {}) {
  const accounts = new AccountsService(new SqlAccountsRepo(db), {
    now: clock.now,
    registryHost: HOST,
    installCommand: (code) => `curl -fsSL https://${HOST}/install.sh | sh -s -- --claim ${code}`,
    ...extra,
  });
  return { accounts, clock };
}

async function refusal(p: Promise<unknown>): Promise<AccountsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AccountsError) return err;
    throw err;
  }
  throw new Error("expected a refusal, but it succeeded");
}

describeEachEngine("accounts: wallet sign-in", (db) => {
  test("an owner signs the challenge with Keplr-style ADR-36 and gets a session; the first sign-in creates the owner", async () => {
    const { accounts } = serviceOn(db());
    const alice = signer(0);
    const challenge = await accounts.createChallenge(alice.address);
    expect(challenge.address).toBe(alice.address);
    expect(challenge.message).toContain(`Registry: ${HOST}`);
    expect(challenge.message).toContain(`Address: ${alice.address}`);
    expect(challenge.message).toMatch(/Nonce: [0-9a-f]{32}/);
    expect(challenge.expiresAt).toBe(new Date(Date.UTC(2026, 0, 1) + 5 * MINUTE).toISOString());

    const { token, session } = await accounts.verifySignIn({ address: alice.address, message: challenge.message, signature: await alice.sign(challenge.message) });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toEqual({ address: alice.address, expiresAt: new Date(Date.UTC(2026, 0, 1) + 12 * HOUR).toISOString(), roles: [] });
    expect(await accounts.sessionFromToken(token)).toEqual(session);
    expect(await new SqlAccountsRepo(db()).getOwner(alice.address)).toMatchObject({ address: alice.address });
  });

  test("two challenges for one address differ, and only the session token's hash is stored", async () => {
    const { accounts } = serviceOn(db());
    const alice = signer(0);
    const a = await accounts.createChallenge(alice.address);
    const b = await accounts.createChallenge(alice.address);
    expect(a.message).not.toBe(b.message);
    const { token } = await accounts.verifySignIn({ address: alice.address, message: a.message, signature: await alice.sign(a.message) });
    const rows = await db().query<{ token_hash: string }>("SELECT token_hash FROM owner_sessions");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false);
  });

  test("a signature by the wrong key for the address is refused and says which account signed", async () => {
    const { accounts } = serviceOn(db());
    const [alice, mallory] = [signer(0), signer(1)];
    const challenge = await accounts.createChallenge(alice.address);
    const err = await refusal(accounts.verifySignIn({ address: alice.address, message: challenge.message, signature: await mallory.sign(challenge.message, alice.address) }));
    expect(err.status).toBe(401);
    expect(err.code).toBe("signature_wrong_key");
    expect(err.message).toContain(mallory.address);
    // A refused attempt does not burn the challenge: the real owner can still use it.
    const ok = await accounts.verifySignIn({ address: alice.address, message: challenge.message, signature: await alice.sign(challenge.message) });
    expect(ok.session.address).toBe(alice.address);
  });

  test("a tampered message is refused: changed after signing, or a different text signed", async () => {
    const { accounts } = serviceOn(db());
    const alice = signer(0);
    const challenge = await accounts.createChallenge(alice.address);
    const signature = await alice.sign(challenge.message);
    const changed = challenge.message.replace(/Nonce: (\w)/, (_, c) => `Nonce: ${c === "a" ? "b" : "a"}`);
    expect((await refusal(accounts.verifySignIn({ address: alice.address, message: changed, signature }))).code).toBe("challenge_unknown");

    const otherText = await alice.sign(challenge.message + " ");
    const err = await refusal(accounts.verifySignIn({ address: alice.address, message: challenge.message, signature: otherText }));
    expect(err.code).toBe("signature_invalid");
  });

  test("a challenge issued for one address cannot sign in another", async () => {
    const { accounts } = serviceOn(db());
    const [alice, bob] = [signer(0), signer(1)];
    const challenge = await accounts.createChallenge(alice.address);
    const err = await refusal(accounts.verifySignIn({ address: bob.address, message: challenge.message, signature: await bob.sign(challenge.message) }));
    expect(err.code).toBe("challenge_address_mismatch");
  });

  test("a signature made for another registry is refused here, even when both share one store", async () => {
    const { accounts } = serviceOn(db());
    const { accounts: elsewhere } = serviceOn(db(), new Clock(), { registryHost: "evil.example.net" });
    const alice = signer(0);
    const foreign = await elsewhere.createChallenge(alice.address);
    const err = await refusal(accounts.verifySignIn({ address: alice.address, message: foreign.message, signature: await alice.sign(foreign.message) }));
    expect(err.status).toBe(401);
    expect(err.code).toBe("challenge_wrong_registry");
    expect(err.message).toContain(HOST);
  });

  test("an expired challenge and a reused one are refused with a way forward", async () => {
    const { accounts, clock } = serviceOn(db());
    const alice = signer(0);
    const late = await accounts.createChallenge(alice.address);
    const lateSig = await alice.sign(late.message);
    clock.advance(5 * MINUTE);
    const expired = await refusal(accounts.verifySignIn({ address: alice.address, message: late.message, signature: lateSig }));
    expect(expired.code).toBe("challenge_expired");
    expect(expired.fix).toContain("new sign-in message");

    const once = await accounts.createChallenge(alice.address);
    const req = { address: alice.address, message: once.message, signature: await alice.sign(once.message) };
    await accounts.verifySignIn(req);
    expect((await refusal(accounts.verifySignIn(req))).code).toBe("challenge_used");
  });

  test("of concurrent sign-ins with one signed challenge, exactly one gets a session", async () => {
    const { accounts } = serviceOn(db());
    const alice = signer(0);
    const c = await accounts.createChallenge(alice.address);
    const req = { address: alice.address, message: c.message, signature: await alice.sign(c.message) };
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => accounts.verifySignIn(req)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AccountsError).code).toBe("challenge_used");
  });

  test("a bad address is refused before anything is stored", async () => {
    const { accounts } = serviceOn(db());
    const err = await refusal(accounts.createChallenge("cosmos1qurswpc8qurswpc8qurswpc8qurswpc8nn86qp"));
    expect(err.status).toBe(400);
    expect(err.code).toBe("invalid_address");
  });

  test("a session ends when it expires or when the owner signs out", async () => {
    const { accounts, clock } = serviceOn(db());
    const alice = signer(0);
    const signIn = async () => {
      const c = await accounts.createChallenge(alice.address);
      return (await accounts.verifySignIn({ address: alice.address, message: c.message, signature: await alice.sign(c.message) })).token;
    };
    const first = await signIn();
    clock.advance(12 * HOUR - 1);
    expect(await accounts.sessionFromToken(first)).not.toBeNull();
    clock.advance(1);
    expect(await accounts.sessionFromToken(first)).toBeNull();
    expect((await refusal(accounts.requireSession(first))).status).toBe(401);

    const second = await signIn();
    expect((await accounts.requireSession(second)).address).toBe(alice.address);
    await accounts.signOut(second);
    expect(await accounts.sessionFromToken(second)).toBeNull();
    expect(await accounts.sessionFromToken("not-a-token")).toBeNull();
    expect(await accounts.pruneExpired()).toBeGreaterThan(0);
  });
});

describeEachEngine("accounts: claim codes", (db) => {
  test("an owner's new code is typable, expires in 24 h and comes with its install command", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    const code = await accounts.createClaimCode(owner, "  gaming pc  ");
    expect(code.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(code).toMatchObject({ label: "gaming pc", usedAt: null, usedByDevice: null });
    expect(code.expiresAt).toBe(new Date(Date.UTC(2026, 0, 1) + 24 * HOUR).toISOString());
    expect(code.installCommand).toBe(`curl -fsSL https://${HOST}/install.sh | sh -s -- --claim ${code.code}`);
  });

  test("a code is redeemed once, and says whose it is", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    const { code } = await accounts.createClaimCode(owner);
    const machine = randomMachine();
    expect(await accounts.redeemClaimCode(code, { deviceId: "dev-1", machineIdHash: machine })).toEqual({ ok: true, owner, code });
    const [listed] = await accounts.listClaimCodes(owner);
    expect(listed).toMatchObject({ code, usedByDevice: "dev-1" });
    expect(listed!.usedAt).not.toBeNull();

    // The same machine again (a reinstall) and another machine are told apart.
    expect(await accounts.redeemClaimCode(code, { deviceId: "dev-2", machineIdHash: machine })).toEqual({
      ok: false,
      reason: "used",
      code,
      owner,
      usedByDevice: "dev-1",
      sameMachine: true,
    });
    const other = await accounts.redeemClaimCode(code, { deviceId: "dev-3", machineIdHash: randomMachine() });
    expect(other).toMatchObject({ ok: false, reason: "used", sameMachine: false });
    if (other.ok) throw new Error("unreachable");
    expect(claimRefusalError(other)).toMatchObject({ status: 409, code: "claim_code_used" });
  });

  test("of 20 devices redeeming one code at once, exactly one wins", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    const { code } = await accounts.createClaimCode(owner);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => accounts.redeemClaimCode(code, { deviceId: `dev-${i}`, machineIdHash: randomMachine() })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "used")).toHaveLength(19);
  });

  test("of 20 check-in transactions redeeming one code at once, exactly one commits it", async () => {
    const { accounts } = serviceOn(db());
    const { code } = await accounts.createClaimCode(randomAddress());
    const attempts = Array.from({ length: 20 }, (_, i) =>
      db().transaction(async (tx) => {
        const r = await accounts.redeemClaimCode(code, { deviceId: `dev-${i}`, machineIdHash: randomMachine() }, tx);
        if (!r.ok) throw claimRefusalError(r);
        return r.owner;
      }),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  test("a redemption inside a transaction that rolls back leaves the code unused", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    const { code } = await accounts.createClaimCode(owner);
    await refusal(
      db().transaction(async (tx) => {
        expect((await accounts.redeemClaimCode(code, { deviceId: "dev-1", machineIdHash: randomMachine() }, tx)).ok).toBe(true);
        throw new AccountsError(409, "later_step_failed", "a later check-in step failed", "retry");
      }),
    );
    expect((await accounts.redeemClaimCode(code, { deviceId: "dev-2", machineIdHash: randomMachine() })).ok).toBe(true);
  });

  test("an expired code is refused as expired, an unknown one as unknown", async () => {
    const { accounts, clock } = serviceOn(db());
    const { code } = await accounts.createClaimCode(randomAddress());
    clock.advance(24 * HOUR);
    const expired = await accounts.redeemClaimCode(code, { deviceId: "dev-1", machineIdHash: randomMachine() });
    expect(expired).toEqual({ ok: false, reason: "expired", code });
    if (expired.ok) throw new Error("unreachable");
    expect(claimRefusalError(expired).message).toContain("expired");
    expect(await accounts.redeemClaimCode("ZZZZ-ZZZZ-ZZZZ", { deviceId: "d", machineIdHash: randomMachine() })).toMatchObject({ ok: false, reason: "unknown" });
    expect(await accounts.redeemClaimCode("not a code", { deviceId: "d", machineIdHash: randomMachine() })).toEqual({ ok: false, reason: "unknown", code: null });
  });

  test("a code typed by hand (lower case, spaces, O for 0, I or L for 1) still claims the device", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    let code = "";
    // Draw until the code holds a 0 or a 1, so the look-alike letters are really exercised.
    do code = (await accounts.createClaimCode(owner)).code;
    while (!/[01]/.test(code));
    const typed = code.toLowerCase().replace(/-/g, " ").replace(/0/g, "o").replace(/1/g, "l");
    expect(await accounts.redeemClaimCode(` ${typed} `, { deviceId: "dev-1", machineIdHash: randomMachine() })).toEqual({ ok: true, owner, code });
  });

  test("an owner sees only their own codes, newest first", async () => {
    const { accounts, clock } = serviceOn(db());
    const [alice, bob] = [randomAddress(), randomAddress()];
    const a1 = await accounts.createClaimCode(alice, "first");
    clock.advance(1000);
    const a2 = await accounts.createClaimCode(alice, "second");
    const b1 = await accounts.createClaimCode(bob);
    expect((await accounts.listClaimCodes(alice)).map((c) => c.code)).toEqual([a2.code, a1.code]);
    expect((await accounts.listClaimCodes(bob)).map((c) => c.code)).toEqual([b1.code]);
  });

  test("an owner cannot pile up unused codes without end, nor use an overlong label", async () => {
    const { accounts } = serviceOn(db(), new Clock(), { maxOpenClaimCodes: 3 });
    const owner = randomAddress();
    for (let i = 0; i < 3; i++) await accounts.createClaimCode(owner);
    expect(await refusal(accounts.createClaimCode(owner))).toMatchObject({ status: 429, code: "too_many_claim_codes" });
    expect(await refusal(accounts.createClaimCode(randomAddress(), "x".repeat(81)))).toMatchObject({ status: 400, code: "invalid_label" });
  });
});

describeEachEngine("accounts: operator roles and the audit log", (db) => {
  test("a global operator from config operates every region and can grant a region's role", async () => {
    const admin = randomAddress();
    const { accounts } = serviceOn(db(), new Clock(), { globalOperators: [admin.toUpperCase()] });
    const carol = randomAddress();
    expect(await accounts.rolesOf(admin)).toEqual([{ regionId: "*", role: "operator" }]);
    expect(await accounts.isOperator(admin, "eu-west")).toBe(true);
    expect(await accounts.isOperator(carol, "eu-west")).toBe(false);

    expect(await accounts.grantOperator(admin, carol, "eu-west")).toBe(true);
    expect(await accounts.grantOperator(admin, carol, "eu-west")).toBe(false);
    expect(await accounts.rolesOf(carol)).toEqual([{ regionId: "eu-west", role: "operator" }]);
    expect(await accounts.isOperator(carol, "eu-west")).toBe(true);
    expect(await accounts.isOperator(carol, "us-east")).toBe(false);

    const [entry] = await accounts.listAudit({ regionId: "eu-west", limit: 10 });
    expect(entry).toMatchObject({ actor: admin, action: "operator.grant", target: carol, regionId: "eu-west" });
  });

  test("a region operator can grant their own region but not another, nor every region", async () => {
    const admin = randomAddress();
    const { accounts } = serviceOn(db(), new Clock(), { globalOperators: [admin] });
    const [carol, dave] = [randomAddress(), randomAddress()];
    await accounts.grantOperator(admin, carol, "ap-south");
    expect(await accounts.grantOperator(carol, dave, "ap-south")).toBe(true);
    expect(await refusal(accounts.grantOperator(carol, dave, "us-west"))).toMatchObject({ status: 403, code: "not_operator" });
    expect(await refusal(accounts.grantOperator(carol, dave, "*"))).toMatchObject({ status: 403, code: "not_operator" });
    expect(await refusal(accounts.grantOperator(dave, randomAddress(), "us-west"))).toMatchObject({ status: 403 });

    // A "*" role from the store counts like one from config.
    expect(await accounts.grantOperator(admin, dave, "*")).toBe(true);
    expect(await accounts.isOperator(dave, "anywhere")).toBe(true);
    expect(await accounts.revokeOperator(admin, dave, "*")).toBe(true);
    expect(await accounts.isOperator(dave, "anywhere")).toBe(false);
  });

  test("a signed-in session carries the owner's roles", async () => {
    const alice = signer(2);
    const { accounts } = serviceOn(db(), new Clock(), { globalOperators: [alice.address] });
    const c = await accounts.createChallenge(alice.address);
    const { session } = await accounts.verifySignIn({ address: alice.address, message: c.message, signature: await alice.sign(c.message) });
    expect(session.roles).toEqual([{ regionId: "*", role: "operator" }]);
  });

  test("audit entries come back newest first, filtered by region and limited", async () => {
    const { accounts, clock } = serviceOn(db());
    const region = `r-${crypto.randomUUID()}`;
    for (let i = 0; i < 5; i++) {
      await accounts.audit({ actor: "akash1op", action: "device.pause", target: `dev-${i}`, regionId: region, detail: `reason ${i}` });
      clock.advance(1);
    }
    await accounts.audit({ actor: "akash1op", action: "device.pause", target: "elsewhere", regionId: "other" });
    const entries = await accounts.listAudit({ regionId: region, limit: 3 });
    expect(entries.map((e) => e.target)).toEqual(["dev-4", "dev-3", "dev-2"]);
    expect(entries[0]).toEqual({ at: new Date(Date.UTC(2026, 0, 1) + 4).toISOString(), actor: "akash1op", action: "device.pause", target: "dev-4", regionId: region, detail: "reason 4" });
    const all = await accounts.listAudit({ limit: 1000 });
    expect(all.some((e) => e.target === "elsewhere")).toBe(true);
  });

  test("an audit entry written in a transaction that rolls back is not kept", async () => {
    const { accounts } = serviceOn(db());
    const region = `r-${crypto.randomUUID()}`;
    await refusal(
      db().transaction(async (tx) => {
        await accounts.audit({ actor: "akash1op", action: "device.remove", target: "dev-x", regionId: region }, tx);
        throw new AccountsError(409, "boom", "the action failed", "retry");
      }),
    );
    expect(await accounts.listAudit({ regionId: region })).toEqual([]);
  });
});

describeEachEngine("accounts: first user bootstraps (operator offers)", (db) => {
  const bootstrapRegions = new Set(["new-york-2", "lagos-1"]);
  const withBootstrap = (admin: string) =>
    serviceOn(db(), new Clock(), { globalOperators: [admin], allowsFirstUserBootstrap: (id) => bootstrapRegions.has(id) });

  test("an owner accepts an offer, becomes the region's operator, and the audit log says so", async () => {
    const admin = randomAddress();
    const { accounts } = withBootstrap(admin);
    const owner = randomAddress();
    const offer = await accounts.createOperatorOffer(admin, "new-york-2", owner);
    expect(offer).toMatchObject({ regionId: "new-york-2", owner, status: "open", decidedAt: null });
    expect(await accounts.listOperatorOffers(owner)).toEqual([offer]);

    const accepted = await accounts.acceptOperatorOffer(owner, offer.id);
    expect(accepted).toMatchObject({ id: offer.id, status: "accepted" });
    expect(accepted.decidedAt).not.toBeNull();
    expect(await accounts.isOperator(owner, "new-york-2")).toBe(true);
    expect(await accounts.listOperatorOffers(owner)).toEqual([accepted]);

    const actions = (await accounts.listAudit({ regionId: "new-york-2", limit: 50 })).filter((e) => e.target === owner).map((e) => e.action);
    expect(actions).toEqual(["operator_offer.accept", "operator_offer.create"]);
    expect(await refusal(accounts.acceptOperatorOffer(owner, offer.id))).toMatchObject({ status: 409, code: "offer_closed" });
  });

  test("a declined offer grants nothing", async () => {
    const admin = randomAddress();
    const { accounts } = withBootstrap(admin);
    const owner = randomAddress();
    const offer = await accounts.createOperatorOffer(SYSTEM_ACTOR, "lagos-1", owner);
    expect(await accounts.declineOperatorOffer(owner, offer.id)).toMatchObject({ status: "declined" });
    expect(await accounts.isOperator(owner, "lagos-1")).toBe(false);
    expect(await refusal(accounts.acceptOperatorOffer(owner, offer.id))).toMatchObject({ status: 409 });
    const [entry] = await accounts.listAudit({ regionId: "lagos-1", limit: 1 });
    expect(entry).toMatchObject({ actor: owner, action: "operator_offer.decline" });
  });

  test("one open offer per region and owner: asking again, even concurrently, returns the same offer", async () => {
    const admin = randomAddress();
    const { accounts } = withBootstrap(admin);
    const owner = randomAddress();
    const offers = await Promise.all(Array.from({ length: 5 }, () => accounts.createOperatorOffer(admin, "new-york-2", owner)));
    expect(new Set(offers.map((o) => o.id)).size).toBe(1);
    expect(await accounts.listOperatorOffers(owner)).toHaveLength(1);
    // Another region is another offer.
    await accounts.createOperatorOffer(admin, "lagos-1", owner);
    expect(await accounts.listOperatorOffers(owner)).toHaveLength(2);
  });

  test("only the offered owner can decide; others see no such offer", async () => {
    const admin = randomAddress();
    const { accounts } = withBootstrap(admin);
    const [owner, stranger] = [randomAddress(), randomAddress()];
    const offer = await accounts.createOperatorOffer(admin, "new-york-2", owner);
    expect(await refusal(accounts.acceptOperatorOffer(stranger, offer.id))).toMatchObject({ status: 404, code: "offer_not_found" });
    expect(await refusal(accounts.declineOperatorOffer(stranger, offer.id))).toMatchObject({ status: 404 });
    expect(await accounts.isOperator(stranger, "new-york-2")).toBe(false);
  });

  test("a region without first-user bootstrap takes no offers; non-operators cannot make them", async () => {
    const admin = randomAddress();
    const { accounts } = withBootstrap(admin);
    const owner = randomAddress();
    expect(await refusal(accounts.createOperatorOffer(admin, "frankfurt-1", owner))).toMatchObject({ status: 409, code: "bootstrap_not_allowed" });
    expect(await refusal(accounts.createOperatorOffer(randomAddress(), "new-york-2", owner))).toMatchObject({ status: 403, code: "not_operator" });
    await accounts.grantOperator(admin, owner, "lagos-1");
    expect(await refusal(accounts.createOperatorOffer(admin, "lagos-1", owner))).toMatchObject({ status: 409, code: "already_operator" });
  });

  test("an operator can withdraw an open offer", async () => {
    const admin = randomAddress();
    const { accounts } = withBootstrap(admin);
    const owner = randomAddress();
    const offer = await accounts.createOperatorOffer(admin, "new-york-2", owner);
    expect(await refusal(accounts.withdrawOperatorOffer(randomAddress(), offer.id))).toMatchObject({ status: 403 });
    expect(await accounts.withdrawOperatorOffer(admin, offer.id)).toMatchObject({ status: "withdrawn" });
    expect(await refusal(accounts.acceptOperatorOffer(owner, offer.id))).toMatchObject({ status: 409 });
  });
});

describeEachEngine("accounts: payout address", (db) => {
  test("an owner is paid at their own address until they set another; setting their own (or nothing) goes back to it", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    expect(await accounts.payoutAddress(owner)).toEqual({ payoutAddress: owner, isOwn: true });
    const cold = randomAddress();
    // Typed in upper case with spaces around it, as pasted: kept in the canonical form.
    expect(await accounts.setPayoutAddress(owner, `  ${cold.toUpperCase()} `)).toEqual({ payoutAddress: cold, isOwn: false });
    expect(await accounts.payoutAddress(owner)).toEqual({ payoutAddress: cold, isOwn: false });
    expect(await accounts.setPayoutAddress(owner, owner)).toEqual({ payoutAddress: owner, isOwn: true });
    await accounts.setPayoutAddress(owner, cold);
    expect(await accounts.setPayoutAddress(owner, "")).toEqual({ payoutAddress: owner, isOwn: true });
    expect(await accounts.payoutAddress(owner)).toEqual({ payoutAddress: owner, isOwn: true });
  });

  test("an address a wallet would not accept is refused with what is wrong, and the one set before stays", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    const cold = randomAddress();
    await accounts.setPayoutAddress(owner, cold);
    const cosmos = toBech32("cosmos", crypto.getRandomValues(new Uint8Array(20)));
    const typo = `${cold.slice(0, -1)}${cold.endsWith("q") ? "p" : "q"}`;
    const cases: [string, string][] = [
      [cosmos, "a cosmos address, not an Akash one"],
      [typo, "not a valid bech32 address"],
      ["akash1", "not a valid bech32 address"],
      [`akash1${"q".repeat(120)}`, "too long"],
    ];
    for (const [typed, says] of cases) {
      const e = await refusal(accounts.setPayoutAddress(owner, typed));
      expect(e).toMatchObject({ status: 400, code: "invalid_address" });
      expect(e.message).toContain(says);
    }
    expect(await accounts.payoutAddress(owner)).toEqual({ payoutAddress: cold, isOwn: false });
  });

  test("each change is in the audit log, from what to what; saving the same address again adds nothing", async () => {
    const { accounts } = serviceOn(db());
    const owner = randomAddress();
    const cold = randomAddress();
    await accounts.setPayoutAddress(owner, cold);
    await accounts.setPayoutAddress(owner, cold);
    await accounts.setPayoutAddress(owner, "");
    const mine = (await accounts.listAudit({ limit: 1000 })).filter((a) => a.target === owner);
    expect(mine.map((a) => [a.actor, a.action, a.detail])).toEqual([
      [owner, "owner.payout_address", `payouts go to the owner's own address (were going to ${cold})`],
      [owner, "owner.payout_address", `payouts go to ${cold} (were going to the owner's own address)`],
    ]);
  });
});
