import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import * as v from "valibot";
import { JsonFile } from "./json-file.ts";

const StoredKey = v.object({ privateKeyPkcs8: v.string(), createdAt: v.string() });

/** DeviceKey is the device's Ed25519 identity: made once, kept 0600, never leaves the machine. */
export interface DeviceKey {
  /** Stable id derived from the public key, used as the node name so reinstalls keep their identity. */
  id: string;
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  sign(data: Uint8Array): Uint8Array;
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
  return "ah-" + base32(createHash("sha256").update(rawPublicKey).digest().subarray(0, 10));
}

function fromPrivate(priv: KeyObject): DeviceKey {
  const jwk = createPublicKey(priv).export({ format: "jwk" });
  const raw = Buffer.from(jwk.x!, "base64url");
  return {
    id: deviceIdFor(raw),
    publicKey: raw.toString("base64url"),
    sign: (data) => sign(null, data, priv),
  };
}

/** loadOrCreateDeviceKey reads the key file, or makes a new key when there is none (or it was unusable). */
export function loadOrCreateDeviceKey(path: string): { key: DeviceKey; problem: string | null } {
  const file = new JsonFile(path, StoredKey, 1);
  const stored = file.read();
  if (stored) {
    try {
      return { key: fromPrivate(createPrivateKey({ key: Buffer.from(stored.privateKeyPkcs8, "base64"), format: "der", type: "pkcs8" })), problem: null };
    } catch {
      file.lastProblem = `${path} holds no usable Ed25519 key; made a new one`;
    }
  }
  const { privateKey } = generateKeyPairSync("ed25519");
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  file.write({ privateKeyPkcs8: Buffer.from(der).toString("base64"), createdAt: new Date().toISOString() });
  return { key: fromPrivate(privateKey), problem: file.lastProblem };
}
