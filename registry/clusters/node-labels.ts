import type { Gpu } from "../../protocol/hardware.ts";

// The labels a home device's Node carries. Two families, kept apart on purpose:
//   home.akash.network/*  ours: the edge flag, device, owner and region. Not under "akash.network": Akash's
//                         inventory operator owns every key that starts with that string (provider
//                         operator/inventory/node-discovery.go isLabelManaged) and rewrites or strips them.
//   akash.network*        the capability labels Akash's bid engine and workload affinity match
//                         (akash.network=true, akash.network/capabilities.gpu.vendor.<v>.model.<m>[.ram.<r>]
//                         [.interface.<i>] = count, plus nvidia.com/gpu.present=true), in the inventory
//                         operator's exact form, so a region without the operator still bids on the GPUs and a
//                         region with it sees the same labels it would write. Apply them at registration only:
//                         once the operator runs it is their owner (it removes them while a node is cordoned).
// Labels are descriptive; the registry never trusts them for identity: a Node's device is its name.

export const LABEL_PREFIX = "home.akash.network";
export const EDGE_LABEL = `${LABEL_PREFIX}/edge`;
export const DEVICE_ID_LABEL = `${LABEL_PREFIX}/device-id`;
export const OWNER_LABEL = `${LABEL_PREFIX}/owner`;
export const REGION_LABEL = `${LABEL_PREFIX}/region`;
export const LOCATION_REGION_LABEL = `${LABEL_PREFIX}/location-region`;
export const AKASH_MANAGED_LABEL = "akash.network";
export const GPU_CAPABILITY_PREFIX = "akash.network/capabilities.gpu";
export const NVIDIA_GPU_PRESENT_LABEL = "nvidia.com/gpu.present";

/** The selector for every home device's Node. */
export const EDGE_SELECTOR = `${EDGE_LABEL}=true`;

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export type GpuLabelInput = Pick<Gpu, "vendor" | "akashModel" | "akashMemory" | "akashInterface" | "supported">;

export interface DeviceLabelInput {
  deviceId: string;
  /** The owner's Akash address (akash1…, 44 characters). */
  owner: string;
  regionId: string;
  /** The region's Akash location-region attribute, e.g. na-us-west. */
  locationRegion: string;
  /** The GPUs the device offers; unsupported ones and those without an Akash model name get no label. */
  gpus: readonly GpuLabelInput[];
}

/** isInventoryManagedLabel: keys Akash's inventory operator owns once it runs in the region. */
export function isInventoryManagedLabel(key: string): boolean {
  return key.startsWith(AKASH_MANAGED_LABEL) || key === NVIDIA_GPU_PRESENT_LABEL;
}

/** isValidLabelKey checks a label key: optional DNS-subdomain prefix and a name part of at most 63 characters. */
export function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : "";
  if (!NAME_PART.test(name)) return false;
  return prefix === "" || (prefix.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix));
}

export function isValidLabelValue(value: string): boolean {
  return VALUE.test(value);
}

/** deviceNodeLabels is every label a home device's Node carries (see the header for who owns which). */
export function deviceNodeLabels(input: DeviceLabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    [EDGE_LABEL]: "true",
    [DEVICE_ID_LABEL]: input.deviceId,
    [OWNER_LABEL]: input.owner,
    [REGION_LABEL]: input.regionId,
    [LOCATION_REGION_LABEL]: input.locationRegion,
    [AKASH_MANAGED_LABEL]: "true",
    ...gpuCapabilityLabels(input.gpus),
  };
  for (const [key, value] of Object.entries(labels)) {
    // Identity values come from our own records; one that is not a label value is a bug upstream, not a GPU quirk.
    if (!isValidLabelKey(key) || !isValidLabelValue(value)) throw new RangeError(`cannot label a Node ${key}=${JSON.stringify(value)}: not a valid Kubernetes label`);
  }
  return labels;
}

/** deviceIdentityLabels is the subset the registry may re-assert at any time (ours only). */
export function deviceIdentityLabels(input: Omit<DeviceLabelInput, "gpus">): Record<string, string> {
  const all = deviceNodeLabels({ ...input, gpus: [] });
  return Object.fromEntries(Object.entries(all).filter(([k]) => !isInventoryManagedLabel(k)));
}

/**
 * gpuCapabilityLabels counts GPUs per model the way the inventory operator does: each GPU adds one to
 * …model.<m>, to …model.<m>.ram.<r> when its memory is known, and to …model.<m>.interface.<i> when its
 * interface is. A key whose name part would pass 63 characters is left out (the API server would refuse it).
 */
export function gpuCapabilityLabels(gpus: readonly GpuLabelInput[]): Record<string, string> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  let nvidia = false;
  for (const gpu of gpus) {
    if (!gpu.supported || !gpu.akashModel) continue;
    const model = gpu.akashModel.toLowerCase();
    if (!/^[a-z0-9]+$/.test(model) || gpu.vendor === "other") continue; // Akash names are [a-z0-9] only
    if (gpu.vendor === "nvidia") nvidia = true;
    const base = `${GPU_CAPABILITY_PREFIX}.vendor.${gpu.vendor}.model.${model}`;
    add(base);
    if (gpu.akashMemory && /^[0-9]+[A-Za-z]*$/.test(gpu.akashMemory)) add(`${base}.ram.${gpu.akashMemory}`);
    if (gpu.akashInterface) add(`${base}.interface.${gpu.akashInterface}`);
  }
  const labels: Record<string, string> = {};
  for (const [key, count] of counts) if (isValidLabelKey(key)) labels[key] = String(count);
  if (nvidia) labels[NVIDIA_GPU_PRESENT_LABEL] = "true";
  return labels;
}
