import { describe, expect, test } from "bun:test";
import { parseClaimForm } from "./claim-form.ts";

const input = (over: Partial<Parameters<typeof parseClaimForm>[0]> = {}) => ({ registry: "https://registry.example.org/", claim: "CLAIM-1234", registryConfigured: false, claimed: false, ...over });

describe("claim form", () => {
  test("a registry URL and a claim code are accepted; the trailing slash is dropped", () => {
    expect(parseClaimForm(input())).toEqual({ ok: true, registry: "https://registry.example.org", claim: "CLAIM-1234" });
  });

  test.each([
    [{ registry: "" }, "registry", "enter the registry's address, like https://registry.example.org"],
    [{ registry: "registry.example.org" }, "registry", "the registry must be a URL like https://registry.example.org"],
    [{ registry: "ftp://registry.example.org" }, "registry", "the registry's address starts with https:// (or http:// for a test registry)"],
    [{ claim: "" }, "claim", "enter the claim code from the owner portal"],
    [{ claim: "abc" }, "claim", "a claim code has at least 4 characters"],
    [{ claim: "x".repeat(65) }, "claim", "a claim code has at most 64 characters"],
  ])("%j is refused on %s", (over, field, message) => {
    const result = parseClaimForm(input(over));
    expect(result.ok === false && result.errors[field as "registry" | "claim"]).toBe(message);
  });

  test("with a configured registry the field is not needed; with a saved claim an empty one keeps it", () => {
    expect(parseClaimForm(input({ registry: "", registryConfigured: true, claim: "", claimed: true }))).toEqual({ ok: true, registry: null, claim: null });
  });
});
