// registry/regions: where a device goes. Pure and synchronous: the caller brings the regions, the load,
// the device's measurements and country; nothing here does I/O or imports another domain.
// Runs on every check-in, so the decision is one pass over the measurements with no sorting; the full
// ranking (rankRegions) is built only for the "why" view.
import type { RegionConfig } from "../config/registry-config.ts";
import { DEFAULT_MAX_DISTANCE_KM } from "../config/registry-config.ts";
import { countryCentroid, greatCircleKm } from "./geo.ts";

/** DeviceFit is what admission compares with a region's requirements. */
export interface DeviceFit {
  cpuCores: number;
  memoryGiB: number;
  gpuCount: number;
}

export interface MeasuredRtt {
  regionId: string;
  /** null when the agent could not measure it. */
  rttMs: number | null;
}

export interface PlacementInput {
  regions: readonly RegionConfig[];
  /** Devices that hold a place in the region: assigned, joining, online, offline, paused. */
  devicesInRegion: (regionId: string) => number;
  rtts: readonly MeasuredRtt[];
  /** "auto" or the id of the region the owner picked. */
  choice: string;
  /** ISO 3166-1 alpha-2 code from geo-IP, or null. */
  country: string | null;
  device: DeviceFit;
  maxRttMs: number;
  /** Limit for the distance fallback (no RTT measured); defaults to 3000 km. */
  maxDistanceKm?: number;
}

export type PlacementBasis = "rtt" | "country" | "distance" | "choice";

export type Placement =
  | { kind: "assigned" | "pending_approval"; regionId: string; basis: PlacementBasis; rttMs: number | null }
  | { kind: "waitlisted"; area: string; reason: string };

interface RegionIndex {
  byId: Map<string, number>;
}

// Regions come from the config and live for the process; indexing them once keeps each placement a
// handful of Map hits. Pass the same array every time (RegionDirectory.list()) to keep that.
const indexes = new WeakMap<readonly RegionConfig[], RegionIndex>();

function indexOf(regions: readonly RegionConfig[]): RegionIndex {
  let index = indexes.get(regions);
  if (!index) {
    index = { byId: new Map(regions.map((r, i) => [r.id, i])) };
    indexes.set(regions, index);
  }
  return index;
}

/**
 * requirementRefusal says why region's requirements refuse device ("<subject> needs at least 4 CPU cores
 * (this device has 2)"), or null when they admit it. subject defaults to the region's id.
 */
export function requirementRefusal(region: RegionConfig, device: DeviceFit, subject: string = region.id): string | null {
  const req = region.requirements;
  if (!req) return null;
  if (req.minCpuCores !== undefined && device.cpuCores < req.minCpuCores) return `${subject} needs at least ${req.minCpuCores} CPU cores (this device has ${device.cpuCores})`;
  if (req.minMemoryGiB !== undefined && device.memoryGiB < req.minMemoryGiB) {
    return `${subject} needs at least ${req.minMemoryGiB} GiB of memory (this device has ${round1(device.memoryGiB)} GiB)`;
  }
  if (req.gpuRequired && device.gpuCount < 1) return `${subject} takes only devices with a GPU`;
  return null;
}

const isFull = (region: RegionConfig, input: PlacementInput) => input.devicesInRegion(region.id) >= region.capacity;
const usableRtt = (rtt: number | null): rtt is number => rtt !== null && Number.isFinite(rtt) && rtt >= 0;
const round1 = (n: number) => Math.round(n * 10) / 10;

function decided(region: RegionConfig, basis: PlacementBasis, rttMs: number | null): Placement {
  return { kind: region.admission === "approval" ? "pending_approval" : "assigned", regionId: region.id, basis, rttMs };
}

/**
 * placeDevice picks the device's region: the lowest measured round trip among active regions that have
 * room and admit the device, within maxRttMs; with no usable measurement, a region listing the device's
 * country, then the nearest by great-circle distance. An explicit choice is honoured when it qualifies.
 * Anything else waitlists the device with a reason its owner can act on.
 */
export function placeDevice(input: PlacementInput): Placement {
  const { regions } = input;
  const index = indexOf(regions);

  // One pass over the measurements: the best qualifying region, plus what the reason needs if none.
  let measuredActive = false;
  let best = -1;
  let bestRtt = Infinity;
  let nearestAny = -1;
  let nearestAnyRtt = Infinity;
  let nearestActive = -1;
  let nearestActiveRtt = Infinity;
  let withinLimit = 0;
  let fullWithinLimit = 0;
  let refusal: string | null = null;
  let chosenRtt: number | null = null;
  for (const { regionId, rttMs } of input.rtts) {
    if (!usableRtt(rttMs)) continue;
    const i = index.byId.get(regionId);
    if (i === undefined) continue;
    const region = regions[i]!;
    if (regionId === input.choice) chosenRtt = chosenRtt === null ? rttMs : Math.min(chosenRtt, rttMs);
    if (rttMs < nearestAnyRtt) {
      nearestAny = i;
      nearestAnyRtt = rttMs;
    }
    if (region.status !== "active") continue;
    measuredActive = true;
    if (rttMs < nearestActiveRtt) {
      nearestActive = i;
      nearestActiveRtt = rttMs;
    }
    if (rttMs > input.maxRttMs || rttMs > bestRtt || (rttMs === bestRtt && i > best)) continue;
    withinLimit++;
    if (isFull(region, input)) {
      fullWithinLimit++;
      continue;
    }
    const refused = requirementRefusal(region, input.device);
    if (refused !== null) {
      refusal ??= refused;
      continue;
    }
    best = i;
    bestRtt = rttMs;
  }
  // The counts feed the reason only when nothing qualified, and then bestRtt stayed Infinity, so no region
  // was skipped uncounted by the test against it.

  const area = () => input.country ?? (nearestAny >= 0 ? `near-${regions[nearestAny]!.id}` : "unknown");
  const waitlisted = (reason: string): Placement => ({ kind: "waitlisted", area: area(), reason });

  if (input.choice !== "auto") {
    const i = index.byId.get(input.choice);
    if (i === undefined) return waitlisted(`you chose region "${input.choice}", which does not exist; choose a listed region or auto`);
    const region = regions[i]!;
    const refused = choiceRefusal(region, input, chosenRtt);
    return refused === null ? decided(region, "choice", chosenRtt) : waitlisted(`you chose ${region.id}, but ${refused}`);
  }

  if (best >= 0) return decided(regions[best]!, "rtt", bestRtt);

  if (measuredActive) {
    if (withinLimit === 0) {
      return waitlisted(`no region within ${input.maxRttMs} ms: nearest is ${regions[nearestActive]!.id} at ${Math.round(nearestActiveRtt)} ms`);
    }
    if (fullWithinLimit === withinLimit) return waitlisted(`every region within ${input.maxRttMs} ms is full`);
    if (fullWithinLimit === 0) return waitlisted(`no region within ${input.maxRttMs} ms admits this device: ${refusal}`);
    return waitlisted(`every region within ${input.maxRttMs} ms is full or refuses this device: ${refusal}`);
  }

  return placeByGeography(input, area());
}

/** choiceRefusal says why the owner's chosen region cannot take the device, or null. */
function choiceRefusal(region: RegionConfig, input: PlacementInput, rttMs: number | null): string | null {
  if (region.status !== "active") return `it is planned, not running yet`;
  if (rttMs !== null && rttMs > input.maxRttMs) return `its round trip from this device is ${Math.round(rttMs)} ms, above the ${input.maxRttMs} ms limit`;
  if (isFull(region, input)) return `it is full (${region.capacity} devices)`;
  return requirementRefusal(region, input.device, "it");
}

function placeByGeography(input: PlacementInput, area: string): Placement {
  const { regions, country } = input;
  if (country === null) {
    return { kind: "waitlisted", area, reason: "this device measured no round trip to any running region and its country is unknown; check that it can reach the registry's probe URLs" };
  }
  const centre = countryCentroid(country);
  let listed = 0;
  let best = -1;
  let bestKm = Infinity;
  let refusal: string | null = null;
  for (let i = 0; i < regions.length; i++) {
    const region = regions[i]!;
    if (region.status !== "active" || !region.countries.includes(country)) continue;
    listed++;
    if (isFull(region, input)) continue;
    const refused = requirementRefusal(region, input.device);
    if (refused !== null) {
      refusal ??= refused;
      continue;
    }
    const km = centre ? greatCircleKm(centre, region) : 0;
    if (km < bestKm) {
      best = i;
      bestKm = km;
    }
  }
  if (best >= 0) return decided(regions[best]!, "country", null);

  const maxKm = input.maxDistanceKm ?? DEFAULT_MAX_DISTANCE_KM;
  if (!centre) return { kind: "waitlisted", area: country, reason: `no running region serves ${country}` };
  let nearest = -1;
  let nearestKm = Infinity;
  for (let i = 0; i < regions.length; i++) {
    const region = regions[i]!;
    if (region.status !== "active" || isFull(region, input) || requirementRefusal(region, input.device) !== null) continue;
    const km = greatCircleKm(centre, region);
    if (km < nearestKm) {
      nearest = i;
      nearestKm = km;
    }
  }
  if (nearest >= 0 && nearestKm <= maxKm) return decided(regions[nearest]!, "distance", null);

  const served = listed > 0 ? `every region serving ${country} is full${refusal ? ` or refuses this device (${refusal})` : ""}` : `no region serves ${country}`;
  const far =
    nearest >= 0
      ? `the nearest other region with room, ${regions[nearest]!.id}, is ${Math.round(nearestKm)} km away (limit ${maxKm} km)`
      : "no other running region has room for this device";
  return { kind: "waitlisted", area: country, reason: `${served}; ${far}` };
}

/** RegionRank is one row of the "why" view: how a region looked to this device. */
export interface RegionRank {
  regionId: string;
  rttMs: number | null;
  /** From the device country's centre, when the country is known. */
  distanceKm: number | null;
  /** Whether placement could pick this region for the device. */
  eligible: boolean;
  /** Why not, when not eligible. */
  refusal: string | null;
}

/**
 * rankRegions lists every region as placement saw it for this device: eligible ones first, each group by
 * round trip (unmeasured last) and then distance. For explaining a decision, not for making it.
 */
export function rankRegions(input: PlacementInput): RegionRank[] {
  const rtts = new Map<string, number>();
  for (const { regionId, rttMs } of input.rtts) {
    if (usableRtt(rttMs)) rtts.set(regionId, Math.min(rtts.get(regionId) ?? Infinity, rttMs));
  }
  const centre = input.country ? countryCentroid(input.country) : null;
  const rows = input.regions.map((region): RegionRank => {
    const rttMs = rtts.get(region.id) ?? null;
    let refusal: string | null = null;
    if (region.status !== "active") refusal = "planned, not running yet";
    else if (rttMs !== null && rttMs > input.maxRttMs) refusal = `round trip ${Math.round(rttMs)} ms is above the ${input.maxRttMs} ms limit`;
    else if (isFull(region, input)) refusal = `full (${input.devicesInRegion(region.id)} of ${region.capacity} devices)`;
    else refusal = requirementRefusal(region, input.device);
    return {
      regionId: region.id,
      rttMs,
      distanceKm: centre ? Math.round(greatCircleKm(centre, region)) : null,
      eligible: refusal === null,
      refusal,
    };
  });
  return rows.sort(
    (a, b) =>
      Number(b.eligible) - Number(a.eligible) ||
      (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity) ||
      (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity),
  );
}
