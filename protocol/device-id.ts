// The device id is derived from the device's public key so both sides compute the same one without
// asking each other, and a reinstall that keeps its key keeps its node name.

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

/** deviceIdFromKeyDigest is "ah-" and 16 base32 characters of SHA-256(raw public key): a valid Kubernetes node name. */
export function deviceIdFromKeyDigest(sha256OfPublicKey: Uint8Array): string {
  return "ah-" + base32(sha256OfPublicKey.subarray(0, 10));
}
