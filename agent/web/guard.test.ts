import { describe, expect, test } from "bun:test";
import { assertLoopbackListen, checkBodySize, checkHost, checkSameOrigin, isPublicRoute, parseListen, SECURITY_HEADERS } from "./guard.ts";

describe("listen address", () => {
  test.each([
    ["127.0.0.1:7777", "127.0.0.1", 7777],
    ["localhost:8080", "localhost", 8080],
    ["[::1]:7777", "::1", 7777],
  ])("%s is loopback and accepted", (listen, hostname, port) => {
    expect(assertLoopbackListen(listen)).toEqual({ hostname, port });
  });

  test.each(["0.0.0.0:7777", "192.168.1.20:7777", "[::]:7777", "example.com:7777", "127.0.0.2:7777"])("%s is refused: the page must not be reachable from elsewhere", (listen) => {
    expect(() => assertLoopbackListen(listen)).toThrow(/must listen on loopback/);
  });

  test.each(["127.0.0.1", "127.0.0.1:0", "127.0.0.1:http", "127.0.0.1:70000"])("%s is not a usable address", (listen) => {
    expect(() => parseListen(listen)).toThrow();
  });
});

describe("Host check (DNS rebinding)", () => {
  test.each(["127.0.0.1:7777", "localhost:7777", "[::1]:7777", "LOCALHOST:7777"])("%s is allowed", (host) => {
    expect(checkHost(host, 7777)).toBeNull();
  });

  test.each([
    ["evil.com:7777"],
    ["127.0.0.1.evil.com"],
    ["127.0.0.1.evil.com:7777"],
    ["127.0.0.1"],
    ["localhost"],
    ["127.0.0.1:7778"],
    ["192.168.1.20:7777"],
    ["[::1]"],
    [""],
  ])("%p is refused with 403", (host) => {
    const refusal = checkHost(host, 7777);
    expect(refusal?.status).toBe(403);
    expect(refusal?.reason).toStartWith("Host check failed");
  });

  test("a missing Host header is refused", () => {
    expect(checkHost(null, 7777)?.reason).toBe("Host check failed: the request has no Host header");
  });
});

describe("same-origin check for requests that change state", () => {
  const host = "127.0.0.1:7777";
  test("GET and HEAD pass whatever their origin", () => {
    expect(checkSameOrigin({ method: "GET", host, secFetchSite: "cross-site", origin: "https://evil.com" })).toBeNull();
    expect(checkSameOrigin({ method: "HEAD", host, secFetchSite: "cross-site", origin: null })).toBeNull();
  });

  test("a POST the browser marks same-origin passes", () => {
    expect(checkSameOrigin({ method: "POST", host, secFetchSite: "same-origin", origin: "http://127.0.0.1:7777" })).toBeNull();
  });

  test.each(["cross-site", "same-site", "none"])("a POST with Sec-Fetch-Site: %s is refused, even with a matching Origin", (site) => {
    const refusal = checkSameOrigin({ method: "POST", host, secFetchSite: site, origin: "http://127.0.0.1:7777" });
    expect(refusal?.status).toBe(403);
    expect(refusal?.reason).toContain(`Sec-Fetch-Site: ${site}`);
  });

  test("without Sec-Fetch-Site, an Origin equal to Host passes", () => {
    expect(checkSameOrigin({ method: "POST", host, secFetchSite: null, origin: "http://127.0.0.1:7777" })).toBeNull();
  });

  test.each([
    ["https://evil.com", "does not match Host"],
    ["http://127.0.0.1:7778", "does not match Host"],
    ["http://localhost:7777", "does not match Host"],
    ["null", "is not a URL"],
  ])("without Sec-Fetch-Site, Origin %s is refused", (origin, why) => {
    expect(checkSameOrigin({ method: "POST", host, secFetchSite: null, origin })?.reason).toContain(why);
  });

  test("a POST with neither header is refused", () => {
    expect(checkSameOrigin({ method: "POST", host, secFetchSite: null, origin: null })?.reason).toContain("neither Sec-Fetch-Site nor Origin");
  });

  test.each(["PUT", "DELETE", "PATCH", "OPTIONS"])("%s is checked like POST", (method) => {
    expect(checkSameOrigin({ method, host, secFetchSite: "cross-site", origin: null })?.status).toBe(403);
  });
});

describe("body size", () => {
  test("small forms pass, large bodies are refused with 413", () => {
    expect(checkBodySize(null)).toBeNull();
    expect(checkBodySize("300")).toBeNull();
    expect(checkBodySize(String(10 * 1024 * 1024))?.status).toBe(413);
    expect(checkBodySize("lots")?.status).toBe(413);
  });
});

describe("public routes", () => {
  test.each([
    ["GET", "/welcome"],
    ["POST", "/welcome"],
    ["GET", "/healthz"],
    ["GET", "/static/app.0123456789ab.css"],
  ])("%s %s needs no session", (method, path) => {
    expect(isPublicRoute(method, path)).toBe(true);
  });

  test.each([
    ["GET", "/"],
    ["GET", "/hardware"],
    ["GET", "/benchmark/progress"],
    ["POST", "/hardware/check"],
    ["POST", "/signout"],
    ["POST", "/static/app.css"],
    ["GET", "/static/../hardware"],
    ["GET", "/welcome/extra"],
    ["GET", "/nowhere"],
  ])("%s %s needs the session", (method, path) => {
    expect(isPublicRoute(method, path)).toBe(false);
  });
});

describe("security headers", () => {
  test("the CSP allows only the page's own files and forbids framing", () => {
    const csp = SECURITY_HEADERS["content-security-policy"]!;
    for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'", "object-src 'none'"]) {
      expect(csp).toContain(d);
    }
    expect(csp).not.toContain("unsafe");
  });

  test("no CORS header is ever part of the set", () => {
    expect(Object.keys(SECURITY_HEADERS).filter((h) => h.startsWith("access-control-"))).toEqual([]);
  });
});
