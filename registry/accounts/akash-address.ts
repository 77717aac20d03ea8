import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { AccountsError } from "./accounts-error.ts";

// An owner is an Akash account address. The protocol schema only checks its shape; this checks what a wallet
// would: the bech32 checksum, the prefix, and a data length an account can have.

export const AKASH_PREFIX = "akash";

/** Longer than any Akash address (a 32-byte one is 64 characters); bech32 decoding of huge input is wasted work. */
const MAX_ADDRESS_LENGTH = 100;

const FIX = "copy the address from Keplr or Leap (it starts with akash1) and try again";

/**
 * parseAkashAddress returns the canonical (lower-case) form of an Akash address, or throws an AccountsError
 * saying what is wrong with it. Accounts are 20 bytes; 32-byte addresses (module and interchain accounts) are
 * valid Akash addresses too.
 */
export function parseAkashAddress(input: string): string {
  const text = input.trim();
  if (text === "") throw new AccountsError(400, "invalid_address", "the Akash address is empty", FIX);
  if (text.length > MAX_ADDRESS_LENGTH) {
    throw new AccountsError(400, "invalid_address", `"${text.slice(0, 24)}…" is too long to be an Akash address`, FIX);
  }
  let decoded: { prefix: string; data: Uint8Array };
  try {
    // An explicit limit: this fromBech32 fails on its own default (Infinity) with the installed @scure/base.
    decoded = fromBech32(text, MAX_ADDRESS_LENGTH);
  } catch {
    throw new AccountsError(400, "invalid_address", `"${text}" is not a valid bech32 address (a character is wrong or missing)`, FIX);
  }
  if (decoded.prefix !== AKASH_PREFIX) {
    throw new AccountsError(400, "invalid_address", `"${text}" is a ${decoded.prefix} address, not an Akash one`, `switch your wallet to the Akash network, then ${FIX}`);
  }
  if (decoded.data.length !== 20 && decoded.data.length !== 32) {
    throw new AccountsError(400, "invalid_address", `"${text}" holds ${decoded.data.length} bytes; an Akash account address holds 20 (or 32)`, FIX);
  }
  return toBech32(AKASH_PREFIX, decoded.data);
}

/** isAkashAddress says whether input is a valid Akash address. */
export function isAkashAddress(input: string): boolean {
  try {
    parseAkashAddress(input);
    return true;
  } catch {
    return false;
  }
}
