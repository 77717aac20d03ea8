import * as v from "valibot";
import { UpRequest } from "../../protocol/index.ts";
import { formText } from "./form-fields.ts";

/** ClaimFormResult is the claim form checked: what to save, or why not, per field. */
export type ClaimFormResult =
  | { ok: true; registry: string | null; claim: string | null }
  | { ok: false; errors: { registry?: string; claim?: string } };

export interface ClaimFormInput {
  registry: string;
  claim: string;
  /** The registry is fixed by configuration, so the form has no registry field. */
  registryConfigured: boolean;
  /** A claim code is saved already, so an empty field keeps it. */
  claimed: boolean;
}

/** parseClaimForm validates with the same schemas as headless `up` (UpRequest), so both say the same. */
export function parseClaimForm(input: ClaimFormInput): ClaimFormResult {
  const errors: { registry?: string; claim?: string } = {};
  let registry: string | null = null;
  if (!input.registryConfigured) {
    if (!input.registry) {
      errors.registry = "enter the registry's address, like https://registry.example.org";
    } else {
      const r = v.safeParse(UpRequest.entries.registry, input.registry);
      if (!r.success) errors.registry = r.issues[0]?.message ?? "enter a URL";
      else if (!/^https?:\/\//i.test(input.registry)) errors.registry = "the registry's address starts with https:// (or http:// for a test registry)";
      else registry = input.registry.replace(/\/+$/, "");
    }
  }
  let claim: string | null = null;
  if (!input.claim) {
    if (!input.claimed) errors.claim = "enter the claim code from the owner portal";
  } else {
    const c = v.safeParse(UpRequest.entries.claim, input.claim);
    if (!c.success) errors.claim = c.issues[0]?.type === "max_length" ? "a claim code has at most 64 characters" : (c.issues[0]?.message ?? "this is not a claim code");
    else claim = c.output ?? null;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, registry, claim };
}

/** claimFormInput reads the claim form from a post. */
export function claimFormInput(body: unknown, registryConfigured: boolean, claimed: boolean): ClaimFormInput {
  return { registry: formText(body, "registry"), claim: formText(body, "claim"), registryConfigured, claimed };
}
