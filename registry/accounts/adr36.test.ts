import { beforeAll, describe, expect, test } from "bun:test";
import { Secp256k1HdWallet, serializeSignDoc } from "@cosmjs/amino";
import { fromBase64, toBase64, toUtf8 } from "@cosmjs/encoding";
import { makeAdr36SignDoc, verifyAdr36 } from "./adr36.ts";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function account() {
  const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
  const [acc] = await wallet.getAccounts();
  const address = acc!.address;
  return { address, sign: async (message: string, as = address) => (await wallet.signAmino(address, makeAdr36SignDoc(as, message))).signature };
}

let alice: Awaited<ReturnType<typeof account>>;
let bob: Awaited<ReturnType<typeof account>>;
beforeAll(async () => {
  [alice, bob] = await Promise.all([account(), account()]);
});

describe("ADR-36 signatures", () => {
  test("the sign doc is byte for byte what Keplr and Leap sign for signArbitrary", () => {
    const doc = makeAdr36SignDoc("akash1example", "hi <there> & you");
    expect(new TextDecoder().decode(serializeSignDoc(doc))).toBe(
      '{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",' +
        `"msgs":[{"type":"sign/MsgSignData","value":{"data":"${toBase64(toUtf8("hi <there> & you"))}","signer":"akash1example"}}],"sequence":"0"}`,
    );
  });

  test("a wallet's signature of the message verifies", async () => {
    const message = "Sign in\nNonce: 1234";
    expect(verifyAdr36(alice.address, message, await alice.sign(message))).toEqual({ ok: true });
  });

  test("a changed message does not verify", async () => {
    const sig = await alice.sign("Nonce: 1234");
    expect(verifyAdr36(alice.address, "Nonce: 1235", sig)).toEqual({ ok: false, reason: "bad_signature" });
  });

  test("a signature by another account's key is refused and names that account", async () => {
    const sig = await bob.sign("hello", alice.address);
    expect(verifyAdr36(alice.address, "hello", sig)).toEqual({ ok: false, reason: "wrong_key", keyAddress: bob.address });
  });

  test("a signature moved under another account's public key is refused", async () => {
    const sig = await alice.sign("hello");
    const bobKey = (await bob.sign("x")).pub_key;
    expect(verifyAdr36(bob.address, "hello", { ...sig, pub_key: bobKey }).ok).toBe(false);
  });

  test("the malleable high-s twin of a valid signature is refused, as the Cosmos SDK does", async () => {
    const sig = await alice.sign("hello");
    const raw = fromBase64(sig.signature);
    let s = 0n;
    for (const b of raw.slice(32)) s = (s << 8n) | BigInt(b);
    const twin = new Uint8Array(raw);
    twin.set(Uint8Array.from(Buffer.from((N - s).toString(16).padStart(64, "0"), "hex")), 32);
    expect(verifyAdr36(alice.address, "hello", { ...sig, signature: toBase64(twin) })).toEqual({ ok: false, reason: "bad_signature" });
  });

  test("malformed keys and signatures are refused, not thrown", async () => {
    const sig = await alice.sign("hello");
    expect(verifyAdr36(alice.address, "hello", { ...sig, signature: toBase64(new Uint8Array(63)) })).toMatchObject({ reason: "malformed" });
    expect(verifyAdr36(alice.address, "hello", { ...sig, signature: "***" })).toMatchObject({ reason: "malformed" });
    expect(verifyAdr36(alice.address, "hello", { ...sig, pub_key: { ...sig.pub_key, value: toBase64(new Uint8Array(33)) } })).toMatchObject({ reason: "malformed" });
    expect(verifyAdr36(alice.address, "hello", { ...sig, pub_key: { type: "tendermint/PubKeyEd25519" as never, value: sig.pub_key.value } })).toMatchObject({
      reason: "malformed",
    });
  });
});

test("a signature whose r or s is zero is refused as a bad signature, not an error", async () => {
  const { Secp256k1HdWallet } = await import("@cosmjs/amino");
  const wallet = await Secp256k1HdWallet.generate(12, { prefix: "akash" });
  const [account] = await wallet.getAccounts();
  const { signature } = await wallet.signAmino(account!.address, makeAdr36SignDoc(account!.address, "hello"));
  const zero = { ...signature, signature: Buffer.alloc(64).toString("base64") };
  expect(verifyAdr36(account!.address, "hello", zero)).toEqual({ ok: false, reason: "bad_signature" });
});
