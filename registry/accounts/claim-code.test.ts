import { describe, expect, test } from "bun:test";
import { generateClaimCode, normalizeClaimCode } from "./claim-code.ts";

describe("claim codes", () => {
  test("a code is three groups of four Crockford characters, without the easily confused I, L, O, U", () => {
    for (let i = 0; i < 200; i++) expect(generateClaimCode()).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  test("codes do not repeat and use the whole alphabet", () => {
    const codes = new Set(Array.from({ length: 2000 }, generateClaimCode));
    expect(codes.size).toBe(2000);
    const seen = new Set([...codes].join("").replace(/-/g, ""));
    expect(seen.size).toBe(32);
  });

  test("what an owner types matches the code: case, spaces, dashes and look-alike letters", () => {
    const code = "0K1Q-X9MA-2F0D";
    expect(normalizeClaimCode(code)).toBe(code);
    expect(normalizeClaimCode("0k1q x9ma 2f0d")).toBe(code);
    expect(normalizeClaimCode("ok1qx9ma2fod")).toBe(code);
    expect(normalizeClaimCode(" OKIQ-X9MA-2FOD ")).toBe(code);
    expect(normalizeClaimCode("0klq--x9ma--2f0d")).toBe(code);
  });

  test("text that cannot be a code is refused rather than guessed", () => {
    expect(normalizeClaimCode("0K1Q-X9MA")).toBeNull();
    expect(normalizeClaimCode("0K1Q-X9MA-2F0DX")).toBeNull();
    expect(normalizeClaimCode("UK1Q-X9MA-2F0D")).toBeNull();
    expect(normalizeClaimCode("0K1Q-X9MA-2F0!")).toBeNull();
    expect(normalizeClaimCode("")).toBeNull();
    expect(normalizeClaimCode("0".repeat(100))).toBeNull();
  });
});
