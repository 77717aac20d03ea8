// Registry configs for tests, written as objects and rendered to the YAML the registry reads, so a test
// states only what it needs: which regions, and what is special about each.
import { stringify } from "yaml";

/** RegionPlace is where a test region is: three in North America, far enough apart to place by distance. */
export interface RegionPlace {
  locationRegion: string;
  countries: string[];
  latitude: number;
  longitude: number;
}

export const PLACES = {
  west: { locationRegion: "na-us-west", countries: ["US"], latitude: 45.5, longitude: -122.6 },
  east: { locationRegion: "na-us-northeast", countries: ["US"], latitude: 40.7, longitude: -74.0 },
  north: { locationRegion: "na-ca-central", countries: ["CA"], latitude: 45.4, longitude: -75.7 },
} satisfies Record<string, RegionPlace>;

/** UNCONNECTED is what an active region needs in the config while the registry does not act in its cluster (no join section). */
export const UNCONNECTED = { kubeconfig: "/dev/null", headscale: { url: "http://127.0.0.1:9", apiKeyFile: "/dev/null" } };

/** region is one entry of the regions list; its probe is the registry itself. */
export function region(id: string, name: string, place: RegionPlace, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name, ...place, probeUrl: `\${REGISTRY_URL}/healthz?region=${id}`, ...more };
}

/** registryConfigYaml renders a config: the admins, the waitlist threshold and the regions. */
export function registryConfigYaml(c: { admins: string[]; waitlistThreshold?: number; regions: Record<string, unknown>[] }): string {
  return stringify({ admins: c.admins, ...(c.waitlistThreshold ? { waitlist: { defaultThreshold: c.waitlistThreshold } } : {}), regions: c.regions });
}
