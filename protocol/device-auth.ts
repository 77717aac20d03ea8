// How a device proves who it is on every request after check-in (architecture §6).
// Signed requests cost an Ed25519 verify each (~80 µs of a core), so they are used for check-in and for
// obtaining a session; telemetry carries the short-lived session credential a signed request obtained,
// which the registry checks with one HMAC.

/** DEVICE_AUTH_HEADERS are the headers of a signed device request. */
export const DEVICE_AUTH_HEADERS = {
  /** The device's raw Ed25519 public key, base64url. */
  key: "x-akash-device-key",
  /** Milliseconds since the Unix epoch, decimal. */
  timestamp: "x-akash-timestamp",
  /** 16+ random bytes, base64url; never reused. */
  nonce: "x-akash-nonce",
  /** Ed25519 signature of signedRequestPayload, base64url. */
  signature: "x-akash-signature",
} as const;

/** SIGNATURE_WINDOW_MS is how far a signed request's timestamp may be from the registry's clock. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** DEVICE_SESSION_SCHEME is the Authorization scheme of a device session credential. */
export const DEVICE_SESSION_SCHEME = "AkashDevice";

/**
 * signedRequestPayload is the exact text a device signs: a fixed tag, then method, path (with query),
 * hex SHA-256 of the body (of the empty string when there is none), timestamp and nonce, one per line.
 */
export function signedRequestPayload(method: string, pathWithQuery: string, bodySha256Hex: string, timestamp: string, nonce: string): string {
  return ["AKASH-HOME-DEVICE-V1", method.toUpperCase(), pathWithQuery, bodySha256Hex, timestamp, nonce].join("\n");
}
