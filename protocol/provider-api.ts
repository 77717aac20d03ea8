import * as v from "valibot";

// The deploy console's view of an Akash at Home provider: is it edge (home) compute, where, how many
// devices, how reliable, and the attribute set its provider record should carry on chain. Public and cached.

/** ProviderRegion is one region a provider's cluster serves. */
export const ProviderRegion = v.object({
  id: v.string(),
  name: v.string(),
  /** Akash location-region code, e.g. "na-us-west". */
  locationRegion: v.string(),
  devices: v.number(),
  online: v.number(),
});
export type ProviderRegion = v.InferOutput<typeof ProviderRegion>;

/** UptimePercentiles summarise each device's online share over the window; higher is better. */
export const UptimePercentiles = v.object({
  windowDays: v.number(),
  /** Devices that held a place at some time in the window: the sample the percentiles are taken over. */
  devicesMeasured: v.number(),
  mean: v.nullable(v.number()),
  p10: v.nullable(v.number()),
  p50: v.nullable(v.number()),
  p90: v.nullable(v.number()),
});
export type UptimePercentiles = v.InferOutput<typeof UptimePercentiles>;

/** ProviderInfo answers GET /api/v1/providers/{address}. */
export const ProviderInfo = v.object({
  address: v.string(),
  /** True: workers are home devices joined over a mesh VPN, not a datacenter. */
  edge: v.boolean(),
  network: v.literal("akash-at-home"),
  locationType: v.literal("home"),
  regions: v.array(ProviderRegion),
  devices: v.object({ total: v.number(), online: v.number(), gpus: v.number() }),
  reliability: UptimePercentiles,
  /** When these numbers were computed; answers are cached for a minute. */
  at: v.string(),
});
export type ProviderInfo = v.InferOutput<typeof ProviderInfo>;

/** ProviderAttribute is one key/value of a provider's on-chain attributes. */
export const ProviderAttribute = v.object({ key: v.string(), value: v.string() });
export type ProviderAttribute = v.InferOutput<typeof ProviderAttribute>;

/** ProviderAttributes answers GET /api/v1/providers/{address}/attributes, ready for provider.yaml. */
export const ProviderAttributes = v.object({
  address: v.string(),
  attributes: v.array(ProviderAttribute),
  /** Where each derived attribute came from, for the operator who puts them on chain. */
  notes: v.array(v.string()),
  at: v.string(),
});
export type ProviderAttributes = v.InferOutput<typeof ProviderAttributes>;
