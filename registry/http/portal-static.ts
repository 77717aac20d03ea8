import { STATIC_ASSETS } from "../../ui/static/static-assets.ts";
import { PORTAL_ASSETS, type PortalAssetUrls } from "../../ui/registry/portal-assets.ts";

// The files the registry's pages load, embedded in the binary and served under /static/ with a hash of
// their content in the name: browsers keep them a year and still get new bytes the moment they change.

interface Served {
  contentType: string;
  body: string;
  etag: string;
}

const ALL = [...STATIC_ASSETS, ...PORTAL_ASSETS];

function fingerprint(name: string, body: string): { path: string; hash: string } {
  const hash = new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 12);
  const dot = name.indexOf(".");
  return { path: `/static/${name.slice(0, dot)}.${hash}${name.slice(dot)}`, hash };
}

const BY_PATH = new Map<string, Served>();
const URL_OF = new Map<string, string>();
for (const a of ALL) {
  const { path, hash } = fingerprint(a.name, a.body);
  BY_PATH.set(path, { contentType: a.contentType, body: a.body, etag: `"${hash}"` });
  URL_OF.set(a.name, path);
}

/** PORTAL_ASSET_URLS are the fingerprinted URLs the pages link to. */
export const PORTAL_ASSET_URLS: PortalAssetUrls = {
  css: URL_OF.get("app.css")!,
  htmx: URL_OF.get("htmx.min.js")!,
  icon: URL_OF.get("icon.svg")!,
  portalCss: URL_OF.get("portal.css")!,
  portalJs: URL_OF.get("portal.js")!,
};

/** STATIC_ROUTE is the path template the server routes to serveStatic. */
export const STATIC_ROUTE = "/static/:file";

/** serveStatic answers a fingerprinted file, or a plain 404 for any other name. */
export function serveStatic(req: Request & { params?: Record<string, string> }, headers: Record<string, string>): Response {
  const asset = BY_PATH.get(`/static/${req.params?.file ?? ""}`);
  if (!asset) return new Response(JSON.stringify({ error: { code: "not_found", message: "no such static file", fix: "reload the page: file names change with every release" } }), { status: 404, headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
  if (req.headers.get("if-none-match") === asset.etag) return new Response(null, { status: 304, headers: { ...headers, etag: asset.etag, "cache-control": "public, max-age=31536000, immutable" } });
  return new Response(asset.body, { headers: { ...headers, "content-type": asset.contentType, etag: asset.etag, "cache-control": "public, max-age=31536000, immutable" } });
}
