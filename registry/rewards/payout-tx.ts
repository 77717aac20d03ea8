import { Registry, type EncodeObject } from "@cosmjs/proto-signing";
import { MsgMultiSend, MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { TxBody } from "cosmjs-types/cosmos/tx/v1beta1/tx";

// A payout batch as unsigned Cosmos SDK transactions for the provider wallet to sign: bank MultiSend (one
// input, the provider; one output per owner) or a list of MsgSend, in the lease's denomination. Each
// transaction comes two ways: the JSON `akash tx sign` takes (the shape `--generate-only` prints), and the
// protobuf TxBody bytes for signers that build the rest themselves. The registry never holds the key.

export const MSG_MULTI_SEND = "/cosmos.bank.v1beta1.MsgMultiSend";
export const MSG_SEND = "/cosmos.bank.v1beta1.MsgSend";

const registry = new Registry([
  [MSG_MULTI_SEND, MsgMultiSend],
  [MSG_SEND, MsgSend],
]);

export interface PayoutTxSettings {
  message: "multisend" | "send";
  /** Recipients per transaction; a larger batch becomes several transactions. */
  maxRecipientsPerTx: number;
  feeDenom: string;
  /** Gas price in feeDenom micro-units per gas unit, a decimal string ("0.025"). */
  gasPrice: string;
  gasBase: number;
  gasPerRecipient: number;
  memo: string;
}

export const DEFAULT_PAYOUT_TX: PayoutTxSettings = {
  message: "multisend",
  maxRecipientsPerTx: 200,
  feeDenom: "uakt",
  gasPrice: "0.025",
  gasBase: 100_000,
  gasPerRecipient: 30_000,
  memo: "akash-home payout",
};

export interface PayoutRecipient {
  address: string;
  /** Whole micro-units. */
  amount: bigint;
}

export interface UnsignedTx {
  unsignedTx: unknown;
  bodyBytes: string;
  recipients: number;
  total: bigint;
}

/** feeFor is ⌈gas × gasPrice⌉ in the fee denomination, for a transaction with n recipients. */
export function feeFor(n: number, s: PayoutTxSettings): { gas: number; amount: bigint } {
  const gas = s.gasBase + n * s.gasPerRecipient;
  const [whole, frac = ""] = s.gasPrice.split(".");
  const scale = 10n ** BigInt(frac.length);
  const price = BigInt(whole!) * scale + BigInt(frac || "0");
  return { gas, amount: (BigInt(gas) * price + scale - 1n) / scale };
}

const coin = (denom: string, amount: bigint) => ({ denom, amount: amount.toString() });

/** buildPayoutTxs splits recipients into unsigned transactions from `from`, in their order. */
export function buildPayoutTxs(from: string, denom: string, recipients: readonly PayoutRecipient[], s: PayoutTxSettings, memo: string): UnsignedTx[] {
  const out: UnsignedTx[] = [];
  for (let i = 0; i < recipients.length; i += s.maxRecipientsPerTx) {
    const chunk = recipients.slice(i, i + s.maxRecipientsPerTx);
    const total = chunk.reduce((a, r) => a + r.amount, 0n);
    let messages: EncodeObject[];
    let json: unknown[];
    if (s.message === "multisend") {
      const value = { inputs: [{ address: from, coins: [coin(denom, total)] }], outputs: chunk.map((r) => ({ address: r.address, coins: [coin(denom, r.amount)] })) };
      messages = [{ typeUrl: MSG_MULTI_SEND, value: MsgMultiSend.fromPartial(value) }];
      json = [{ "@type": MSG_MULTI_SEND, ...value }];
    } else {
      const values = chunk.map((r) => ({ from_address: from, to_address: r.address, amount: [coin(denom, r.amount)] }));
      messages = chunk.map((r) => ({ typeUrl: MSG_SEND, value: MsgSend.fromPartial({ fromAddress: from, toAddress: r.address, amount: [coin(denom, r.amount)] }) }));
      json = values.map((v) => ({ "@type": MSG_SEND, ...v }));
    }
    const txMemo = recipients.length > s.maxRecipientsPerTx ? `${memo} (${out.length + 1}/${Math.ceil(recipients.length / s.maxRecipientsPerTx)})` : memo;
    const bodyBytes = registry.encodeTxBody({ messages, memo: txMemo });
    const fee = feeFor(chunk.length, s);
    out.push({
      unsignedTx: {
        body: { messages: json, memo: txMemo, timeout_height: "0", extension_options: [], non_critical_extension_options: [] },
        auth_info: { signer_infos: [], fee: { amount: [coin(s.feeDenom, fee.amount)], gas_limit: String(fee.gas), payer: "", granter: "" }, tip: null },
        signatures: [],
      },
      bodyBytes: Buffer.from(bodyBytes).toString("base64"),
      recipients: chunk.length,
      total,
    });
  }
  return out;
}

/** decodePayoutBody reads TxBody bytes back (for tests and for showing an operator what a batch sends). */
export function decodePayoutBody(bodyBytesBase64: string): { memo: string; messages: { typeUrl: string; value: unknown }[] } {
  const body = TxBody.decode(Buffer.from(bodyBytesBase64, "base64"));
  return { memo: body.memo, messages: body.messages.map((m) => ({ typeUrl: m.typeUrl, value: registry.decode(m) })) };
}
