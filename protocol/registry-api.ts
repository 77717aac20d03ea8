import * as v from "valibot";

/** REGISTRY_API are the registry's public paths the agent uses. */
export const REGISTRY_API = {
  health: "/healthz",
  regions: "/api/v1/regions",
  downloads: "/downloads",
} as const;

/** RegionSummary is what the registry tells a device about one region. */
export const RegionSummary = v.object({
  id: v.string(),
  name: v.string(),
  /** Akash location-region code, e.g. "na-us-west". */
  locationRegion: v.string(),
  probeUrl: v.string(),
  status: v.picklist(["active", "planned"]),
  full: v.boolean(),
});
export type RegionSummary = v.InferOutput<typeof RegionSummary>;

/** RegionList answers GET /api/v1/regions. */
export const RegionList = v.object({ regions: v.array(RegionSummary) });
export type RegionList = v.InferOutput<typeof RegionList>;
