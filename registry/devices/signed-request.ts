import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { DEVICE_AUTH_HEADERS, SIGNATURE_WINDOW_MS, deviceIdFromKeyDigest, signedRequestPayload } from "../../protocol/index.ts";
import type { NonceStore } from "./nonce-store.ts";

// Signed device requests: the device proves it holds the private key behind the public key it sends.
// The window bounds how long a captured request could be replayed; the nonce store closes that window.

/** DeviceAuthError is a refused device request: 401 with what to do. */
export class DeviceAuthError extends Error {
  override name = "DeviceAuthError";
  constructor(
    readonly code: string,
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** SignedDevice is who a verified signed request came from. */
export interface SignedDevice {
  deviceId: string;
  /** Raw Ed25519 public key, base64url. */
  publicKey: string;
}

// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const keyCache = new Map<string, KeyObject>();

function publicKeyObject(raw: Buffer, b64: string): KeyObject {
  let key = keyCache.get(b64);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(b64, key);
  }
  return key;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** verifySignedRequest checks headers, window, nonce and signature, in that order (cheapest first). */
export async function verifySignedRequest(
  req: { method: string; pathWithQuery: string; body: Uint8Array; header: (name: string) => string | null },
  nonces: NonceStore,
  now: number,
): Promise<SignedDevice> {
  const key = req.header(DEVICE_AUTH_HEADERS.key);
  const timestamp = req.header(DEVICE_AUTH_HEADERS.timestamp);
  const nonce = req.header(DEVICE_AUTH_HEADERS.nonce);
  const signature = req.header(DEVICE_AUTH_HEADERS.signature);
  if (!key || !timestamp || !nonce || !signature) {
    throw new DeviceAuthError("unsigned", "this request must be signed by the device key", `send the ${Object.values(DEVICE_AUTH_HEADERS).join(", ")} headers`);
  }
  const raw = B64URL.test(key) ? Buffer.from(key, "base64url") : Buffer.alloc(0);
  if (raw.length !== 32) throw new DeviceAuthError("bad_key", "the device key is not a base64url Ed25519 public key", "send the raw 32-byte public key, base64url");
  if (!/^\d{1,16}$/.test(timestamp)) throw new DeviceAuthError("bad_timestamp", "the timestamp is not milliseconds since the epoch", "send Date.now() as a decimal number");
  const skew = Math.abs(Number(timestamp) - now);
  if (skew > SIGNATURE_WINDOW_MS) {
    throw new DeviceAuthError("clock_skew", `the request time is ${Math.round(skew / 1000)} s away from the registry's clock (at most ${SIGNATURE_WINDOW_MS / 1000} s allowed)`, "sync this machine's clock (timedatectl set-ntp true)");
  }
  if (!B64URL.test(nonce) || nonce.length < 16 || nonce.length > 64) throw new DeviceAuthError("bad_nonce", "the nonce must be 16 to 64 base64url characters", "send 16 random bytes, base64url");
  const sig = B64URL.test(signature) ? Buffer.from(signature, "base64url") : Buffer.alloc(0);
  if (sig.length !== 64) throw new DeviceAuthError("bad_signature", "the signature is not a 64-byte Ed25519 signature", "sign the request with the device key");
  const bodyHash = createHash("sha256").update(req.body).digest("hex");
  const payload = Buffer.from(signedRequestPayload(req.method, req.pathWithQuery, bodyHash, timestamp, nonce));
  if (!verify(null, payload, publicKeyObject(raw, key), sig)) {
    throw new DeviceAuthError("bad_signature", "the signature does not match this request and key", "sign method, path, body hash, timestamp and nonce with the device key");
  }
  // Only a verified request spends its nonce, so nobody can burn a device's nonces without its key.
  if (!(await nonces.claim(nonce, Number(timestamp) + SIGNATURE_WINDOW_MS))) {
    throw new DeviceAuthError("replay", "this request was already received (same nonce)", "send a fresh nonce with every request");
  }
  return { deviceId: deviceIdFromKeyDigest(createHash("sha256").update(raw).digest()), publicKey: key };
}
