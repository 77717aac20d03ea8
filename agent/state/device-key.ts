import * as v from "valibot";
import { JsonFile } from "./json-file.ts";

// WebCrypto rather than node:crypto: the agent runs for weeks, and loading node:crypto alone costs it
// about 6 MB of memory; the WebCrypto Ed25519 it needs is built into the runtime.

const StoredKey = v.object({ privateKeyPkcs8: v.string(), createdAt: v.string() });
const ED25519 = { name: "Ed25519" } as const;

/** DeviceKey is the device's Ed25519 identity: made once, kept 0600, never leaves the machine. */
export interface DeviceKey {
  /** Stable id derived from the public key, used as the node name so reinstalls keep their identity. */
  id: string;
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** deviceIdFor is "ah-" and 16 base32 characters of SHA-256(public key): a valid Kubernetes node name. */
export function deviceIdFor(rawPublicKey: Uint8Array): string {
  const digest = new Bun.CryptoHasher("sha256").update(rawPublicKey).digest();
  return "ah-" + base32(digest.subarray(0, 10));
}

async function fromPkcs8(pkcs8: Uint8Array<ArrayBuffer>): Promise<DeviceKey> {
  const priv = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, true, ["sign"]);
  // A private JWK carries the public half as x; no separate public key needs storing.
  const jwk = await crypto.subtle.exportKey("jwk", priv);
  const raw = Buffer.from(jwk.x!, "base64url");
  return {
    id: deviceIdFor(raw),
    publicKey: raw.toString("base64url"),
    sign: async (data) => new Uint8Array(await crypto.subtle.sign(ED25519, priv, data)),
  };
}

/** loadOrCreateDeviceKey reads the key file, or makes a new key when there is none (or it was unusable). */
export async function loadOrCreateDeviceKey(path: string): Promise<{ key: DeviceKey; problem: string | null }> {
  const file = new JsonFile(path, StoredKey, 1);
  const stored = file.read();
  if (stored) {
    try {
      return { key: await fromPkcs8(new Uint8Array(Buffer.from(stored.privateKeyPkcs8, "base64"))), problem: null };
    } catch {
      file.lastProblem = `${path} holds no usable Ed25519 key; made a new one`;
    }
  }
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  file.write({ privateKeyPkcs8: Buffer.from(pkcs8).toString("base64"), createdAt: new Date().toISOString() });
  return { key: await fromPkcs8(pkcs8), problem: file.lastProblem };
}
