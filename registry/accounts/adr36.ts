import { pubkeyToAddress, serializeSignDoc, type StdSignDoc } from "@cosmjs/amino";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromBase64, toBase64, toUtf8 } from "@cosmjs/encoding";
import { AKASH_PREFIX } from "./akash-address.ts";

// ADR-36 ("arbitrary message signing") as Keplr's and Leap's signArbitrary do it: the message is wrapped in an
// Amino sign doc with empty chain id, zero account number and sequence and no fee, so the signature can
// never be a valid transaction. We verify it the way the Cosmos SDK verifies a secp256k1 signature, and
// additionally require that the public key the wallet sent is the key of the address that claims to sign.

/** makeAdr36SignDoc builds the sign doc a wallet signs for signArbitrary(chainId, address, message). */
export function makeAdr36SignDoc(address: string, message: string | Uint8Array): StdSignDoc {
  const data = typeof message === "string" ? toUtf8(message) : message;
  return {
    chain_id: "",
    account_number: "0",
    sequence: "0",
    fee: { gas: "0", amount: [] },
    msgs: [{ type: "sign/MsgSignData", value: { signer: address, data: toBase64(data) } }],
    memo: "",
  };
}

/** Adr36Failure says why a signature was refused. */
export type Adr36Failure =
  /** The public key or signature is not well-formed (wrong length, not base64, not a curve point). */
  | { ok: false; reason: "malformed"; detail: string }
  /** The public key belongs to another address than the one that claims to sign. */
  | { ok: false; reason: "wrong_key"; keyAddress: string }
  /** The signature does not match this message under this key. */
  | { ok: false; reason: "bad_signature" };

export type Adr36Result = { ok: true } | Adr36Failure;

const SECP256K1_PUBKEY_TYPE = "tendermint/PubKeySecp256k1";
/** Half the secp256k1 group order: the SDK refuses signatures with a larger s (they are malleable twins). */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Adr36Signature is a wallet's StdSignature (protocol's StdSignature, or cosmjs's with a wider key type). */
export interface Adr36Signature {
  pub_key: { type: string; value: string };
  signature: string;
}

/** verifyAdr36 checks that signature is address's ADR-36 signature of message. */
export function verifyAdr36(address: string, message: string, signature: Adr36Signature): Adr36Result {
  if (signature.pub_key.type !== SECP256K1_PUBKEY_TYPE) return { ok: false, reason: "malformed", detail: `the key type ${signature.pub_key.type} is not supported` };
  let pubkey: Uint8Array;
  let sigBytes: Uint8Array;
  try {
    pubkey = fromBase64(signature.pub_key.value);
    sigBytes = fromBase64(signature.signature);
  } catch {
    return { ok: false, reason: "malformed", detail: "the public key or signature is not base64" };
  }
  if (pubkey.length !== 33 || (pubkey[0] !== 0x02 && pubkey[0] !== 0x03)) {
    return { ok: false, reason: "malformed", detail: "the public key is not a compressed secp256k1 key" };
  }
  if (sigBytes.length !== 64) return { ok: false, reason: "malformed", detail: "the signature is not 64 bytes" };

  const keyAddress = pubkeyToAddress({ type: SECP256K1_PUBKEY_TYPE, value: signature.pub_key.value }, AKASH_PREFIX);
  if (keyAddress !== address) return { ok: false, reason: "wrong_key", keyAddress };

  let sig: Secp256k1Signature;
  try {
    sig = Secp256k1Signature.fromFixedLength(sigBytes);
  } catch {
    // r or s of zero: no key could have made it.
    return { ok: false, reason: "bad_signature" };
  }
  if (bytesToBigInt(sig.s()) > HALF_ORDER) return { ok: false, reason: "bad_signature" };
  const digest = sha256(serializeSignDoc(makeAdr36SignDoc(address, message)));
  let valid: boolean;
  try {
    valid = Secp256k1.verifySignature(sig, digest, pubkey);
  } catch {
    // A 33-byte string that is not a point on the curve lands here.
    return { ok: false, reason: "malformed", detail: "the public key is not a valid secp256k1 key" };
  }
  return valid ? { ok: true } : { ok: false, reason: "bad_signature" };
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}
