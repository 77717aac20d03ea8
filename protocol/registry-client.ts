import * as v from "valibot";
import { REGISTRY_API, RegionList, type RegionSummary } from "./registry-api.ts";

/** RegistryUnreachable says the registry could not be reached or answered something we cannot use. */
export class RegistryUnreachable extends Error {
  override name = "RegistryUnreachable";
}

/** fetchRegistry sends one request to the registry; no answer within timeoutMs, or none at all, is RegistryUnreachable. */
export async function fetchRegistry(base: string, path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(base + path, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const reason = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000}s` : String((err as Error)?.message ?? err);
    throw new RegistryUnreachable(`registry not reachable at ${base}: ${reason}`, { cause: err });
  }
}

/** RegistryClient is the agent's typed view of the registry; every answer is validated. */
export interface RegistryClient {
  readonly baseUrl: string;
  health(): Promise<void>;
  listRegions(): Promise<RegionSummary[]>;
}

/** createRegistryClient talks to the registry at baseUrl over HTTP(S) with a per-request timeout. */
export function createRegistryClient(baseUrl: string, timeoutMs = 5000): RegistryClient {
  const base = baseUrl.replace(/\/+$/, "");

  async function get(path: string): Promise<Response> {
    const res = await fetchRegistry(base, path, { headers: { accept: "application/json" } }, timeoutMs);
    if (!res.ok) throw new RegistryUnreachable(`registry at ${base} answered ${res.status} for ${path}`);
    return res;
  }

  return {
    baseUrl: base,
    async health() {
      await get(REGISTRY_API.health);
    },
    async listRegions() {
      const body = await (await get(REGISTRY_API.regions)).json().catch(() => null);
      const parsed = v.safeParse(RegionList, body);
      if (!parsed.success) throw new RegistryUnreachable(`registry at ${base} sent a region list this agent does not understand`);
      return parsed.output.regions;
    },
  };
}
