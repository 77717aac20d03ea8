// Claim codes are read off one screen and typed into another, often by hand: Crockford base32 (no I, L, O, U)
// in groups of four, and the typing mistakes Crockford anticipates (o for 0, i or l for 1, lower case,
// spaces, dashes) are forgiven. 12 characters carry 60 random bits: unguessable within a code's lifetime
// behind the registry's rate limits.

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 12;
const GROUP = 4;

/** generateClaimCode returns a fresh code in its display form, e.g. "7K3Q-X9MA-2F0D". */
export function generateClaimCode(): string {
  // 256 is a multiple of 32, so taking 5 bits of each random byte keeps every character equally likely.
  const bytes = crypto.getRandomValues(new Uint8Array(LENGTH));
  return formatClaimCode(Array.from(bytes, (b) => ALPHABET[b & 31]).join(""));
}

/**
 * normalizeClaimCode turns what an owner typed into the code's display form, or null when it cannot be a
 * claim code (wrong length, a character outside the alphabet).
 */
export function normalizeClaimCode(typed: string): string | null {
  if (typed.length > 64) return null;
  const compact = typed
    .toUpperCase()
    .replace(/[\s\-_]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (compact.length !== LENGTH) return null;
  for (const ch of compact) if (!ALPHABET.includes(ch)) return null;
  return formatClaimCode(compact);
}

function formatClaimCode(compact: string): string {
  const groups: string[] = [];
  for (let i = 0; i < compact.length; i += GROUP) groups.push(compact.slice(i, i + GROUP));
  return groups.join("-");
}
