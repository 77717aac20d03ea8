// registry/regions: the region directory, placement of devices into regions, and waitlist rules.
// This file: where on Earth a device probably is when its round trips say nothing. Offline data only
// (geoip-country, and country reference points generated from world-countries); imports nothing of the registry's other domains, no HTTP, no store.
import { isIP } from "node:net";
import { COUNTRY_CENTROIDS } from "./country-centroids.ts";

/** LatLng is a point in degrees. */
export interface LatLng {
  latitude: number;
  longitude: number;
}

// One pass over the table at load; lookups afterwards are a Map hit.
const CENTROIDS = new Map<string, LatLng>(Object.entries(COUNTRY_CENTROIDS).map(([code, [latitude, longitude]]) => [code, { latitude, longitude }]));

/** isCountryCode says whether code is an ISO 3166-1 alpha-2 code (upper case) of a real country. */
export function isCountryCode(code: string): boolean {
  return CENTROIDS.has(code);
}

/** countryCentroid is the country's reference point (world-countries' latlng), or null for an unknown code. */
export function countryCentroid(iso2: string): LatLng | null {
  return CENTROIDS.get(iso2.toUpperCase()) ?? null;
}

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** greatCircleKm is the haversine distance between a and b. */
export function greatCircleKm(a: LatLng, b: LatLng): number {
  const dLat = (b.latitude - a.latitude) * RAD;
  const dLng = (b.longitude - a.longitude) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * RAD) * Math.cos(b.latitude * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** isPublicIp is false for loopback, private, link-local, CGNAT (tailnet) and unspecified addresses. */
export function isPublicIp(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const addr = mapped ? mapped[1]! : ip;
  const family = isIP(addr);
  if (family === 4) {
    const [a, b] = addr.split(".").map(Number) as [number, number];
    if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  if (family === 6) {
    const lower = addr.toLowerCase();
    if (lower === "::" || lower === "::1") return false;
    // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast.
    return !/^(f[cd]|fe[89ab]|ff)/.test(lower);
  }
  return false;
}

/** GeoLog receives the one notice that geo-IP is unavailable; the registry's logger fits it. */
export type GeoLog = (event: string, fields?: Record<string, unknown>) => void;

interface GeoIpModule {
  lookup(ip: string): { country?: string } | null;
}

/** CountryLookup answers the ISO code of the country an address is in, or null when it cannot tell. */
export type CountryLookup = (ip: string) => Promise<string | null>;

const warnOnStderr: GeoLog = (event, fields) => console.warn(JSON.stringify({ time: new Date().toISOString(), subsystem: "regions", event, ...fields }));

/**
 * createCountryLookup loads geoip-country on first use. The package reads its data files from beside
 * itself, which a compiled binary does not carry, so loading may fail: then every lookup answers null and
 * placement falls back to round trips only. log hears about that once.
 */
export function createCountryLookup(load: () => Promise<GeoIpModule> = loadGeoIpCountry, log: GeoLog = warnOnStderr): CountryLookup {
  let module: Promise<GeoIpModule | null> | null = null;
  const ready = () =>
    (module ??= load().then(
      (m) => m,
      (err: unknown) => {
        log("geo-IP fallback unavailable", {
          reason: err instanceof Error ? err.message : String(err),
          fix: "set GEOIP_DATADIR to a folder holding geoip-country's data files (geoip-country.dat, geoip-country6.dat)",
        });
        return null;
      },
    ));
  return async (ip) => {
    if (!isPublicIp(ip)) return null;
    const geo = await ready();
    if (!geo) return null;
    try {
      const code = geo.lookup(ip)?.country;
      return code && isCountryCode(code) ? code : null;
    } catch {
      return null;
    }
  };
}

async function loadGeoIpCountry(): Promise<GeoIpModule> {
  const imported = (await import("geoip-country")) as { default?: GeoIpModule } & Partial<GeoIpModule>;
  const geo = imported.default ?? (imported as GeoIpModule);
  if (typeof geo.lookup !== "function") throw new Error("geoip-country has no lookup function");
  return geo;
}

/** countryOfIp is the process-wide lookup: the data loads once, on the first public address asked about. */
export const countryOfIp: CountryLookup = createCountryLookup();
