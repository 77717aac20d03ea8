import * as v from "valibot";

// The deploy console's view of an Akash at Home provider: is it edge (home) compute, where, how many
// devices, how reliable, and the attribute set its provider record should carry on chain. Public and cached.
// The descriptions travel into the OpenAPI document (/api/openapi.json), which is what the console's
// developers read.

const described = <S extends v.GenericSchema>(schema: S, description: string) => v.pipe(schema, v.description(description));

/** ProviderRegion is one region a provider's cluster serves. */
export const ProviderRegion = described(
  v.object({
    id: v.string(),
    name: v.string(),
    /** Akash location-region code, e.g. "na-us-west". */
    locationRegion: described(v.string(), 'Akash location-region code, e.g. "na-us-west"'),
    devices: described(v.number(), "Devices holding a place in the region (assigned, joining, online, offline or paused)"),
    online: described(v.number(), "Of those, the devices online now"),
  }),
  "One region (a regional cluster) the provider's workers are in",
);
export type ProviderRegion = v.InferOutput<typeof ProviderRegion>;

/** UptimePercentiles summarise each device's online share over the window; higher is better. */
export const UptimePercentiles = described(
  v.object({
    windowDays: described(v.number(), "Days of history the shares are measured over (30)"),
    /** Devices that held a place at some time in the window: the sample the percentiles are taken over. */
    devicesMeasured: described(v.number(), "Devices with at least an hour of history that held a place in the window: the sample"),
    mean: described(v.nullable(v.number()), "Mean online share, 0 to 1; null when no device was measured"),
    p10: described(v.nullable(v.number()), "10th percentile of the devices' online shares: nine in ten devices were online at least this share of the time"),
    p50: described(v.nullable(v.number()), "Median online share"),
    p90: described(v.nullable(v.number()), "90th percentile online share"),
  }),
  "Each device's online share of the window (0 to 1), summarised over the provider's devices; higher is more reliable",
);
export type UptimePercentiles = v.InferOutput<typeof UptimePercentiles>;

/** ProviderInfo answers GET /api/v1/providers/{address}. */
export const ProviderInfo = described(
  v.object({
    address: described(v.string(), "The provider's Akash address (akash1…)"),
    /** True: workers are home devices joined over a mesh VPN, not a datacenter. */
    edge: described(v.boolean(), "True: the provider's workers are home devices joined over a mesh VPN, not datacenter machines"),
    network: v.literal("akash-at-home"),
    locationType: described(v.literal("home"), "The location-type attribute the provider carries on chain"),
    regions: v.array(ProviderRegion),
    devices: described(v.object({ total: v.number(), online: v.number(), gpus: v.number() }), "Devices holding a place in its regions, those online now, and the supported GPUs on the online ones"),
    reliability: UptimePercentiles,
    /** When these numbers were computed; answers are cached for a minute. */
    at: described(v.string(), "When these numbers were computed (RFC 3339); answers are cached for a minute and carry an ETag"),
  }),
  "Whether a provider is Akash at Home edge compute, where its workers are, how many, and how reliable. An address this registry does not serve answers 404: it is not an edge provider of this network.",
);
export type ProviderInfo = v.InferOutput<typeof ProviderInfo>;

/** ProviderAttribute is one key/value of a provider's on-chain attributes. */
export const ProviderAttribute = described(
  v.object({ key: v.string(), value: v.string() }),
  'One attribute of the provider\'s on-chain record, e.g. key "location-type" value "home", or key "capabilities/gpu/vendor/nvidia/model/rtx4090" value "true"',
);
export type ProviderAttribute = v.InferOutput<typeof ProviderAttribute>;

/** ProviderAttributes answers GET /api/v1/providers/{address}/attributes, ready for provider.yaml. */
export const ProviderAttributes = described(
  v.object({
    address: described(v.string(), "The provider's Akash address (akash1…)"),
    attributes: described(
      v.array(ProviderAttribute),
      "Ready for provider.yaml's attributes: host=akash and tier=community (required by Akash), location-type=home (how the deploy console tells edge from datacenter), location-region (the region most devices are in), country when every region is in one, capabilities/cpu (intel|amd|arm) and capabilities/cpu/arch (x86-64|arm-64) as most devices have them, capabilities/gpu (vendor), and one capabilities/gpu/vendor/<vendor>/model/<model>[/ram/<size>][/interface/<iface>]=true per GPU model its devices offer",
    ),
    /** Where each derived attribute came from, for the operator who puts them on chain. */
    notes: described(v.array(v.string()), "Where each derived attribute came from, and what a mixed fleet gave up, for the operator who puts them on chain"),
    at: described(v.string(), "When the set was derived (RFC 3339); cached for a minute"),
  }),
  "The attribute set an Akash at Home provider's record should carry on chain, derived from the devices holding a place in its regions",
);
export type ProviderAttributes = v.InferOutput<typeof ProviderAttributes>;
