import { describe, expect, test } from "bun:test";
import { toBech32 } from "@cosmjs/encoding";
import { AccountsError } from "./accounts-error.ts";
import { isAkashAddress, parseAkashAddress } from "./akash-address.ts";

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const account = toBech32("akash", bytes(20));

function refusal(input: string): AccountsError {
  try {
    parseAkashAddress(input);
  } catch (err) {
    if (err instanceof AccountsError) return err;
    throw err;
  }
  throw new Error(`${input} was accepted`);
}

describe("Akash addresses", () => {
  test("a 20-byte account address and a 32-byte one are accepted", () => {
    expect(parseAkashAddress(account)).toBe(account);
    const long = toBech32("akash", bytes(32));
    expect(parseAkashAddress(long)).toBe(long);
  });

  test("surrounding spaces and upper case are forgiven; the canonical form is lower case", () => {
    expect(parseAkashAddress(`  ${account.toUpperCase()} `)).toBe(account);
  });

  test("a typing mistake breaks the checksum and is refused with a way to fix it", () => {
    const last = account.at(-1) === "q" ? "p" : "q";
    const err = refusal(account.slice(0, -1) + last);
    expect(err.status).toBe(400);
    expect(err.code).toBe("invalid_address");
    expect(err.message).toContain("not a valid bech32 address");
    expect(err.fix).toContain("akash1");
  });

  test("an address of another chain names that chain", () => {
    const err = refusal(toBech32("cosmos", bytes(20)));
    expect(err.message).toContain("is a cosmos address, not an Akash one");
    expect(err.fix).toContain("Akash network");
  });

  test("data of a length no account has is refused", () => {
    expect(refusal(toBech32("akash", bytes(10))).message).toContain("holds 10 bytes");
  });

  test("empty, huge and mixed-case input is refused", () => {
    expect(refusal("").message).toContain("empty");
    expect(refusal("akash1" + "q".repeat(200)).message).toContain("too long");
    expect(isAkashAddress(account.slice(0, 10) + account.slice(10).toUpperCase())).toBe(false);
    expect(isAkashAddress(account)).toBe(true);
  });
});
