import { expect, test } from "bun:test";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { DirectSecp256k1Wallet, encodePubkey, makeAuthInfoBytes, makeSignBytes, makeSignDoc } from "@cosmjs/proto-signing";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { buildPayoutTxs, decodePayoutBody, DEFAULT_PAYOUT_TX, feeFor, MSG_MULTI_SEND, MSG_SEND } from "./payout-tx.ts";

const OWNERS = ["akash1q0e6fl8z2fsfw454mg4c6rseqs0z4d0dcuq5e8", "akash1kcu4mfs2lfqjc8kcm5zdcjn7l0pm5mwnazxrpu", "akash1szns0tmacalwzg50jyn3sreevjp4ukltnxfx09"];

async function providerWallet() {
  const wallet = await DirectSecp256k1Wallet.fromKey(sha256(new TextEncoder().encode("test provider key")), "akash");
  const [account] = await wallet.getAccounts();
  return { wallet, account: account! };
}

test("a MultiSend pays each owner their amount from the provider, and the input equals the outputs", async () => {
  const { account } = await providerWallet();
  const recipients = OWNERS.map((address, i) => ({ address, amount: BigInt(1_000_000 * (i + 1)) }));
  const [tx, ...more] = buildPayoutTxs(account.address, "uakt", recipients, DEFAULT_PAYOUT_TX, "akash-home payout 7");
  expect(more).toEqual([]);
  const body = decodePayoutBody(tx!.bodyBytes);
  expect(body.memo).toBe("akash-home payout 7");
  expect(body.messages).toHaveLength(1);
  expect(body.messages[0]!.typeUrl).toBe(MSG_MULTI_SEND);
  const msg = body.messages[0]!.value as { inputs: { address: string; coins: { denom: string; amount: string }[] }[]; outputs: { address: string; coins: { denom: string; amount: string }[] }[] };
  expect(msg.inputs).toEqual([{ address: account.address, coins: [{ denom: "uakt", amount: "6000000" }] }]);
  expect(msg.outputs.map((o) => [o.address, o.coins[0]!.amount] as [string, string])).toEqual([
    [OWNERS[0]!, "1000000"],
    [OWNERS[1]!, "2000000"],
    [OWNERS[2]!, "3000000"],
  ]);
  // The JSON form says the same as the bytes, in the shape `tx sign` reads.
  const json = tx!.unsignedTx as { body: { messages: unknown[] }; auth_info: { fee: { amount: unknown[]; gas_limit: string } }; signatures: unknown[] };
  expect(json.body.messages).toEqual([{ "@type": MSG_MULTI_SEND, inputs: msg.inputs, outputs: msg.outputs }]);
  expect(json.signatures).toEqual([]);
  expect(json.auth_info.fee as unknown).toEqual({ amount: [{ denom: "uakt", amount: "4750" }], gas_limit: "190000", payer: "", granter: "" });
});

test("the provider wallet can sign the body as built, and the signature verifies", async () => {
  const { wallet, account } = await providerWallet();
  const [tx] = buildPayoutTxs(account.address, "uact", [{ address: OWNERS[0]!, amount: 5n }], DEFAULT_PAYOUT_TX, "m");
  const bodyBytes = Buffer.from(tx!.bodyBytes, "base64");
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(account.pubkey));
  const fee = feeFor(1, DEFAULT_PAYOUT_TX);
  const authInfoBytes = makeAuthInfoBytes([{ pubkey, sequence: 3 }], [{ denom: "uakt", amount: fee.amount.toString() }], fee.gas, undefined, undefined);
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, "akashnet-2", 12);
  const { signature } = await wallet.signDirect(account.address, signDoc);
  const ok = await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(Buffer.from(signature.signature, "base64")), sha256(makeSignBytes(signDoc)), account.pubkey);
  expect(ok).toBe(true);
});

test("a large batch becomes several transactions, and MsgSend lists work too", () => {
  const many = Array.from({ length: 450 }, (_, i) => ({ address: OWNERS[i % 3]!, amount: BigInt(i + 1) }));
  const txs = buildPayoutTxs("akash1t3xpjep5pt99kefe8wlf6vjfeht3hcnxklz8nh", "uakt", many, DEFAULT_PAYOUT_TX, "p");
  expect(txs.map((t) => t.recipients)).toEqual([200, 200, 50]);
  expect(txs.reduce((a, t) => a + t.total, 0n)).toBe(many.reduce((a, r) => a + r.amount, 0n));
  expect(decodePayoutBody(txs[2]!.bodyBytes).memo).toBe("p (3/3)");
  const sends = buildPayoutTxs("akash1t3xpjep5pt99kefe8wlf6vjfeht3hcnxklz8nh", "uakt", many.slice(0, 3), { ...DEFAULT_PAYOUT_TX, message: "send" }, "p");
  const decoded = decodePayoutBody(sends[0]!.bodyBytes);
  expect(decoded.messages.map((m) => m.typeUrl)).toEqual([MSG_SEND, MSG_SEND, MSG_SEND]);
  expect((decoded.messages[1]!.value as { toAddress: string; amount: { amount: string }[] }).amount[0]!.amount).toBe("2");
});
