// registry/regions: the directory of configured regions, what the registry tells anyone about them.
// Reads the validated config only; the load (devices per region) comes from the caller, so this file
// imports no store and no other domain.
import type { DeviceRegion } from "../../protocol/device-state.ts";
import type { RegionSummary } from "../../protocol/registry-api.ts";
import type { RegionConfig, RegistryConfig } from "../config/registry-config.ts";

/** RegionDirectory answers questions about the configured regions; the config does not change while it runs. */
export class RegionDirectory {
  private readonly byId: ReadonlyMap<string, RegionConfig>;

  constructor(private readonly config: RegistryConfig) {
    this.byId = new Map(config.regions.map((r) => [r.id, r]));
  }

  /** list is every region in config order (the order placement breaks ties by). */
  list(): readonly RegionConfig[] {
    return this.config.regions;
  }

  get(id: string): RegionConfig | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** summaries is GET /api/v1/regions; load says how many devices hold a place in a region. */
  summaries(load: (regionId: string) => number): RegionSummary[] {
    return this.config.regions.map((r) => {
      const devices = load(r.id);
      return {
        id: r.id,
        name: r.name,
        locationRegion: r.locationRegion,
        probeUrl: r.probeUrl,
        status: r.status,
        admission: r.admission,
        capacity: r.capacity,
        devices,
        full: devices >= r.capacity,
      };
    });
  }

  /** deviceRegion is how a device's view names its region; null for an id no longer configured. */
  deviceRegion(id: string): DeviceRegion | null {
    const r = this.byId.get(id);
    return r ? { id: r.id, name: r.name, locationRegion: r.locationRegion } : null;
  }

  /** allowsFirstUserBootstrap says whether an operator offer may be made for region id. */
  allowsFirstUserBootstrap(id: string): boolean {
    const r = this.byId.get(id);
    return r !== undefined && r.status === "planned" && r.firstUserBootstraps;
  }

  /** admins operate every region. */
  admins(): readonly string[] {
    return this.config.admins;
  }
}
