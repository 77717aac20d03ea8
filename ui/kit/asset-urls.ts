/** AssetUrls are where the page finds its embedded static files; the server fingerprints them for caching. */
export interface AssetUrls {
  css: string;
  htmx: string;
  icon: string;
}
