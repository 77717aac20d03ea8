// How routes answer: whole pages, redirects that work with and without htmx, and fragments.

/** isHtmx says the request came from htmx (a boosted link or form, or a polling partial). */
export function isHtmx(request: Request): boolean {
  return request.headers.get("hx-request") === "true";
}

/** htmlResponse answers with HTML; the security headers are added for every response in web-app.ts. */
export function htmlResponse(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}

/**
 * redirectTo sends the browser to path after a form post (post/redirect/get): htmx follows HX-Location
 * without a full reload; a plain browser follows a 303, which turns the POST into a GET.
 */
export function redirectTo(request: Request, path: string, headers: Record<string, string> = {}): Response {
  if (isHtmx(request)) return new Response(null, { status: 200, headers: { "hx-location": path, ...headers } });
  return new Response(null, { status: 303, headers: { location: path, ...headers } });
}

/**
 * pageAgain answers a form post with its page re-rendered (a refused value, a step that cannot go on).
 * htmx would put the form's action in the address bar; HX-Replace-Url keeps the page's own address.
 */
export function pageAgain(request: Request, html: string, status: number, pagePath: string): Response {
  return htmlResponse(html, status, isHtmx(request) ? { "hx-replace-url": pagePath } : {});
}
