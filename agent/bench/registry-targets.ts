import { REGISTRY_API } from "../../protocol/registry-api.ts";
import { createRegistryClient } from "../../protocol/registry-client.ts";
import type { RegionProbe } from "../../protocol/bench.ts";

/**
 * DOWNLOAD_TEST_FILE is what the download speed is measured on: the x64 agent binary the registry
 * already serves for install.sh (~90 MB), so no extra file has to be published. Only the first
 * seconds of it are read.
 */
export const DOWNLOAD_TEST_FILE = `${REGISTRY_API.downloads}/akash-home-linux-x64`;

/** NetworkTargets is what the network part of a benchmark measures against one registry. */
export interface NetworkTargets {
  regions: RegionProbe[];
  /** Why the region list could not be had; the benchmark still runs and reports it. */
  regionsError: string | null;
  downloadUrl: string | null;
}

/** networkTargets asks the registry for its regions' probe URLs; never throws. A null registry means nothing to measure. */
export async function networkTargets(registryUrl: string | null, timeoutMs = 5000): Promise<NetworkTargets> {
  if (!registryUrl) return { regions: [], regionsError: null, downloadUrl: null };
  const client = createRegistryClient(registryUrl, timeoutMs);
  const downloadUrl = client.baseUrl + DOWNLOAD_TEST_FILE;
  try {
    const regions = (await client.listRegions()).map((r) => ({ regionId: r.id, name: r.name, probeUrl: r.probeUrl }));
    return { regions, regionsError: null, downloadUrl };
  } catch (err) {
    return { regions: [], regionsError: `region list: ${(err as Error)?.message ?? String(err)}`, downloadUrl };
  }
}
