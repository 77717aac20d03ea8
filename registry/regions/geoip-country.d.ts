// geoip-country ships no types; this declares the one function registry/regions/geo.ts calls.
declare module "geoip-country" {
  export function lookup(ip: string): { country?: string } | null;
}
