import type { Hardware, ProviderAttribute } from "../../protocol/index.ts";

// The attribute set an Akash at Home provider puts on chain (provider.yaml `attributes:`), in the keys the
// Akash docs and the console's provider-attributes schema use: `host: akash` and `tier: community` (both
// required), `location-type: home` (how the deploy console can tell edge compute from a datacenter),
// `location-region`, and capability attributes derived from the devices that hold a place in its regions:
// `capabilities/cpu` (intel|amd|arm), `capabilities/cpu/arch` (x86-64|arm-64), `capabilities/gpu` (vendor)
// and the GPU model keys `capabilities/gpu/vendor/<vendor>/model/<model>[/ram/<size>][/interface/<iface>]`,
// each "true", in the four forms the docs list.

export interface AttributeRegion {
  locationRegion: string;
  countries: readonly string[];
  devices: number;
}

export interface DerivedAttributes {
  attributes: ProviderAttribute[];
  notes: string[];
}

function cpuVendor(h: Hardware): string | null {
  const text = `${h.cpu.vendor} ${h.cpu.model}`.toLowerCase();
  if (text.includes("intel")) return "intel";
  if (text.includes("amd")) return "amd";
  if (/arm|aarch64|neoverse|cortex|grace|ampere/.test(text) || /arm|aarch64/.test(h.cpu.arch.toLowerCase())) return "arm";
  return null;
}

function cpuArch(h: Hardware): string | null {
  const a = (h.cpu.arch || h.os.arch).toLowerCase();
  if (a === "x64" || a === "x86_64" || a === "amd64" || a === "x86-64") return "x86-64";
  if (a === "arm64" || a === "aarch64") return "arm-64";
  return null;
}

/** deriveAttributes builds the on-chain attribute set from a provider's regions and its placed devices' hardware. */
export function deriveAttributes(regions: readonly AttributeRegion[], hardware: readonly Hardware[]): DerivedAttributes {
  const attrs = new Map<string, string>([
    ["host", "akash"],
    ["tier", "community"],
    ["location-type", "home"],
  ]);
  const notes = ["host, tier and location-type are fixed for every Akash at Home provider; location-type home marks it as edge compute."];

  // One location-region per provider: the one most of its devices are in when its regions disagree.
  const byRegion = new Map<string, number>();
  for (const r of regions) byRegion.set(r.locationRegion, (byRegion.get(r.locationRegion) ?? 0) + r.devices);
  const ranked = [...byRegion].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (ranked[0]) attrs.set("location-region", ranked[0][0]);
  if (ranked.length > 1) notes.push(`the regions span ${ranked.map(([k]) => k).join(", ")}; location-region names the one with the most devices`);
  const countries = new Set(regions.flatMap((r) => r.countries));
  if (countries.size === 1) attrs.set("country", [...countries][0]!);

  const vendors = new Map<string, number>();
  const arches = new Map<string, number>();
  const gpuVendors = new Map<string, number>();
  const gpuKeys = new Set<string>();
  const count = (m: Map<string, number>, key: string | null) => {
    if (key) m.set(key, (m.get(key) ?? 0) + 1);
  };
  for (const h of hardware) {
    count(vendors, cpuVendor(h));
    count(arches, cpuArch(h));
    for (const g of h.gpus) {
      if (!g.supported || !g.akashModel || g.vendor === "other") continue;
      count(gpuVendors, g.vendor);
      const base = `capabilities/gpu/vendor/${g.vendor}/model/${g.akashModel}`;
      gpuKeys.add(base);
      if (g.akashMemory) gpuKeys.add(`${base}/ram/${g.akashMemory}`);
      if (g.akashInterface) gpuKeys.add(`${base}/interface/${g.akashInterface}`);
      if (g.akashMemory && g.akashInterface) gpuKeys.add(`${base}/ram/${g.akashMemory}/interface/${g.akashInterface}`);
    }
  }
  // An attribute key holds one value on chain: a mixed fleet names what most hardware has, and says so.
  const pick = (key: string, values: Map<string, number>, what: string) => {
    const ranked = [...values].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (!ranked[0]) return;
    attrs.set(key, ranked[0][0]);
    if (ranked.length > 1) notes.push(`devices have more than one ${what} (${ranked.map(([k, n]) => `${k} ×${n}`).join(", ")}); ${key} names ${ranked[0][0]}, deployers filtering on another will not match`);
  };
  pick("capabilities/cpu", vendors, "CPU vendor");
  pick("capabilities/cpu/arch", arches, "CPU architecture");
  pick("capabilities/gpu", gpuVendors, "GPU vendor");
  for (const key of [...gpuKeys].sort()) attrs.set(key, "true");
  if (hardware.length === 0) notes.push("no device holds a place yet, so no capability attributes are derived");
  else notes.push(`capability attributes come from the ${hardware.length} device(s) that hold a place in the provider's regions; GPUs the agent could not name for Akash are left out`);
  return { attributes: [...attrs].map(([key, value]) => ({ key, value })), notes };
}
