// ui/static: the files every page loads, embedded in the binary (never from a CDN: the CSP allows only
// 'self', and the page must work on a machine without internet). Servers fingerprint and serve them.
import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "text" };
import appCss from "./app.css" with { type: "text" };
import iconSvg from "./icon.svg" with { type: "text" };

/** StaticAsset is one embedded file: its name (without fingerprint), content type and text. */
export interface StaticAsset {
  name: "app.css" | "htmx.min.js" | "icon.svg";
  contentType: string;
  body: string;
}

/** STATIC_ASSETS are the embedded files, in the order pages reference them. */
export const STATIC_ASSETS: readonly StaticAsset[] = [
  { name: "app.css", contentType: "text/css; charset=utf-8", body: appCss },
  { name: "htmx.min.js", contentType: "text/javascript; charset=utf-8", body: htmxJs },
  { name: "icon.svg", contentType: "image/svg+xml", body: iconSvg },
];
