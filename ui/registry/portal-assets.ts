// ui/registry: the registry's pages — the owner portal (sign-in, devices, adding a device, earnings), the
// public network page with its map, and the admin portal for regional operators. Pure views: data in,
// HTML (or SVG) out. Imports only protocol/ and ui/kit; never registry/ or agent/.
import portalCss from "./static/portal.css" with { type: "text" };
import portalJs from "./static/portal.js" with { type: "text" };

/** PortalAsset is one embedded file the portal pages load besides the kit's (app.css, htmx, icon). */
export interface PortalAsset {
  name: "portal.css" | "portal.js";
  contentType: string;
  body: string;
}

export const PORTAL_ASSETS: readonly PortalAsset[] = [
  { name: "portal.css", contentType: "text/css; charset=utf-8", body: portalCss },
  { name: "portal.js", contentType: "text/javascript; charset=utf-8", body: portalJs },
];

/** PortalAssetUrls are the fingerprinted URLs of every file a portal page loads. */
export interface PortalAssetUrls {
  css: string;
  htmx: string;
  icon: string;
  portalCss: string;
  portalJs: string;
}
