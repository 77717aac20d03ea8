import * as v from "valibot";
import { deviceIdFromKeyDigest } from "../../protocol/device-id.ts";
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

/** deviceIdFor is "ah-" and 16 base32 characters of SHA-256(public key): a valid Kubernetes node name. */
export function deviceIdFor(rawPublicKey: Uint8Array): string {
  return deviceIdFromKeyDigest(new Bun.CryptoHasher("sha256").update(rawPublicKey).digest());
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
