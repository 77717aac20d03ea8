import { Elysia } from "elysia";
import { STATIC_ASSETS, type StaticAsset } from "../../ui/static/static-assets.ts";
import type { AssetUrls } from "../../ui/kit/index.ts";
import { ASSET_CACHE_CONTROL } from "./guard.ts";

// Each file's URL carries a hash of its content, so browsers may cache it for a year and still get the
// new one the moment an updated agent serves different bytes.

function fingerprinted(asset: StaticAsset): string {
  const hash = new Bun.CryptoHasher("sha256").update(asset.body).digest("hex").slice(0, 12);
  const dot = asset.name.indexOf(".");
  return `/static/${asset.name.slice(0, dot)}.${hash}${asset.name.slice(dot)}`;
}

const BY_PATH = new Map(STATIC_ASSETS.map((a) => [fingerprinted(a), a]));
const PATH_OF = new Map(STATIC_ASSETS.map((a) => [a.name, fingerprinted(a)]));

/** ASSET_URLS are the fingerprinted URLs pages link to. */
export const ASSET_URLS: AssetUrls = {
  css: PATH_OF.get("app.css")!,
  htmx: PATH_OF.get("htmx.min.js")!,
  icon: PATH_OF.get("icon.svg")!,
};

/** staticRoutes serves the embedded files under /static/; an unknown name is a plain 404. */
export function staticRoutes() {
  return new Elysia().get("/static/:file", ({ params }) => {
    const asset = BY_PATH.get(`/static/${params.file}`);
    if (!asset) return new Response("not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    return new Response(asset.body, { headers: { "content-type": asset.contentType, "cache-control": ASSET_CACHE_CONTROL } });
  });
}
