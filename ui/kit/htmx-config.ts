// htmx is configured by a meta tag because the CSP forbids inline scripts. The settings close the doors
// htmx leaves open by default: requests to other origins, <script> in swapped HTML, eval-based
// features, and the inline <style> it would inject (which the CSP would block anyway).

/** HTMX_CONFIG is the page's htmx configuration, served in <meta name="htmx-config">. */
export const HTMX_CONFIG = {
  selfRequestsOnly: true,
  allowScriptTags: false,
  allowEval: false,
  includeIndicatorStyles: false,
  // Pages may show what the owner typed; keep no copies in localStorage, ask the server on back/forward.
  historyCacheSize: 0,
  // htmx copies "style" between old and new elements while settling; under style-src 'self' that is a
  // CSP violation, and our pages never carry style attributes anyway.
  attributesToSettle: ["class", "width", "height"],
  refreshOnHistoryMiss: true,
  // Our error answers are friendly pages and fragments meant to be shown, so swap them like successes.
  responseHandling: [
    { code: "204", swap: false },
    { code: "[2345]..", swap: true },
  ],
} as const;

/** htmxConfigJson is HTMX_CONFIG as the meta tag's content. */
export const htmxConfigJson = JSON.stringify(HTMX_CONFIG);

/**
 * selfPolling makes an element fetch its own replacement after delayMs: the partial answers with itself
 * again while work goes on, and with its final state (no trigger) when done, so polling stops by itself.
 */
export function selfPolling(url: string, delayMs = 500): Record<string, string> {
  return { "hx-get": url, "hx-trigger": `load delay:${delayMs}ms`, "hx-target": "this", "hx-swap": "outerHTML" };
}
